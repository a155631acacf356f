package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.firewall.LabAccess;
import com.sikkerapi.guard.testing.FeedServer;
import com.sikkerapi.guard.testing.InProcessHub;
import com.sikkerapi.guard.testing.Kubelet;
import com.sikkerapi.guard.testing.Manifests;
import com.sikkerapi.guard.testing.RealApiServerProfile;
import com.sikkerapi.guard.testing.RealCluster;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as it runs on a node: the built launcher, started from the operator's DaemonSet pod template (no kubelet
 * here, so the test plays it), as a process inside a node namespace that reaches the API server through a bridge
 * and the feed not at all (the hub, in this JVM, pulls it), with its own ServiceAccount token, and stopped by real
 * signals. Needs `make build` first (the Makefile's test target does it).
 */
@QuarkusTest
@TestProfile(RealApiServerProfile.class)
@Tag("kernel")
@Tag("real-apiserver")
class AgentProcessKernelTest {
    private static final String NAMESPACE = "agent-process";
    private static final String NODE = "process-node";
    private static final Duration SOON = Duration.ofSeconds(20);

    private final RealCluster cluster = new RealCluster();

    @TempDir
    Path dir;

    @Test
    void survivesKillsRebootsAndRestartsAndLeavesTheNodeAsItWasWhenDeleted() throws Exception {
        assertThat(Kubelet.LAUNCHER).as("the launcher (make build)").isExecutable();
        try (FeedServer feed = new FeedServer(LabAccess.ATTACKER + "\n45.9.9.0/24\n");
                LabAccess lab = new LabAccess()) {
            String before = lab.snapshot();
            cluster.node(NODE, Map.of("pool", "process"), "192.0.2.81", "10.244.81.0/24");
            cluster.apply(Manifests.namespace(NAMESPACE));
            cluster.apply("""
                    apiVersion: guard.sikkerapi.com/v1alpha1
                    kind: ThreatBlocklist
                    metadata: {name: edge, namespace: %s}
                    spec:
                      source: {feeds: [{name: test, url: '%s'}]}
                      nodeSelector: {pool: process}
                      pullInterval: 1h
                    """.formatted(NAMESPACE, feed.url()));
            DaemonSet daemonSet = await().atMost(RealCluster.WAIT).until(() -> cluster.client().apps().daemonSets()
                    .inNamespace(NAMESPACE).withName("edge-agent").get(), d -> d != null);
            Kubelet node = new Kubelet(cluster.server(), NODE, lab.node(), dir);
            AutoCloseable api = node.bridgeApiServer();
            hub = InProcessHub.start(cluster.server(), NAMESPACE, "edge", dir, null);

            Process first = start(node, daemonSet, "first");
            await().atMost(SOON).until(() -> !lab.attacker().ping(LabAccess.NODE_A));
            await().atMost(SOON).ignoreExceptions().until(() -> report().getSpec().getPhase() == NodePhase.Enforcing);
            String sets = sets(node);
            await().atMost(SOON).until(() -> node.probe("first").ok());
            assertThat(node.get("first", "/status").output()).contains("\"status\" : \"ok\"", "\"v4\" : 2",
                    "\"dryRun\" : false");
            // The attacker knocks on telnet: the agent's log names it, its port and the service.
            await().atMost(SOON).until(() -> {
                lab.attacker().connects(LabAccess.NODE_A, 23);
                return node.log("first").contains("BLOCKED " + LabAccess.ATTACKER + ":23 (telnet) proto=TCP x");
            });
            System.out.println(node.log("first").lines().filter(l -> l.contains("BLOCKED")).findFirst().orElseThrow());
            System.out.println(cluster.server().kubectl("-n", NAMESPACE, "get", "threatblocklistnodes").stdout());

            // SIGKILL, as an OOM kill or a crash: the successor finds the sets and rules intact and adopts them as
            // they are (it loads nothing), and adds nothing.
            kill(first, "-KILL");
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).as("blocked while no agent runs").isFalse();
            Process second = start(node, daemonSet, "second");
            await().atMost(SOON).until(() -> node.log("second").contains("Adopted the last good list (2 entries"));
            await().atMost(SOON).ignoreExceptions().until(() -> "Unchanged".equals(report().getSpec().getLastResult()));
            assertThat(jumpRules(node)).hasSize(1);
            assertThat(sets(node)).as("the same sets, no orphan").isEqualTo(sets);
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();

            // A reboot: the kernel forgets everything, and neither the feed nor the API server answers yet. The
            // agent restores the node's last good list from its state folder before it hears from anyone.
            String digest = report().getSpec().getListDigest();
            kill(second, "-KILL");
            assertThat(node.launcher("cleanup").output()).contains("removed");
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
            api.close();
            feed.down();
            Process third = start(node, daemonSet, "third");
            await().atMost(SOON).until(() -> !lab.attacker().ping(LabAccess.NODE_A));
            assertThat(node.log("third")).contains("Restored the last good list (2 entries");
            assertThat(jumpRules(node)).hasSize(1);
            api = node.bridgeApiServer();
            // The feed is still down: only the hub would notice. The node enforces the published list it has.
            await().atMost(SOON).ignoreExceptions().until(() -> report().getSpec().getHeartbeat() != null
                    && "Unchanged".equals(report().getSpec().getLastResult()));
            assertThat(report().getSpec().getPhase()).isEqualTo(NodePhase.Enforcing);
            assertThat(report().getSpec().getListDigest()).isEqualTo(digest);
            feed.set(LabAccess.ATTACKER + "\n45.9.9.0/24\n");

            // SIGTERM for a restart (a rolling upgrade): the rules stay for the successor.
            kill(third, "-TERM");
            assertThat(node.log("third")).contains("the rules stay in place");
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
            Process fourth = start(node, daemonSet, "fourth");
            await().atMost(SOON).until(() -> node.log("fourth").contains("Adopted the last good list (2 entries"));
            assertThat(jumpRules(node)).hasSize(1);

            // The blocklist is deleted (this API server runs no garbage collector: the agent asks the API), then
            // SIGTERM: every rule, chain and set the agent made is gone, the node's firewall is exactly as before.
            cluster.server().kubectl("-n", NAMESPACE, "delete", "tbl", "edge", "--wait=false").check();
            await().atMost(RealCluster.WAIT).until(() -> cluster.blocklist(NAMESPACE, "edge") == null);
            kill(fourth, "-TERM");
            assertThat(node.log("fourth")).contains("the blocklist was deleted");
            assertThat(lab.snapshot()).isEqualTo(before);
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
            api.close();
        } finally {
            if (hub != null) {
                hub.close();
            }
        }
    }

    private InProcessHub hub;

    private ThreatBlocklistNode report() {
        return cluster.client().resources(ThreatBlocklistNode.class).inNamespace(NAMESPACE).withName("edge." + NODE)
                .get();
    }

    /** A real signal to the agent's process (the JVM: `ip netns exec` and the launcher exec it), then its end. */
    private static void kill(Process agent, String signal) throws Exception {
        new ProcessBuilder("kill", signal, Long.toString(agent.pid())).start().waitFor();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("the agent ended after " + signal).isTrue();
    }

    private static List<String> jumpRules(Kubelet node) {
        return node.ns().run("iptables-nft", "-t", "raw", "-S", "PREROUTING").output().lines()
                .filter(line -> line.contains("SIKKERGUARD")).toList();
    }

    private static String sets(Kubelet node) {
        return node.ns().run("ipset", "list", "-n").output();
    }

    private static Process start(Kubelet node, DaemonSet daemonSet, String pod) {
        // The BLOCKED lines within the test's patience; the template leaves this at its default (1m).
        return node.start(daemonSet, pod, Map.of("SIKKERGUARD_BLOCKED_LOG_INTERVAL", "2s"));
    }
}
