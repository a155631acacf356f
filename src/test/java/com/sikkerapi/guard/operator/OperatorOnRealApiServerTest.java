package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.Rollout;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.testing.Manifests;
import com.sikkerapi.guard.testing.NetNs;
import com.sikkerapi.guard.testing.RealApiServerProfile;
import com.sikkerapi.guard.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The operator (in this JVM) against a real kube-apiserver v1.20 with etcd: what the mock server cannot show. */
@QuarkusTest
@TestProfile(RealApiServerProfile.class)
@Tag("real-apiserver")
class OperatorOnRealApiServerTest {
    private static final List<Class<? extends HasMetadata>> AGENT_KINDS = List.of(ServiceAccount.class, Role.class,
            RoleBinding.class, ConfigMap.class, DaemonSet.class);

    private final RealCluster cluster = new RealCluster();

    private ThreatBlocklist create(String namespace, String name, String extraSpec) {
        cluster.apply(Manifests.namespace(namespace));
        cluster.apply(Manifests.blocklist(namespace, name, extraSpec));
        return cluster.awaitBlocklist(namespace, name, b -> b.getStatus() != null
                && b.getStatus().getObservedGeneration() == b.getMetadata().getGeneration());
    }

    private <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return cluster.client().resources(type).inNamespace(namespace).withName(name).get();
    }

    private Map<String, String> resourceVersions(String namespace, String blocklist) {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("ThreatBlocklist", get(ThreatBlocklist.class, namespace, blocklist).getMetadata().getResourceVersion());
        for (Class<? extends HasMetadata> kind : AGENT_KINDS) {
            versions.put(kind.getSimpleName(), get(kind, namespace, blocklist + "-agent").getMetadata().getResourceVersion());
        }
        return versions;
    }

    @Test
    void appliesTheAgentObjectsServerSideWithItsOwnFieldManagerAndOwnerReferences() {
        ThreatBlocklist blocklist = create("ssa", "edge", "");
        for (Class<? extends HasMetadata> kind : AGENT_KINDS) {
            HasMetadata made = await().atMost(RealCluster.WAIT).until(() -> get(kind, "ssa", "edge-agent"),
                    java.util.Objects::nonNull);
            assertThat(made.getMetadata().getManagedFields()).as(kind.getSimpleName()).singleElement()
                    .satisfies(entry -> {
                        assertThat(entry.getManager()).isEqualTo(Names.FIELD_MANAGER);
                        assertThat(entry.getOperation()).isEqualTo("Apply");
                    });
            // v1.20 runs no garbage collector here, so the references themselves are what can be checked.
            assertThat(made.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getUid()).isEqualTo(blocklist.getMetadata().getUid());
                assertThat(owner.getController()).isTrue();
                assertThat(owner.getBlockOwnerDeletion()).isTrue();
            });
        }
        // The operator owns the status and nothing of the spec or metadata: Git and Argo CD own those.
        List<ManagedFieldsEntry> entries = cluster.blocklist("ssa", "edge").getMetadata().getManagedFields();
        ManagedFieldsEntry operator = entries.stream().filter(e -> e.getManager().equals(Names.FIELD_MANAGER))
                .findFirst().orElseThrow();
        assertThat(operator.getOperation()).isEqualTo("Apply");
        String owned = Serialization.asJson(operator.getFieldsV1());
        assertThat(owned).contains("f:status").doesNotContain("f:spec").doesNotContain("f:labels")
                .doesNotContain("f:annotations").doesNotContain("f:finalizers");
    }

    @Test
    void specChangesBumpObservedGenerationAndReachTheAgentConfig() {
        create("generation", "edge", "");
        cluster.server().kubectl("-n", "generation", "patch", "tbl", "edge", "--type=merge",
                "-p", "{\"spec\":{\"source\":{\"sikkerapi\":{\"scoreMinimum\":80}}}}").check();
        ThreatBlocklist patched = cluster.awaitBlocklist("generation", "edge",
                b -> b.getStatus() != null && b.getStatus().getObservedGeneration() == 2);
        assertThat(patched.getMetadata().getGeneration()).isEqualTo(2);
        assertThat(patched.getStatus().getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(2));
        AgentConfig config = Serialization.unmarshal(get(ConfigMap.class, "generation", "edge-agent").getData()
                .get(AgentConfig.CONFIG_KEY), AgentConfig.class);
        assertThat(config.generation()).isEqualTo(2);
        assertThat(config.spec().getSource().getSikkerapi().getScoreMinimum()).isEqualTo(80);
    }

    @Test
    void resyncsRewriteNothingThatDidNotChange() throws Exception {
        create("no-churn", "edge", "nodeSelector: {pool: no-churn}");
        cluster.node("no-churn-1", Map.of("pool", "no-churn"), "192.0.2.31", "10.244.31.0/24");
        await().atMost(RealCluster.WAIT).until(() -> get(ConfigMap.class, "no-churn", "edge-agent").getData()
                .get(AgentConfig.PROTECTED_RANGES_KEY).contains("192.0.2.31"));
        Thread.sleep(2000);
        Map<String, String> before = resourceVersions("no-churn", "edge");
        double reconcilesBefore = ReconcileCounter.reconcilesStarted();
        for (int i = 0; i < 3; i++) {
            // A Node label change re-reconciles every blocklist without changing anything it derives.
            cluster.client().nodes().withName("no-churn-1").edit(n -> {
                n.getMetadata().getLabels().put("touched", String.valueOf(System.nanoTime()));
                return n;
            });
            Thread.sleep(1000);
        }
        await().atMost(RealCluster.WAIT).until(() -> ReconcileCounter.reconcilesStarted() >= reconcilesBefore + 3);
        Thread.sleep(1000);
        assertThat(resourceVersions("no-churn", "edge")).isEqualTo(before);
        assertThat(ReconcileCounter.nodes("no-churn", "edge", "desired")).isEqualTo(1.0);
        assertThat(ReconcileCounter.nodes("no-churn", "edge", "ready")).isEqualTo(0.0);
    }

    @Test
    void namespaceLabelForcesDryRunAndRemovingItRestoresEnforcing() {
        create("policy", "edge", "");
        cluster.server().kubectl("label", "namespace", "policy", Names.DRY_RUN_NAMESPACE_LABEL + "=true").check();
        ThreatBlocklist dry = cluster.awaitBlocklist("policy", "edge",
                b -> b.getStatus().getMode() == Mode.DryRun);
        assertThat(dry.getStatus().getModeReason()).isEqualTo(ModeReason.NamespacePolicy);
        assertThat(dry.getMetadata().getGeneration()).as("the resource itself was not touched").isEqualTo(1);
        assertThat(Serialization.unmarshal(get(ConfigMap.class, "policy", "edge-agent").getData()
                .get(AgentConfig.CONFIG_KEY), AgentConfig.class).mode()).isEqualTo(Mode.DryRun);
        assertThat(cluster.server().kubectl("-n", "policy", "describe", "tbl", "edge").check().stdout())
                .contains("ModeDryRun").contains("namespace label guard.sikkerapi.com/dry-run=true overrides the spec");
        cluster.server().kubectl("label", "namespace", "policy", Names.DRY_RUN_NAMESPACE_LABEL + "-").check();
        ThreatBlocklist enforcing = cluster.awaitBlocklist("policy", "edge",
                b -> b.getStatus().getMode() == Mode.Enforcing);
        assertThat(enforcing.getStatus().getModeReason()).isEqualTo(ModeReason.Spec);
    }

    private static String policy(double maxCoverageV4) {
        return """
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklistPolicy
                metadata: {name: default}
                spec:
                  enforceNamespaces: {matchLabels: {sikkerguard-test/enforce: "yes"}}
                  maxCoveragePercentV4: %s
                """.formatted(maxCoverageV4);
    }

    private com.sikkerapi.guard.api.ListBounds bounds(String namespace) {
        return Json.read(get(ConfigMap.class, namespace, "edge-agent").getData()
                .get(com.sikkerapi.guard.api.ListBounds.CONFIG_KEY), com.sikkerapi.guard.api.ListBounds.class);
    }

    @Test
    void theClusterPolicyAdmitsTheNamespacesItSelectsAndItsBoundsReachTheAgents() {
        cluster.server().kubectl("apply", "--dry-run=server", "-f", "deploy/policy/").check();
        create("admitted", "edge", "");
        create("outside", "edge", "");
        assertThat(bounds("admitted")).as("no policy yet").isEqualTo(com.sikkerapi.guard.api.ListBounds.DEFAULTS);
        cluster.server().kubectl("label", "namespace", "admitted", "sikkerguard-test/enforce=yes").check();
        try {
            cluster.apply(policy(3.5));
            ThreatBlocklist outside = cluster.awaitBlocklist("outside", "edge",
                    b -> b.getStatus().getMode() == Mode.DryRun);
            assertThat(outside.getStatus().getModeReason()).isEqualTo(ModeReason.Policy);
            assertThat(StatusAggregator.find(outside.getStatus(), StatusAggregator.ENFORCING)).satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("Policy");
                assertThat(c.getMessage()).contains("does not admit namespace outside");
            });
            assertThat(Serialization.unmarshal(get(ConfigMap.class, "outside", "edge-agent").getData()
                    .get(AgentConfig.CONFIG_KEY), AgentConfig.class).mode()).isEqualTo(Mode.DryRun);
            await().atMost(RealCluster.WAIT).until(() -> bounds("admitted").maxCoveragePercentV4() == 3.5);
            assertThat(get(ThreatBlocklist.class, "admitted", "edge").getStatus().getMode())
                    .isEqualTo(Mode.Enforcing);

            cluster.apply(policy(4.0));
            await("a policy change reaches every blocklist").atMost(RealCluster.WAIT)
                    .until(() -> bounds("admitted").maxCoveragePercentV4() == 4.0
                            && bounds("outside").maxCoveragePercentV4() == 4.0);
        } finally {
            cluster.server().kubectl("delete", "threatblocklistpolicy", "default", "--ignore-not-found").check();
        }
        cluster.awaitBlocklist("outside", "edge", b -> b.getStatus().getMode() == Mode.Enforcing);
    }

    @Test
    void invalidSpecIsReportedAndLeavesTheAgentsOnTheLastGoodConfig() {
        create("invalid", "edge", "");
        Map<String, String> before = resourceVersions("invalid", "edge");
        // Valid for the schema, invalid for the operator: a json feed needs a path to the address field.
        cluster.apply(Manifests.blocklist("invalid", "edge", """
                whitelist: [203.0.113.7]
                """).replace("      apiKeySecretRef:", """
                      apiKeySecretRef:
                """.stripTrailing()).replace("    sikkerapi:\n", """
                    feeds:
                    - name: vendor
                      url: https://feeds.example/vendor.json
                      format: json
                    sikkerapi:
                """));
        ThreatBlocklist invalid = cluster.awaitBlocklist("invalid", "edge", b -> b.getStatus().getObservedGeneration() == 2);
        var ready = StatusAggregator.find(invalid.getStatus(), StatusAggregator.READY);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains("spec.source.feeds[0].jsonPath: required for format json");
        Map<String, String> after = resourceVersions("invalid", "edge");
        after.remove("ThreatBlocklist");
        before.remove("ThreatBlocklist");
        assertThat(after).isEqualTo(before);
        assertThat(cluster.server().kubectl("-n", "invalid", "describe", "tbl", "edge").check().stdout())
                .contains("InvalidSpec").contains("Warning");
    }

    @Test
    void handsTheClusterRangesToTheAgents() {
        // A real cluster's API server publishes its addresses in default/kubernetes; this one advertises a loopback
        // address, which it does not publish, so the test writes what a real one would.
        cluster.apply("""
                apiVersion: v1
                kind: Endpoints
                metadata: {name: kubernetes, namespace: default}
                subsets:
                - addresses: [{ip: 192.0.2.250}]
                  ports: [{name: https, port: 6443, protocol: TCP}]
                """);
        create("ranges", "edge", "nodeSelector: {pool: ranges}");
        cluster.node("ranges-1", Map.of("pool", "ranges"), "192.0.2.41", "10.244.41.0/24");
        await().atMost(RealCluster.WAIT).untilAsserted(() -> assertThat(get(ConfigMap.class, "ranges", "edge-agent")
                .getData().get(AgentConfig.PROTECTED_RANGES_KEY).lines().toList())
                .contains("192.0.2.41", "10.244.41.0/24", RealApiServerProfile.SERVICE_CIDR,
                        "192.0.2.250"));
    }

    @Test
    void aCanaryThatFailsHaltsTheRolloutAndTheRetryAnnotationStartsItAgain() {
        ThreatBlocklist blocklist = create("halt", "edge", "nodeSelector: {pool: halt}\nrollout: {soak: 1s}");
        cluster.node("halt-1", Map.of("pool", "halt"), "192.0.2.61", "10.244.61.0/24");
        cluster.node("halt-2", Map.of("pool", "halt", "guard.sikkerapi.com/canary", "true"), "192.0.2.62",
                "10.244.62.0/24");
        cluster.client().resource(Fixtures.hubRecord(blocklist, Fixtures.published(Instant.now(), "Published", 6273,
                78))).fieldManager("sikkerguard-hub").serverSideApply();
        ThreatBlocklist canary = cluster.awaitBlocklist("halt", "edge", b -> b.getStatus().getRollout() != null
                && "Canary".equals(b.getStatus().getRollout().stage()));
        String target = canary.getStatus().getRollout().target().identity();
        assertThat(rollout("halt").onTarget()).as("the labelled node").containsExactly("halt-2");

        ThreatBlocklistNode failed = Fixtures.report("edge", "halt-2", NodePhase.Degraded, 1, Instant.now(), 6273, 78);
        failed.getSpec().setLastErrorReason("SelfTestFailed");
        failed.getSpec().setLastErrorMessage("the list 5e1f0c5e1f0c broke gateway 192.0.2.1; rolled back");
        failed.getSpec().setLastErrorIdentity(target);
        failed.getMetadata().setNamespace("halt");
        failed.addOwnerReference(blocklist);
        cluster.client().resource(failed).serverSideApply();
        ThreatBlocklist halted = cluster.awaitBlocklist("halt", "edge", b -> "Halted".equals(
                b.getStatus().getRollout().stage()));
        assertThat(StatusAggregator.find(halted.getStatus(), StatusAggregator.ROLLOUT_HALTED).getMessage())
                .contains("node halt-2 SelfTestFailed: the list 5e1f0c5e1f0c broke gateway 192.0.2.1")
                .contains(target);
        assertThat(rollout("halt").onTarget()).as("every node on the previous identity").isEmpty();
        assertThat(cluster.server().kubectl("-n", "halt", "describe", "tbl", "edge").check().stdout())
                .contains("RolloutStarted").contains("RolloutHalted");

        // The canary is back on what it had; the admin retries: a new annotation value, no new generation.
        failed.getSpec().setPhase(NodePhase.Enforcing);
        failed.getSpec().setLastErrorReason(null);
        failed.getSpec().setLastErrorMessage(null);
        failed.getSpec().setLastErrorIdentity(null);
        cluster.client().resource(failed).serverSideApply();
        cluster.awaitBlocklist("halt", "edge", b -> b.getStatus().getFailingNodes() == null);
        NetNs.sleep(1000); // that reconcile is over: only the annotation can start the next one
        cluster.server().kubectl("-n", "halt", "annotate", "tbl", "edge", "guard.sikkerapi.com/rollout-retry=1").check();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(rollout("halt").stage()).isEqualTo(Rollout.Stage.Canary);
            assertThat(rollout("halt").retried()).isEqualTo("1");
        });
        assertThat(get(ThreatBlocklist.class, "halt", "edge").getMetadata().getGeneration())
                .isEqualTo(halted.getMetadata().getGeneration());
    }

    private Rollout rollout(String namespace) {
        return Json.read(get(ConfigMap.class, namespace, "edge-agent").getData().get(Rollout.KEY), Rollout.class);
    }

    @Test
    void foldsNodeReportsIntoStatusAndPrinterColumns() {
        ThreatBlocklist blocklist = create("fold", "edge", "nodeSelector: {pool: fold}");
        for (String node : List.of("fold-1", "fold-2")) {
            cluster.node(node, Map.of("pool", "fold"), node.equals("fold-1") ? "192.0.2.51" : "192.0.2.52",
                    node.equals("fold-1") ? "10.244.51.0/24" : "10.244.52.0/24");
        }
        cluster.awaitBlocklist("fold", "edge", b -> b.getStatus().getNodes().desired() == 2);
        for (String node : List.of("fold-1", "fold-2")) {
            ThreatBlocklistNode report = Fixtures.report("edge", node, NodePhase.Enforcing, 1, Instant.now(), 6273, 78);
            report.getMetadata().setNamespace("fold");
            report.addOwnerReference(blocklist);
            cluster.client().resource(report).serverSideApply();
        }
        cluster.client().resource(Fixtures.hubRecord(blocklist, Fixtures.published(Instant.now(), "Published", 6273,
                78))).fieldManager("sikkerguard-hub").serverSideApply();
        ThreatBlocklist ready = cluster.awaitBlocklist("fold", "edge", b -> "True".equals(
                StatusAggregator.find(b.getStatus(), StatusAggregator.READY).getStatus())
                && b.getStatus().getList() != null);
        assertThat(ready.getStatus().getNodes().summary()).isEqualTo("2/2");
        assertThat(ready.getStatus().getEntries().total()).isEqualTo(6351);
        String table = cluster.server().kubectl("-n", "fold", "get", "threatblocklists").check().stdout();
        assertThat(table.lines().findFirst().orElseThrow().split("\\s{2,}"))
                .containsExactly("NAME", "MODE", "SCORE", "NODES", "STAGE", "LIST", "ON LIST", "ENTRIES", "LAST PULL",
                        "AGE");
        assertThat(table.lines().skip(1).findFirst().orElseThrow().split("\\s+"))
                .as("the reports name no identity: the canary stage waits for its node")
                .startsWith("edge", "Enforcing", "50", "2/2", "Canary", "5e1f0c5e1f0c", "2", "6351");
        assertThat(cluster.server().kubectl("-n", "fold", "get", "tbln").check().stdout())
                .contains("edge.fold-1").contains("Enforcing");
        assertThat(cluster.server().kubectl("-n", "fold", "describe", "tbl", "edge").check().stdout())
                .contains("AllNodesReady").contains("2/2 nodes enforcing generation 1");
    }
}
