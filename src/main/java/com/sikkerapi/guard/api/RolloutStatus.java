package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;

/**
 * The rollout of the current identity as the operator shows it. Every field is nullable: server-side apply on
 * v1.20 API servers writes null where an applied status drops a field it owned.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutStatus(
        @Nullable @JsonPropertyDescription("Waiting (for the hub's first list), Canary, Batch n/m, Complete or Halted.")
        String stage,
        @Nullable @JsonPropertyDescription("What the nodes are moving to: the identity (a short hash of the list "
                + "digest and the node-level settings) and the list's version.") Target target,
        @Nullable @JsonPropertyDescription("What the nodes not yet moved keep enforcing.") Target previous,
        @Nullable @JsonPropertyDescription("Selected nodes whose agent enforces the target identity.")
        Integer nodesOnTarget,
        @Nullable Integer nodes,
        @Nullable @JsonPropertyDescription("nodesOnTarget/nodes, for kubectl get.") String summary,
        @Nullable @JsonPropertyDescription("When the current stage started.") String stageStarted,
        @Nullable String message) {

    public record Target(@Nullable String identity, @Nullable String version) {
        static Target of(Rollout.Identity identity) {
            return identity == null ? null : new Target(identity.identity(), identity.version());
        }
    }

    public static RolloutStatus of(Rollout rollout, int onTarget, int nodes, String message) {
        return new RolloutStatus(rollout.stageName(), Target.of(rollout.target()),
                rollout.previous() == null ? null : Target.of(rollout.previous().id()), onTarget, nodes,
                onTarget + "/" + nodes, rollout.stageStarted(), message);
    }
}
