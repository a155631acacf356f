package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * @param desired nodes that should run the agent
 * @param ready nodes whose agent enforces (or dry-runs) the current generation
 * @param failed nodes whose agent reports a failure
 * @param summary "ready/desired", for the printer column
 */
public record NodeCounts(
        @JsonPropertyDescription("Nodes that should run the agent.") int desired,
        @JsonPropertyDescription("Nodes whose agent enforces (or dry-runs) the current generation.") int ready,
        @JsonPropertyDescription("Nodes whose agent reports a failure.") int failed,
        @JsonPropertyDescription("ready/desired, for kubectl get.") String summary) {

    public static NodeCounts of(int desired, int ready, int failed) {
        return new NodeCounts(desired, ready, failed, ready + "/" + desired);
    }
}
