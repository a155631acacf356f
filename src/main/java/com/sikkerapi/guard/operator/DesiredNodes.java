package com.sikkerapi.guard.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The nodes the DaemonSet controller will place an agent on: labels match the node selector, and every NoSchedule or
 * NoExecute taint is tolerated. The operator needs this set to tell "not ready yet" from "not expected", and to know
 * the desired count where no DaemonSet controller reports one.
 */
final class DesiredNodes {
    private DesiredNodes() {
    }

    static Set<String> select(Collection<Node> nodes, Map<String, String> nodeSelector, List<Toleration> tolerations) {
        Set<String> names = new TreeSet<>();
        for (Node node : nodes) {
            if (matchesSelector(node, nodeSelector) && toleratesTaints(node, tolerations)) {
                names.add(node.getMetadata().getName());
            }
        }
        return names;
    }

    private static boolean matchesSelector(Node node, Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return true;
        }
        Map<String, String> labels = node.getMetadata().getLabels();
        return labels != null && selector.entrySet().stream()
                .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    private static boolean toleratesTaints(Node node, List<Toleration> tolerations) {
        if (node.getSpec() == null || node.getSpec().getTaints() == null) {
            return true;
        }
        return node.getSpec().getTaints().stream()
                .filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                .allMatch(t -> tolerations.stream().anyMatch(tol -> tolerates(tol, t)));
    }

    /** The Kubernetes toleration rule (k8s.io/api/core/v1 Toleration.ToleratesTaint). */
    static boolean tolerates(Toleration toleration, Taint taint) {
        if (toleration.getEffect() != null && !toleration.getEffect().isEmpty()
                && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        String key = toleration.getKey();
        if (key != null && !key.isEmpty() && !key.equals(taint.getKey())) {
            return false;
        }
        if ("Exists".equals(toleration.getOperator())) {
            return true;
        }
        return (key != null && !key.isEmpty())
                && Objects.equals(Objects.requireNonNullElse(toleration.getValue(), ""),
                        Objects.requireNonNullElse(taint.getValue(), ""));
    }
}
