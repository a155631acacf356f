package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum IpVersion {
    @JsonProperty("4") V4,
    @JsonProperty("6") V6,
    @JsonProperty("mixed") MIXED
}
