package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum FeedFormat {
    @JsonProperty("plain") PLAIN,
    @JsonProperty("spamhaus-ndjson") SPAMHAUS_NDJSON,
    @JsonProperty("json") JSON,
    @JsonProperty("csv") CSV
}
