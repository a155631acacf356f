package com.sikkerapi.guard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.RolloutStatus;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import com.sikkerapi.guard.api.ThreatBlocklistPolicy;
import com.sikkerapi.guard.testing.KubeCluster;
import com.sikkerapi.guard.testing.Manifests;
import com.sikkerapi.guard.testing.NetNs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The staged rollout on real nodes (RealNodesKernelTest's steps 11 to 14, on its cluster): a blocklist of its own
 * in a namespace of its own, on two nodes and then three, with the canary label, the soak and the deadline as an
 * admin sets them.
 * Each step reads what happened from the node reports (which identity each node enforces, and since when) and the
 * kernel's sets.
 */
final class RolloutSteps {
    static final String NAMESPACE = "rollout";
    static final String NAME = "canary";
    private static final String CANARY_LABEL = "guard.sikkerapi.com/canary";
    /** An address of node 1's attacker link, made node 1's default gateway for the self-test to check. */
    private static final String GATEWAY = "100.128.1.3";
    private static final Duration SOAK = Duration.ofSeconds(5);

    /** The cluster policy that lets a blocklist set canary: 0 (the default refuses it as InvalidSpec). */
    static final String ALLOW_CANARY_ZERO = """
            apiVersion: guard.sikkerapi.com/v1alpha1
            kind: ThreatBlocklistPolicy
            metadata: {name: default}
            spec: {allowCanaryZero: true}
            """;

    private final RealNodes product;
    private int score = 95;
    private String rollout = "{canary: 1, batch: \"1\", soak: 2s, timeout: 2m}";
    private boolean dryRun;

    RolloutSteps(RealNodes product) {
        this.product = product;
    }

    private void apply() {
        // Without the auto-whitelist: the node's default gateway is not kept off the list (the failure case).
        product.apply(product.blocklist(NAMESPACE, NAME, score, rollout, "safety: {autoWhitelist: false}\n"
                + "dryRun: " + dryRun + "\n"));
    }

    private ThreatBlocklist await(String what, Predicate<ThreatBlocklist> condition) {
        return product.awaitBlocklist(NAMESPACE, NAME, what, b -> b.getStatus() != null
                && b.getStatus().getRollout() != null && condition.test(b));
    }

    private static RolloutStatus rollout(ThreatBlocklist blocklist) {
        return blocklist.getStatus().getRollout();
    }

    /** Complete, with every one of {@code count} nodes on the target and Ready on the current generation. */
    private ThreatBlocklist complete(String what, int count) {
        return await(what, b -> "Complete".equals(rollout(b).stage()) && Integer.valueOf(count).equals(
                rollout(b).nodesOnTarget()) && Scenario.ready(b, count));
    }

    private ThreatBlocklistNodeSpec report(int node) {
        return product.report(NAMESPACE, NAME, node).getSpec();
    }

    /**
     * Two nodes, node 1 labelled as the canary and given a default gateway (an address the test assigns on its
     * attacker's link, shadowed by unreachable routes so that nothing is ever sent through it); the first list
     * goes through the stages, the next one covers that gateway.
     */
    void aCanaryWhoseSelfTestFailsRollsBackAndHaltsWithTheOtherNodesUntouched() {
        product.kubectl("label", "node", KubeCluster.nodeName(1), CANARY_LABEL + "=true");
        product.apply(Manifests.namespace(NAMESPACE));
        apply();
        ThreatBlocklist before = complete("the first list on both nodes, through the stages", 2);
        String previous = rollout(before).target().identity();
        String applied2 = report(2).getLastApply();
        gateway(true);

        product.api().list(GATEWAY, 92);
        score = 91;
        apply();
        ThreatBlocklist halted = await("halted at the canary", b -> "Halted".equals(rollout(b).stage()));
        var condition = Scenario.condition(halted, "RolloutHalted");
        assertThat(condition.getStatus()).isEqualTo("True");
        assertThat(condition.getMessage()).contains("node " + KubeCluster.nodeName(1) + " SelfTestFailed")
                .contains("gateway " + GATEWAY).contains(rollout(halted).target().identity())
                .contains("nodes keep identity " + previous);
        assertThat(Scenario.condition(halted, "Ready").getReason()).isEqualTo("RolloutHalted");
        assertThat(report(1).getRollbacks()).isPositive();
        // Back on the previous identity everywhere; node 2 never applied anything.
        await("node 1 back on the previous identity", b -> previous.equals(report(1).getIdentity())
                && report(1).getPhase() == NodePhase.Enforcing);
        for (int k = 1; k <= 2; k++) {
            assertThat(report(k).getIdentity()).as("node %d", k).isEqualTo(previous);
            assertThat(product.listed(k, NAMESPACE, NAME, GATEWAY)).as("node %d", k).isFalse();
            assertThat(product.listed(k, NAMESPACE, NAME, KubeCluster.attackerAddress(1))).isTrue();
        }
        assertThat(report(2).getLastApply()).as("node 2 applied nothing").isEqualTo(applied2);
        assertThat(product.kubectl("-n", NAMESPACE, "get", "tbl", NAME)).contains("Halted");
        assertThat(product.kubectl("-n", NAMESPACE, "describe", "tbl", NAME)).contains("RolloutStarted")
                .contains("RolloutHalted");
    }

    /** Node 3 (joined while halted) takes the previous identity; the admin's retry annotation starts again. */
    void aNodeThatJoinsDuringAHaltGetsThePreviousAndARetryCompletesTheRollout() {
        ThreatBlocklist halted = product.get(NAMESPACE, NAME);
        String previous = rollout(halted).previous().identity();
        await("node 3 on the previous identity", b -> product.report(NAMESPACE, NAME, 3) != null
                && previous.equals(report(3).getIdentity()));
        assertThat(product.listed(3, NAMESPACE, NAME, GATEWAY)).isFalse();
        assertThat(rollout(product.get(NAMESPACE, NAME)).stage()).isEqualTo("Halted");

        gateway(false); // the admin fixed what the canary's self-test found
        product.kubectl("-n", NAMESPACE, "annotate", "--overwrite", "tbl", NAME,
                "guard.sikkerapi.com/rollout-retry=1");
        ThreatBlocklist done = complete("the retried rollout on every node", 3);
        assertThat(rollout(done).target().identity()).isEqualTo(rollout(halted).target().identity());
        for (int k = 1; k <= 3; k++) {
            assertThat(product.listed(k, NAMESPACE, NAME, GATEWAY)).as("node %d", k).isTrue();
        }
        assertThat(Scenario.condition(done, "RolloutHalted").getStatus()).isEqualTo("False");
    }

    /** Three nodes, node 3 now labelled as the canary; a new list goes through every stage, 5 s of soak each. */
    void aNewListReachesTheCanaryFirstAndTheOthersOnlyAfterTheSoak() {
        product.kubectl("label", "node", KubeCluster.nodeName(1), CANARY_LABEL + "-");
        product.kubectl("label", "node", KubeCluster.nodeName(3), CANARY_LABEL + "=true");
        String before = rollout(complete("the retried rollout", 3)).target().identity();
        rollout = "{canary: 1, batch: \"1\", soak: 5s, timeout: 2m}";
        score = 90;
        apply();
        List<String> stages = new ArrayList<>();
        ThreatBlocklist next = product.awaitBlocklist(NAMESPACE, NAME, "the new list on every node", b -> {
            if (b.getStatus() != null && b.getStatus().getRollout() != null
                    && !before.equals(rollout(b).target().identity())
                    && (stages.isEmpty() || !stages.get(stages.size() - 1).equals(rollout(b).stage()))) {
                stages.add(rollout(b).stage());
            }
            return b.getStatus() != null && b.getStatus().getRollout() != null
                    && !before.equals(rollout(b).target().identity()) && "Complete".equals(rollout(b).stage())
                    && Scenario.ready(b, 3);
        });
        String target = rollout(next).target().identity();
        Map<Integer, Instant> since = since();
        for (int k = 1; k <= 3; k++) {
            assertThat(report(k).getIdentity()).as("node %d", k).isEqualTo(target);
            assertThat(report(k).getListDigest()).isEqualTo(next.getStatus().getList().digest());
        }
        System.out.println("rollout of " + target + ": stages seen " + stages + ", nodes since " + since);
        assertThat(stages).as("the stages, in order").containsExactly("Canary", "Batch 1/2", "Batch 2/2", "Complete");
        // The canary (labelled) first; then the Ready nodes by name, each after the one before held it for the soak.
        assertThat(since.get(1)).isAfterOrEqualTo(since.get(3).plus(SOAK));
        assertThat(since.get(2)).isAfterOrEqualTo(since.get(1).plus(SOAK));
        assertThat(product.kubectl("-n", NAMESPACE, "get", "tbl", NAME)).contains("Complete");
        assertThat(product.kubectl("-n", NAMESPACE, "describe", "tbl", NAME))
                .contains("canary " + KubeCluster.nodeName(3) + " first").contains("RolloutStage")
                .contains("RolloutComplete");
    }

    /** Dry-run with staging off reaches every node at once; back to enforcing goes through the stages again. */
    void dryRunWithCanaryZeroIsImmediateAndEnforcingAgainIsStaged() {
        product.apply(ALLOW_CANARY_ZERO);
        rollout = "{canary: 0}";
        dryRun = true;
        apply();
        complete("dry-run everywhere", 3);
        Map<Integer, Instant> dry = since();
        for (int k = 1; k <= 3; k++) {
            assertThat(report(k).getPhase()).isEqualTo(NodePhase.DryRun);
            assertThat(product.cluster().node(k).run("ipset", "list", "-n").output()).doesNotContain(
                    com.sikkerapi.guard.firewall.Naming.of(NAMESPACE, NAME).live4());
        }
        assertThat(Duration.between(dry.values().stream().min(Instant::compareTo).orElseThrow(),
                dry.values().stream().max(Instant::compareTo).orElseThrow())).as("at once: " + dry)
                .isLessThan(SOAK);

        rollout = "{canary: 1, batch: \"50%\", soak: 5s}";
        dryRun = false;
        apply();
        complete("enforcing again, through the stages", 3);
        Map<Integer, Instant> enforcing = since();
        System.out.println("dry-run at " + dry + "; enforcing at " + enforcing);
        // Node 3 (labelled) first; nodes 1 and 2 together (half of three, rounded up), after the soak.
        assertThat(enforcing.get(1)).isAfterOrEqualTo(enforcing.get(3).plus(SOAK));
        assertThat(enforcing.get(2)).isAfterOrEqualTo(enforcing.get(3).plus(SOAK));
        for (int k = 1; k <= 3; k++) {
            assertThat(product.listed(k, NAMESPACE, NAME, KubeCluster.attackerAddress(1))).isTrue();
        }
        product.kubectl("delete", "threatblocklistpolicy", ThreatBlocklistPolicy.NAME);
    }

    /** The blocklist goes, node 1 loses its gateway: the cluster as the steps before left it, with node 3. */
    void cleanUp() {
        product.kubectl("-n", NAMESPACE, "delete", "tbl", NAME);
        org.awaitility.Awaitility.await("the blocklist's pods gone").atMost(RealNodes.WAIT)
                .until(() -> product.client().pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
        gateway(false);
    }

    /** Node 3, with the image tag the agents run since the rolling update, as a registry would serve it. */
    void nodeUp3() {
        product.cluster().nodeUp(3);
        product.cluster().ctr(3, "images", "tag", "--force", KubeCluster.IMAGE, "localhost/sikkerguard:v2").check();
    }

    private Map<Integer, Instant> since() {
        Map<Integer, Instant> since = new TreeMap<>();
        for (int k = 1; k <= 3; k++) {
            since.put(k, Instant.parse(report(k).getIdentitySince()));
        }
        return since;
    }

    /**
     * Node 1's default gateway on its attacker's link, or none. Unreachable routes for both halves of the address
     * space shadow it, so no packet is ever routed through it (the self-test pings the gateway itself, which is on
     * the link); routes the harness made are more specific and stay as they were.
     */
    private void gateway(boolean present) {
        NetNs node = product.cluster().node(1);
        NetNs attacker = product.cluster().attacker(1);
        String link = attacker.run("sh", "-c", "ip -o -4 addr show | awk '/" + KubeCluster.attackerAddress(1)
                + "\\// {print $2}'").check().output().strip();
        if (present) {
            attacker.run("ip", "addr", "add", GATEWAY + "/24", "dev", link).check();
            node.run("ip", "route", "add", "unreachable", "0.0.0.0/1").check();
            node.run("ip", "route", "add", "unreachable", "128.0.0.0/1").check();
            node.run("ip", "route", "add", "default", "via", GATEWAY).check();
            assertThat(node.run("ping", "-n", "-c", "1", "-W", "1", GATEWAY).ok()).as("the gateway answers").isTrue();
        } else {
            node.run("ip", "route", "del", "default", "via", GATEWAY);
            node.run("ip", "route", "del", "unreachable", "0.0.0.0/1");
            node.run("ip", "route", "del", "unreachable", "128.0.0.0/1");
            attacker.run("ip", "addr", "del", GATEWAY + "/24", "dev", link);
        }
    }
}
