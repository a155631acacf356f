package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.firewall.LabAccess;
import com.sikkerapi.guard.testing.FeedServer;
import com.sikkerapi.guard.testing.InProcessHub;
import com.sikkerapi.guard.testing.Manifests;
import com.sikkerapi.guard.testing.NetNs;
import com.sikkerapi.guard.testing.RealApiServerProfile;
import com.sikkerapi.guard.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator, a real API server and an agent that uses its own ServiceAccount token (so RBAC is the real one);
 * the agent's firewall work happens in a node namespace. Covers the life of a blocklist on a node: enforce, report,
 * take a spec change, survive a restart (rules left for the successor, who adopts them), and leave the node's
 * firewall exactly as before when the blocklist is deleted.
 */
@QuarkusTest
@TestProfile(RealApiServerProfile.class)
@Tag("kernel")
@Tag("real-apiserver")
class AgentOnRealApiServerKernelTest {
    private final RealCluster cluster = new RealCluster();

    @TempDir
    Path state;

    private KubeApi agentClient(String namespace, String serviceAccount) {
        String token = cluster.server().kubectl("-n", namespace, "create", "token", serviceAccount).check().stdout()
                .strip();
        return KubeApi.of(java.net.URI.create(cluster.server().url()), token, null);
    }

    private AgentCommand agent(LabAccess lab, String namespace, String node) {
        // The agent runs in this JVM, so its probes' listener is on this machine's loopback: any free port.
        int healthPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            healthPort = free.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        AgentEnvironment env = AgentEnvironment.from(Map.of("SIKKERGUARD_BLOCKLIST", "edge", "POD_NAMESPACE", namespace,
                "NODE_NAME", node, "SIKKERGUARD_CONFIGMAP", "edge-agent", "SIKKERGUARD_STATE_DIR", state.toString(),
                "TMPDIR", state.toString(), "SIKKERGUARD_HEALTH_PORT", Integer.toString(healthPort)));
        return new AgentCommand(env, agentClient(namespace, "edge-agent"), lab.node().commands());
    }

    private AgentCommand agent(LabAccess lab, String node) {
        return agent(lab, "agent-e2e", node);
    }

    private InProcessHub hub;

    @Test
    void aNodeThatIsNoLongerSelectedIsLeftCleanWhenItsAgentStops() throws Exception {
        try (FeedServer feed = new FeedServer(LabAccess.ATTACKER + "\n45.9.9.0/24\n");
                LabAccess lab = new LabAccess()) {
            String before = lab.snapshot();
            cluster.node("deselect-node", Map.of("pool", "deselect"), "192.0.2.71", "10.244.71.0/24");
            cluster.apply(Manifests.namespace("deselect"));
            String spec = """
                    apiVersion: guard.sikkerapi.com/v1alpha1
                    kind: ThreatBlocklist
                    metadata: {name: edge, namespace: deselect}
                    spec:
                      source: {feeds: [{name: test, url: '%s'}]}
                      nodeSelector: {pool: %s}
                    """;
            cluster.apply(spec.formatted(feed.url(), "deselect"));
            await().atMost(RealCluster.WAIT).until(() -> cluster.client().configMaps().inNamespace("deselect")
                    .withName("edge-agent").get() != null);
            hub = InProcessHub.start(cluster.server(), "deselect", "edge", state, null);
            AgentCommand agent = agent(lab, "deselect", "deselect-node");
            Thread thread = new Thread(agent::run);
            thread.start();
            await().atMost(RealCluster.WAIT).until(() -> !lab.attacker().ping(LabAccess.NODE_A));

            // The admin narrows the selector; the DaemonSet controller would now stop this node's agent.
            cluster.apply(spec.formatted(feed.url(), "elsewhere"));
            await().atMost(RealCluster.WAIT).until(() -> !cluster.client().configMaps().inNamespace("deselect")
                    .withName("edge-agent").get().getData().get("selected-nodes.txt").contains("deselect-node"));
            NetNs.sleep(1000); // the agent's watch sees the new ConfigMap
            agent.shutdown();
            thread.join(20_000);
            assertThat(lab.snapshot()).isEqualTo(before);
        } finally {
            if (hub != null) {
                hub.close();
            }
        }
    }

    private ThreatBlocklistNode report(String node) {
        return cluster.client().resources(ThreatBlocklistNode.class).inNamespace("agent-e2e")
                .withName("edge." + node).get();
    }

