package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One attacker a node blocked over a reporting interval, as its agent hands it to the hub for the report to
 * SikkerAPI: inbound attempts only, never replies to the node's own connections.
 */
public record BlockedSource(
        @JsonPropertyDescription("The blocked source address.") String source,
        @JsonPropertyDescription("Packets sampled by the log rule over the interval.") long packets,
        String protocol,
        @JsonPropertyDescription("The most hit destination port; -1 for protocols without ports.") int port,
        @JsonPropertyDescription("The service name of that port (spec.reporting.portMap, then well-known names).")
        String service) {
}
