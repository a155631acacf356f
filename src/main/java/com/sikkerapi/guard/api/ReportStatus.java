package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;

/**
 * The hub's last report of blocked attackers to SikkerAPI, merged from every node's. Every field is nullable:
 * server-side apply on v1.20 API servers writes null where an applied status drops a field it owned (the previous
 * round's quota, say), and the schema must take it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportStatus(
        @Nullable @JsonPropertyDescription("Reported, Nothing, Stopped (quota, 429, an error: the rest waits) or Off.")
        String result,
        @Nullable String message,
        @Nullable @JsonPropertyDescription("When the hub last reported at least one address.") String lastReport,
        @Nullable @JsonPropertyDescription("Unique addresses sent in the last round (each once, whatever the nodes).")
        Integer addresses,
        @Nullable @JsonPropertyDescription("How many of them SikkerAPI accepted.") Integer accepted,
        @Nullable @JsonPropertyDescription("Nodes whose blocked sources went into the last round.") Integer nodes,
        @Nullable @JsonPropertyDescription("Addresses waiting for the next round (a spent quota keeps them back).")
        Integer waiting,
        @Nullable @JsonPropertyDescription("The daily report quota left, as SikkerAPI last said (X-Daily-Remaining).")
        Long quotaRemaining,
        @Nullable @JsonPropertyDescription("Addresses accepted since the hub started.") Long acceptedTotal) {
}
