package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's rollout of one identity, as it hands it to the agents (the agent ConfigMap's {@link #KEY}) and
 * keeps it between reconciles: which identity is the target, which one the nodes not yet moved keep, and which nodes
 * are told the target. An agent enforces exactly what {@link #assignment} says for its node.
 *
 * @param previous what the nodes not yet moved keep; null when nothing was enforced before (they keep what is in
 *        place, which on a new cluster is nothing)
 * @param onTarget the nodes told the target; null when every node is (the rollout is complete)
 * @param stageIndex 0 for the canaries, then 1 for the first batch
 * @param stages how many stages the rollout has (canaries and batches) for the nodes selected when it started
 * @param retried the value of the retry annotation this rollout has acted on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rollout(Identity target, Previous previous, List<String> onTarget, Stage stage, int stageIndex,
        int stages, String stageStarted, Halt halted, String retried) {
    public static final String KEY = "rollout.json";

    public enum Stage { Waiting, Canary, Batch, Complete, Halted }

    /** @param identity short hash of the list digest and the node-level settings; the operator computes it */
    public record Identity(String identity, String digest) {
        public String version() {
            return ListStatus.version(digest);
        }
    }

    /** The identity the nodes not yet moved enforce, with the configuration it was made of. */
    public record Previous(String identity, String digest, AgentConfig config) {
        public Identity id() {
            return new Identity(identity, digest);
        }
    }

    /** Why the rollout stopped: the node, its reason and what it said. */
    public record Halt(String node, String reason, String message, String at) {
    }

    /**
     * What one node must enforce.
     *
     * @param config the configuration to enforce (the current one, or the previous identity's)
     * @param digest the list to enforce; null when the identity has none (nothing is applied)
     * @param identity null when the node keeps what is in place (no previous identity is known)
     */
    public record Assignment(AgentConfig config, String digest, String identity) {
    }

    /** The target for every node on it; the previous identity (or what is in place) for the others. */
    public Assignment assignment(String node, AgentConfig current) {
        if (told(node)) {
            return new Assignment(current, target.digest(), target.identity());
        }
        return previous == null ? new Assignment(current, null, null)
                : new Assignment(previous.config(), previous.digest(), previous.identity());
    }

    /** The list digest the hub must keep readable: the one the nodes not yet moved enforce. */
    @JsonIgnore
    public Optional<String> retainedDigest() {
        return onTarget == null || previous == null ? Optional.empty() : Optional.ofNullable(previous.digest());
    }

    /** As {@code kubectl get} shows it: Canary, Batch 2/4, Complete, Halted. */
    @JsonIgnore
    public String stageName() {
        return stage == Stage.Batch ? "Batch " + stageIndex + "/" + (stages - 1) : stage.name();
    }

    /** Whether this node is told the target. */
    public boolean told(String node) {
        return onTarget == null || onTarget.contains(node);
    }

    public Set<String> onTargetSet() {
        return onTarget == null ? Set.of() : Set.copyOf(onTarget);
    }
}
