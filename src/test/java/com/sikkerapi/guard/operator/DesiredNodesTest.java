package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DesiredNodesTest {
    static Node node(String name, Map<String, String> labels, String taintKey, String taintEffect) {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().endSpec();
        if (taintKey != null) {
            node.editSpec().addNewTaint().withKey(taintKey).withEffect(taintEffect).endTaint().endSpec();
        }
        return node.build();
    }

    private final List<Node> nodes = List.of(
            node("worker-1", Map.of("pool", "web"), null, null),
            node("worker-2", Map.of("pool", "db"), null, null),
            node("cordoned", Map.of("pool", "web"), "node.kubernetes.io/unschedulable", "NoSchedule"),
            node("not-ready", Map.of("pool", "web"), "node.kubernetes.io/not-ready", "NoExecute"));

    @Test
    void theSelectionIsTheNodeSelectorAndTaintsNeverDeselect() {
        assertThat(DesiredNodes.selected(nodes, Map.of(), ClusterPolicy.DEFAULTS))
                .containsExactly("cordoned", "not-ready", "worker-1", "worker-2");
        assertThat(DesiredNodes.selected(nodes, null, ClusterPolicy.DEFAULTS)).hasSize(4);
        assertThat(DesiredNodes.selected(nodes, Map.of("pool", "web"), ClusterPolicy.DEFAULTS))
                .as("a cordoned or not-ready node keeps its agent: the DaemonSet controller tolerates both itself")
                .containsExactly("cordoned", "not-ready", "worker-1");
        assertThat(DesiredNodes.selected(nodes, Map.of("pool", "web", "zone", "a"),
                ClusterPolicy.DEFAULTS)).isEmpty();
    }

    @Test
    void controlPlanesRunNoAgentUnlessThePolicyOptsIn() {
        List<Node> cluster = List.of(node("worker-1", Map.of(), null, null),
                node("cp-1", Map.of("node-role.kubernetes.io/control-plane", ""), null, null),
                node("old-cp", Map.of("node-role.kubernetes.io/master", ""), null, null));
        assertThat(DesiredNodes.selected(cluster, Map.of(), ClusterPolicy.DEFAULTS)).containsExactly("worker-1");
        var optIn = new com.sikkerapi.guard.api.ThreatBlocklistPolicySpec();
        optIn.setAgentsOnControlPlanes(true);
        assertThat(DesiredNodes.selected(cluster, Map.of(), ClusterPolicy.of(optIn))).hasSize(3);
    }

    private static DaemonSet daemonSet(long generation, Long observed, Integer desired) {
        return new DaemonSetBuilder().withNewMetadata().withGeneration(generation).endMetadata()
                .withNewStatus().withObservedGeneration(observed).withDesiredNumberScheduled(desired).endStatus()
                .build();
    }

    @Test
    void theCountIsTheDaemonSetControllersOnceItHasSeenTheTemplate() {
        Set<String> selected = Set.of("a", "b", "c");
        assertThat(DesiredNodes.desiredCount(selected, null)).as("no DaemonSet yet").isEqualTo(3);
        assertThat(DesiredNodes.desiredCount(selected, new DaemonSetBuilder().withNewMetadata().endMetadata().build()))
                .as("no DaemonSet controller").isEqualTo(3);
        assertThat(DesiredNodes.desiredCount(selected, daemonSet(2, 1L, 1))).as("an older template's count")
                .isEqualTo(3);
        assertThat(DesiredNodes.desiredCount(selected, daemonSet(2, 2L, 2)))
                .as("the controller leaves out a node whose taint the tolerations do not cover").isEqualTo(2);
    }
}
