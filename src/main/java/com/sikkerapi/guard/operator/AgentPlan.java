package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.List;

/**
 * Everything the operator decides for one valid ThreatBlocklist before rendering the agent's objects: the effective
 * mode, the cluster ranges no node may block, the nodes selected to run the agent (an agent stopped on a node
 * that is no longer among them removes its rules; one stopped for a restart leaves them for its successor), and the
 * agents' loopback port ({@link HealthPorts}), the rollout ({@link RolloutPlanner}: which nodes enforce which
 * identity), and the cluster policy's bounds on any list. The dependents render from this and the resource alone.
 */
public record AgentPlan(Mode mode, ModeReason modeReason, List<String> protectedRanges,
        java.util.Collection<String> selectedNodes, int healthPort, OperatorSettings settings,
        com.sikkerapi.guard.api.Rollout rollout, ClusterPolicy policy) {

    /**
     * The namespace label {@code guard.sikkerapi.com/dry-run=true} forces dry-run over the spec, so a cluster admin can
     * make a whole namespace safe without touching (or being able to touch) the resources in it; so does a cluster
     * policy whose {@code enforceNamespaces} the namespace does not match.
     */
    public static Mode mode(ThreatBlocklist blocklist, Namespace namespace, ClusterPolicy policy) {
        return modeReason(blocklist, namespace, policy) == ModeReason.Spec ? Mode.Enforcing : Mode.DryRun;
    }

    public static ModeReason modeReason(ThreatBlocklist blocklist, Namespace namespace, ClusterPolicy policy) {
        java.util.Map<String, String> labels = namespace == null || namespace.getMetadata().getLabels() == null
                ? java.util.Map.of() : namespace.getMetadata().getLabels();
        if ("true".equals(labels.get(Names.DRY_RUN_NAMESPACE_LABEL))) {
            return ModeReason.NamespacePolicy;
        }
        if (!policy.admits(labels)) {
            return ModeReason.Policy;
        }
        return Boolean.TRUE.equals(blocklist.getSpec().getDryRun()) ? ModeReason.SpecDryRun : ModeReason.Spec;
    }
}
