package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.Map;
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
            node("control-plane", Map.of("pool", "web"), "node-role.kubernetes.io/control-plane", "NoSchedule"),
            node("draining", Map.of("pool", "web"), "maintenance", "PreferNoSchedule"));

    @Test
    void defaultTolerationReachesEveryNode() {
        List<Toleration> all = List.of(new TolerationBuilder().withOperator("Exists").build());
        assertThat(DesiredNodes.select(nodes, Map.of(), all))
                .containsExactly("control-plane", "draining", "worker-1", "worker-2");
    }

    @Test
    void selectorAndTaintsNarrowTheSet() {
        assertThat(DesiredNodes.select(nodes, Map.of("pool", "web"), List.of()))
                .as("NoSchedule taints keep agents off, PreferNoSchedule does not")
                .containsExactly("draining", "worker-1");
        List<Toleration> controlPlane = List.of(new TolerationBuilder()
                .withKey("node-role.kubernetes.io/control-plane").withOperator("Exists").withEffect("NoSchedule").build());
        assertThat(DesiredNodes.select(nodes, Map.of("pool", "web"), controlPlane))
                .containsExactly("control-plane", "draining", "worker-1");
    }

    @Test
    void equalTolerationNeedsTheSameValue() {
        var taint = new io.fabric8.kubernetes.api.model.TaintBuilder().withKey("k").withValue("v")
                .withEffect("NoExecute").build();
        assertThat(DesiredNodes.tolerates(new TolerationBuilder().withKey("k").withOperator("Equal").withValue("v")
                .build(), taint)).isTrue();
        assertThat(DesiredNodes.tolerates(new TolerationBuilder().withKey("k").withOperator("Equal").withValue("w")
                .build(), taint)).isFalse();
        assertThat(DesiredNodes.tolerates(new TolerationBuilder().withKey("k").withOperator("Exists")
                .withEffect("NoSchedule").build(), taint)).isFalse();
    }
}
