package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.EntryCounts;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Instant;
import java.util.Map;

/** Objects for the pure (no Kubernetes) tests of the operator. */
final class Fixtures {
    private Fixtures() {
    }

    /** The operator's settings with the defaults it ships with, plus any overrides. */
    static OperatorSettings settings(Map<String, String> overrides) {
        return new SmallRyeConfigBuilder().withMapping(OperatorSettings.class).withDefaultValues(overrides).build()
                .getConfigMapping(OperatorSettings.class);
    }

    static ThreatBlocklist blocklist(String name, long generation) {
        ThreatBlocklist blocklist = new ThreatBlocklist();
        blocklist.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("security").withUid("uid-" + name)
                .withGeneration(generation).build());
        blocklist.setSpec(SpecValidatorTest.validSpec());
        return blocklist;
    }

    static ThreatBlocklistNode report(String blocklist, String node, NodePhase phase, long generation,
            Instant heartbeat, long v4, long v6) {
        ThreatBlocklistNode report = new ThreatBlocklistNode();
        report.setMetadata(new ObjectMetaBuilder().withName(com.sikkerapi.guard.api.ObjectNames.nodeReport(blocklist, node)).build());
        report.getSpec().setBlocklist(blocklist);
        report.getSpec().setNodeName(node);
        report.getSpec().setPhase(phase);
        report.getSpec().setObservedGeneration(generation);
        report.getSpec().setHeartbeat(Rfc3339.format(heartbeat));
        report.getSpec().setLastPull(Rfc3339.format(heartbeat.minusSeconds(60)));
        report.getSpec().setEntries(EntryCounts.of(v4, v6));
        return report;
    }
}
