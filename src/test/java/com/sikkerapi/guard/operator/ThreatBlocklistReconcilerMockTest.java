package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.testing.MockServerProfile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fast reconcile behaviour on the Fabric8 mock server; the same and more runs on a real API server elsewhere. */
@QuarkusTest
@TestProfile(MockServerProfile.class)
@WithKubernetesTestServer(crud = true)
class ThreatBlocklistReconcilerMockTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    KubernetesClient client;

    private ThreatBlocklist create(String namespace, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .createOr(existing -> existing.update());
        ThreatBlocklist blocklist = Fixtures.blocklist(name, 1);
        blocklist.getMetadata().setNamespace(namespace);
        blocklist.getMetadata().setUid(null);
        return client.resource(blocklist).create();
    }

    private <T extends HasMetadata> T eventually(Class<T> type, String namespace, String name) {
        return await().atMost(WAIT).until(() -> client.resources(type).inNamespace(namespace).withName(name).get(),
                java.util.Objects::nonNull);
    }

    /**
     * A full update of the spec from the latest version, read again when the operator's status write got there
     * first (409), as any client does. (A patch would not bump the generation on the mock server.)
     */
    private ThreatBlocklist updateSpec(String namespace, String name,
            java.util.function.Consumer<com.sikkerapi.guard.api.ThreatBlocklistSpec> change) {
        // Let the operator finish with the current generation first, so no status write of it is still in flight.
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            ThreatBlocklist now = current(namespace, name);
            return now.getStatus() != null
                    && java.util.Objects.equals(now.getStatus().getObservedGeneration(), now.getMetadata().getGeneration());
        });
        com.sikkerapi.guard.testing.NetNs.sleep(500);
        for (int attempt = 1; ; attempt++) {
            ThreatBlocklist latest = current(namespace, name);
            change.accept(latest.getSpec());
            try {
                return client.resource(latest).update();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private ThreatBlocklist current(String namespace, String name) {
        return client.resources(ThreatBlocklist.class).inNamespace(namespace).withName(name).get();
    }

    @Test
    void makesTheAgentObjectsOwnedByTheBlocklist() {
        ThreatBlocklist blocklist = create("mock-a", "edge");
        for (Class<? extends HasMetadata> type : java.util.List.of(ServiceAccount.class, Role.class,
                RoleBinding.class, ConfigMap.class, DaemonSet.class)) {
            HasMetadata made = eventually(type, "mock-a", "edge-agent");
            assertThat(made.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getUid()).isEqualTo(blocklist.getMetadata().getUid());
                assertThat(owner.getKind()).isEqualTo("ThreatBlocklist");
                assertThat(owner.getController()).isTrue();
            });
            assertThat(made.getMetadata().getLabels()).containsEntry(Names.MANAGED_BY_LABEL, Names.FIELD_MANAGER);
        }
        ConfigMap config = eventually(ConfigMap.class, "mock-a", "edge-agent");
        AgentConfig agentConfig = Serialization.unmarshal(config.getData().get(AgentConfig.CONFIG_KEY), AgentConfig.class);
        assertThat(agentConfig.mode()).isEqualTo(Mode.Enforcing);
        assertThat(agentConfig.uid()).isEqualTo(blocklist.getMetadata().getUid());
        assertThat(config.getData().get(AgentConfig.PROTECTED_RANGES_KEY)).contains("10.96.0.0/12");
        await().atMost(WAIT).ignoreExceptions().until(() -> current("mock-a", "edge").getStatus() != null
                && current("mock-a", "edge").getStatus().getMode() == Mode.Enforcing);
    }

    @Test
    void invalidSpecKeepsTheLastGoodAgentConfigAndSaysWhy() {
        create("mock-b", "edge");
        ConfigMap good = eventually(ConfigMap.class, "mock-b", "edge-agent");
        updateSpec("mock-b", "edge", spec -> spec.setPullInterval("10s"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            var ready = StatusAggregator.find(current("mock-b", "edge").getStatus(), StatusAggregator.READY);
            assertThat(ready.getReason()).isEqualTo("InvalidSpec");
            assertThat(ready.getMessage()).contains("spec.pullInterval: from 1m to 7d");
        });
        assertThat(client.configMaps().inNamespace("mock-b").withName("edge-agent").get().getData())
                .isEqualTo(good.getData());
    }

    @Test
    void namespaceLabelForcesDryRunAndRemovingItRestoresEnforcing() {
        create("mock-c", "edge");
        await().atMost(WAIT).ignoreExceptions().until(() -> current("mock-c", "edge").getStatus() != null);
        client.namespaces().withName("mock-c").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels(Names.DRY_RUN_NAMESPACE_LABEL, "true").endMetadata().build());
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(current("mock-c", "edge").getStatus().getModeReason()).isEqualTo(ModeReason.NamespacePolicy);
            assertThat(current("mock-c", "edge").getStatus().getMode()).isEqualTo(Mode.DryRun);
            String config = client.configMaps().inNamespace("mock-c").withName("edge-agent").get().getData()
                    .get(AgentConfig.CONFIG_KEY);
            assertThat(Serialization.unmarshal(config, AgentConfig.class).mode()).isEqualTo(Mode.DryRun);
        });
        client.namespaces().withName("mock-c").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .removeFromLabels(Names.DRY_RUN_NAMESPACE_LABEL).endMetadata().build());
        await().atMost(WAIT).ignoreExceptions().untilAsserted(
                () -> assertThat(current("mock-c", "edge").getStatus().getMode()).isEqualTo(Mode.Enforcing));
    }

    @Test
    void foldsNodeReportsIntoStatus() {
        for (String node : new String[] {"mock-node-1", "mock-node-2"}) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                    .withLabels(Map.of("pool", "mock-d")).endMetadata().build()).create();
        }
        ThreatBlocklist blocklist = create("mock-d", "edge");
        blocklist = updateSpec("mock-d", "edge", spec -> spec.setNodeSelector(Map.of("pool", "mock-d")));
        long generation = blocklist.getMetadata().getGeneration();
        for (String node : new String[] {"mock-node-1", "mock-node-2"}) {
            ThreatBlocklistNode report = Fixtures.report("edge", node, NodePhase.Enforcing, generation,
                    Instant.now(), 6000, 70);
            report.getMetadata().setNamespace("mock-d");
            report.addOwnerReference(blocklist);
            client.resource(report).create();
        }
        // The hub's record of its pull, as it writes it.
        client.resource(Fixtures.hubRecord(blocklist, Fixtures.published(Instant.now(), "Published", 6000, 70)))
                .create();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            var status = current("mock-d", "edge").getStatus();
            assertThat(status.getNodes().summary()).isEqualTo("2/2");
            assertThat(status.getEntries().total()).as("the published list's").isEqualTo(6070);
            assertThat(status.getList().nodesOnList()).isEqualTo(2);
            assertThat(StatusAggregator.find(status, StatusAggregator.READY).getStatus()).isEqualTo("True");
            assertThat(StatusAggregator.find(status, StatusAggregator.PUBLISHED).getStatus()).isEqualTo("True");
        });
    }
}
