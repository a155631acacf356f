package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ListBounds;
import com.sikkerapi.guard.api.RolloutSpec;
import com.sikkerapi.guard.api.ThreatBlocklistPolicy;
import com.sikkerapi.guard.api.ThreatBlocklistPolicySpec;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Map;

/**
 * The cluster's {@link ThreatBlocklistPolicy} as the operator applies it to each blocklist: its defaults where the
 * object or a field is absent.
 *
 * @param enforceNamespaces null: every namespace may enforce
 */
record ClusterPolicy(LabelSelector enforceNamespaces, ListBounds bounds, boolean allowCanaryZero,
        boolean agentsOnControlPlanes) {
    static final ClusterPolicy DEFAULTS = of(null);
    /** The labels that mark a control-plane node (the second is the name before Kubernetes 1.20). */
    static final List<String> CONTROL_PLANE_LABELS = List.of("node-role.kubernetes.io/control-plane",
            "node-role.kubernetes.io/master");

    static ClusterPolicy of(ThreatBlocklistPolicySpec spec) {
        if (spec == null) {
            return new ClusterPolicy(null, ListBounds.DEFAULTS, false, false);
        }
        return new ClusterPolicy(spec.getEnforceNamespaces(), ListBounds.of(spec),
                Boolean.TRUE.equals(spec.getAllowCanaryZero()), Boolean.TRUE.equals(spec.getAgentsOnControlPlanes()));
    }

    /** Whether blocklists in a namespace with these labels may enforce. */
    boolean admits(Map<String, String> namespaceLabels) {
        return enforceNamespaces == null || LabelSelectors.matches(enforceNamespaces, namespaceLabels);
    }

    /** Whether an agent may run on a node with these labels. */
    boolean runsOn(Map<String, String> nodeLabels) {
        return agentsOnControlPlanes || CONTROL_PLANE_LABELS.stream().noneMatch(nodeLabels::containsKey);
    }

    /** What the policy refuses in a spec, in SpecValidator's words. */
    List<String> problems(ThreatBlocklistSpec spec) {
        RolloutSpec rollout = spec == null ? null : spec.getRollout();
        if (!allowCanaryZero && rollout != null && Integer.valueOf(0).equals(rollout.getCanary())) {
            return List.of("spec.rollout.canary: 0 (every node at once) is not allowed by the cluster policy "
                    + "(ThreatBlocklistPolicy " + ThreatBlocklistPolicy.NAME + ", allowCanaryZero)");
        }
        return List.of();
    }
}