    @Test
    void enforcesReportsFollowsTheSpecAndLeavesNoTraceWhenDeleted() throws Exception {
        try (FeedServer feed = new FeedServer(LabAccess.ATTACKER + "\n45.9.9.0/24\n");
                LabAccess lab = new LabAccess()) {
            String before = lab.snapshot();
            String url = feed.url();
            cluster.node("agent-e2e-node", Map.of("pool", "agent-e2e"), "192.0.2.61", "10.244.61.0/24");
            cluster.apply(Manifests.namespace("agent-e2e"));
            String spec = """
                    apiVersion: guard.sikkerapi.com/v1alpha1
                    kind: ThreatBlocklist
                    metadata: {name: edge, namespace: agent-e2e}
                    spec:
                      source: {feeds: [{name: test, url: '%s'}]}
                      nodeSelector: {pool: agent-e2e}
                      pullInterval: 1h
                      enforcement: {verifyInterval: 2s}
                    """.formatted(url);
            cluster.apply(spec);
            await().atMost(RealCluster.WAIT).until(() -> cluster.client().configMaps().inNamespace("agent-e2e")
                    .withName("edge-agent").get() != null);
            hub = InProcessHub.start(cluster.server(), "agent-e2e", "edge", state, null);

            AgentCommand first = agent(lab, "agent-e2e-node");
            Thread thread = new Thread(first::run);
            thread.start();
            await().atMost(RealCluster.WAIT).untilAsserted(() -> {
                assertThat(report("agent-e2e-node")).isNotNull();
                assertThat(report("agent-e2e-node").getSpec().getPhase()).isEqualTo(NodePhase.Enforcing);
            });
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
            assertThat(report("agent-e2e-node").getMetadata().getManagedFields())
                    .anyMatch(f -> f.getManager().equals(NodeReporter.FIELD_MANAGER));
            var enforced = cluster.awaitBlocklist("agent-e2e", "edge", b -> "1/1".equals(
                    b.getStatus().getNodes().summary()) && b.getStatus().getEntries().total() == 2
                    && b.getStatus().getList() != null && Integer.valueOf(1).equals(b.getStatus().getList().nodesOnList()));
            assertThat(report("agent-e2e-node").getSpec().getListDigest()).as("the node enforces what the hub published")
                    .isEqualTo(enforced.getStatus().getList().digest());

            // A spec change reaches the node without a restart: whitelisting the attacker lets it in again.
            cluster.apply(spec + "  whitelist: ['" + LabAccess.ATTACKER + "']\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> lab.attacker().ping(LabAccess.NODE_A));
            cluster.apply(spec);
            await().atMost(Duration.ofSeconds(30)).until(() -> !lab.attacker().ping(LabAccess.NODE_A));

            // SIGTERM for a restart: the rules stay, and the successor adopts them.
            first.shutdown();
            thread.join(20_000);
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).as("still blocked between two agents").isFalse();
            AgentCommand second = agent(lab, "agent-e2e-node");
            Thread secondThread = new Thread(second::run);
            secondThread.start();
            // The successor restores first, then pulls: its report shows either step.
            await().atMost(RealCluster.WAIT).ignoreExceptions().until(() -> {
                var reported = report("agent-e2e-node").getSpec();
                return "Restored".equals(reported.getLastResult())
                        || Long.valueOf(3).equals(reported.getObservedGeneration());
            });
            assertThat(lab.node().run("iptables-nft", "-t", "raw", "-S", "PREROUTING").output().lines()
                    .filter(l -> l.contains("SIKKERGUARD"))).hasSize(1);

            // Somebody flushes the node's raw PREROUTING (a firewall reload): the drift check puts the jump back
            // within its interval (2 s here, 10 s by default), counts it in the report and records an event.
            lab.node().run("iptables-nft", "-t", "raw", "-F", "PREROUTING").check();
            long flushed = System.nanoTime();
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).as("the flush opened the node").isTrue();
            // The time to the start of the first ping that got no answer (a blocked ping waits a second).
            long[] blockedBy = {0};
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                long start = System.nanoTime();
                blockedBy[0] = start - flushed;
                return !lab.attacker().ping(LabAccess.NODE_A);
            });
            System.out.printf("drift: blocking back within %d ms of the flush%n", blockedBy[0] / 1_000_000);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(report("agent-e2e-node").getSpec().getRepairs()).isEqualTo(1L);
                assertThat(report("agent-e2e-node").getSpec().getLastRepairFound()).contains("jump from PREROUTING");
                assertThat(cluster.client().v1().events().inNamespace("agent-e2e").list().getItems())
                        .anyMatch(e -> "DriftRepaired".equals(e.getReason()) && e.getMessage().contains(
                                "agent-e2e-node"));
            });
            assertThat(report("agent-e2e-node").getSpec().getBackend()).isEqualTo("ipset");
            assertThat(report("agent-e2e-node").getSpec().getBackendReason()).contains("auto: ipset works");

            // The admin moves the blocklist to the nftables backend: the new table first, then the ipset objects go.
            cluster.apply(spec.replace("{verifyInterval: 2s}", "{verifyInterval: 2s, backend: nftables}"));
            await().atMost(RealCluster.WAIT).untilAsserted(() -> assertThat(report("agent-e2e-node").getSpec()
                    .getBackend()).isEqualTo("nftables"));
            assertThat(lab.node().run("ipset", "list", "-n").output()).doesNotContain("sg-");
            assertThat(lab.node().run("iptables-nft-save").output()).doesNotContain("SIKKERGUARD");
            assertThat(lab.node().run("nft", "list", "tables").output()).contains("sikkerguard_");
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();

            // The blocklist is deleted (v1.20 runs no garbage collector here: the agent decides from the API).
            cluster.server().kubectl("-n", "agent-e2e", "delete", "tbl", "edge", "--wait=false").check();
            await().atMost(RealCluster.WAIT).until(() -> cluster.blocklist("agent-e2e", "edge") == null);
            second.shutdown();
            secondThread.join(20_000);
            assertThat(lab.snapshot()).isEqualTo(before);
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
        } finally {
            if (hub != null) {
                hub.close();
            }
        }
    }
}
