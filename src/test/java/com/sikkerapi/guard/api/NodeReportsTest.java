package com.sikkerapi.guard.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

/** Which node reports the operator and the hub take for their node's. */
class NodeReportsTest {
    private static ThreatBlocklistNode report(String name, String blocklist, String node) {
        ThreatBlocklistNode report = new ThreatBlocklistNode();
        report.setMetadata(new ObjectMetaBuilder().withName(name).build());
        report.getSpec().setBlocklist(blocklist);
        report.getSpec().setNodeName(node);
        return report;
    }

    @Test
    void aReportNamedAfterItsBlocklistAndNodeIsGenuine() {
        assertThat(NodeReports.genuine(report("edge.node-1", "edge", "node-1"), "edge")).isTrue();
        String longNode = "n".repeat(250);
        assertThat(NodeReports.genuine(report(ObjectNames.nodeReport("edge", longNode), "edge", longNode), "edge"))
                .as("a shortened name").isTrue();
    }

    @Test
    void aReportNamedForAnotherNodeOrBlocklistIsNot() {
        assertThat(NodeReports.genuine(report("edge.node-1", "edge", "node-2"), "edge")).isFalse();
        assertThat(NodeReports.genuine(report("edge.node-1", "other", "node-1"), "edge")).isFalse();
        assertThat(NodeReports.genuine(report("edge.node-1", "edge", null), "edge")).isFalse();
    }
}
