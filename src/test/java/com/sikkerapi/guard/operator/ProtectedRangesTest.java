package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtectedRangesTest {
    @Test
    void collectsNodeAddressesPodCidrsApiServerAndSettings() {
        Node a = new NodeBuilder().withNewMetadata().withName("a").endMetadata()
                .withNewSpec().withPodCIDR("10.244.0.0/24").withPodCIDRs("10.244.0.0/24", "fd00:10:244::/64").endSpec()
                .withNewStatus()
                .addNewAddress().withType("InternalIP").withAddress("192.168.1.10").endAddress()
                .addNewAddress().withType("ExternalIP").withAddress("203.0.113.10").endAddress()
                .addNewAddress().withType("Hostname").withAddress("a.example").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("2001:db8::a").endAddress()
                .endStatus().build();
        Node b = new NodeBuilder().withNewMetadata().withName("b").endMetadata()
                .withNewSpec().withPodCIDR("10.244.1.0/24").endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("not-an-ip").endAddress()
                .addNewAddress().withType("ExternalIP").withAddress("203.0.113.10").endAddress().endStatus().build();
        var apiServer = new EndpointsBuilder().withNewMetadata().withName("kubernetes").endMetadata()
                .addNewSubset().addNewAddress().withIp("198.51.100.1").endAddress().endSubset().build();
        assertThat(ProtectedRanges.compute(List.of(a, b), apiServer, List.of("10.96.0.0/12", "198.51.100.0/24")))
                .containsExactly("10.96.0.0/12", "10.244.0.0/24", "10.244.1.0/24", "192.168.1.10",
                        "198.51.100.0/24", "198.51.100.1", "203.0.113.10", "2001:db8::a", "fd00:10:244::/64");
    }
}
