package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;

/**
 * Where one source of the list came from: the address the hub asked (credentials and query values of a plain feed
 * hidden), the last answer it had from it, and what its body gave.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceStatus(
        @Nullable @JsonPropertyDescription("sikkerapi, or feed-NAME.") String name,
        @Nullable @JsonPropertyDescription("The address asked: no credentials; a feed's query values shown as ***.")
        String url,
        @Nullable @JsonPropertyDescription("HTTP status of the last answer: 200 (a new body), 304 (not modified), or "
                + "the failure's status.") Integer httpStatus,
        @Nullable @JsonPropertyDescription("When that answer came.") String answered,
        @Nullable @JsonPropertyDescription("Entries its body gave the last time it was validated (before the "
                + "whitelist and aggregation).") Long entries) {
}
