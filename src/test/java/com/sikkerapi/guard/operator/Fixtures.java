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

    /** The digest of the list the fixtures' hub published and their nodes enforce. */
    static final String DIGEST = "5e1f0c".repeat(10) + "abcd";

    /** The hub's record of a pull that published {@link #DIGEST}. */
    static com.sikkerapi.guard.api.ListStatus published(Instant at, String result, long v4, long v6) {
        String time = Rfc3339.format(at);
        return new com.sikkerapi.guard.api.ListStatus(result, "", DIGEST, com.sikkerapi.guard.api.ListStatus.version(
                DIGEST), EntryCounts.of(v4, v6), 1000L, 1, time, time, time, null, null, null);
    }

    /** The hub's record ConfigMap as the hub writes it (owned by the blocklist, labelled for the operator). */
    static io.fabric8.kubernetes.api.model.ConfigMap hubRecord(ThreatBlocklist blocklist,
            com.sikkerapi.guard.api.ListStatus record) {
        return new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                .withName(com.sikkerapi.guard.hub.ListPublication.recordName(blocklist.getMetadata().getName()))
                .withNamespace(blocklist.getMetadata().getNamespace())
                .withLabels(Map.of(com.sikkerapi.guard.hub.ListPublication.OUTPUT_LABEL,
                        com.sikkerapi.guard.hub.ListPublication.RECORD_OUTPUT))
                .withOwnerReferences(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                        .withApiVersion("guard.sikkerapi.com/v1alpha1").withKind("ThreatBlocklist")
                        .withName(blocklist.getMetadata().getName()).withUid(blocklist.getMetadata().getUid()).build())
                .endMetadata().withData(Map.of(com.sikkerapi.guard.hub.ListPublication.RECORD_KEY,
                        io.fabric8.kubernetes.client.utils.Serialization.asJson(record))).build();
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
        report.getSpec().setLastApply(Rfc3339.format(heartbeat.minusSeconds(60)));
        report.getSpec().setListDigest(DIGEST);
        report.getSpec().setEntries(EntryCounts.of(v4, v6));
        return report;
    }
}
