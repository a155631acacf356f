package com.sikkerapi.guard.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes a blocklist covers. The selection is the admin's: the nodes whose labels match spec.nodeSelector.
 * Taints never deselect a node: the DaemonSet controller adds tolerations of its own (unschedulable, not-ready,
 * unreachable, disk, memory and pid pressure), so a cordoned or struggling node keeps its agent, and an agent
 * stopped there must leave the node's rules in place. How many nodes run an agent is the DaemonSet controller's
 * own answer, read from the DaemonSet's status, rather than a re-derivation of its placement rules.
 */
final class DesiredNodes {
    private DesiredNodes() {
    }

    /**
     * The nodes the admin selected, less the control planes where the cluster policy keeps agents off them; an
     * agent stopped on a node outside this set removes its rules.
     */
    static Set<String> selected(Collection<Node> nodes, Map<String, String> nodeSelector, ClusterPolicy policy) {
        Set<String> names = new TreeSet<>();
        for (Node node : nodes) {
            Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of()
                    : node.getMetadata().getLabels();
            if (matchesSelector(node, nodeSelector) && policy.runsOn(labels)) {
                names.add(node.getMetadata().getName());
            }
        }
        return names;
    }

    /**
     * The nodes that should run an agent: the DaemonSet controller's desiredNumberScheduled once it has seen the
     * current pod template; until then, and where no DaemonSet controller runs, the selection.
     */
    static int desiredCount(Set<String> selected, DaemonSet daemonSet) {
        if (daemonSet == null || daemonSet.getStatus() == null || daemonSet.getStatus().getObservedGeneration() == null
                || daemonSet.getStatus().getDesiredNumberScheduled() == null
                || !Objects.equals(daemonSet.getStatus().getObservedGeneration(),
                        daemonSet.getMetadata().getGeneration())) {
            return selected.size();
        }
        return daemonSet.getStatus().getDesiredNumberScheduled();
    }

    private static boolean matchesSelector(Node node, Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return true;
        }
        Map<String, String> labels = node.getMetadata().getLabels();
        return labels != null && selector.entrySet().stream()
                .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }
}
