package com.sikkerapi.guard.e2e;

import static com.sikkerapi.guard.e2e.Scenario.NAMESPACE;
import static com.sikkerapi.guard.e2e.Scenario.ready;

import com.sikkerapi.guard.firewall.Commands;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * `make bench`, on real nodes: how long the cluster takes to start, how long an agent takes from its container's
 * start to enforcing and to Ready, the agent pod's memory (its cgroup's peak, every probe included, after a
 * minute of probes) against the agent process's own peak, the time a new list takes to every node without staging,
 * and a staged rollout's timing beyond its soaks (the controller's own overhead). Prints Markdown table rows. A
 * benchmark, not a test.
 */
public final class RealNodesBench {
    private RealNodesBench() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = 3;
        try (RealNodes product = new RealNodes(line -> { })) {
            product.start(nodes);
            Instant applied = Instant.now();
            product.installOperator();
            double operatorSeconds = Duration.between(applied, Instant.now()).toMillis() / 1000.0;
            product.apply(product.blocklist(NAMESPACE, "edge", 50, List.of()));
            // Seen Ready by polling (the API's times are whole seconds): from the agent's first log line.
            Instant ready = null;
            while (ready == null) {
                Pod polled = product.agentPod(NAMESPACE, "edge", 1);
                if (polled != null && polled.getStatus().getConditions() != null && polled.getStatus().getConditions()
                        .stream().anyMatch(c -> c.getType().equals("Ready") && "True".equals(c.getStatus()))) {
                    ready = Instant.now();
                }
                Thread.sleep(100);
            }
            product.awaitBlocklist(NAMESPACE, "edge", "Ready", b -> ready(b, nodes));
            Pod pod = product.agentPod(NAMESPACE, "edge", 1);
            String log = product.cluster().kubectl("-n", NAMESPACE, "logs", "--timestamps",
                    pod.getMetadata().getName()).stdout();
            Instant started = Instant.parse(log.lines().findFirst().orElseThrow().split(" ")[0]);
            Instant enforcing = log.lines().filter(l -> l.contains("Enforcing ")).map(l -> Instant.parse(l.split(" ")[0]))
                    .findFirst().orElseThrow();
            // A minute of probes (every 5 s readiness, every 60 s liveness), then the pod's and the agent's peaks.
            Thread.sleep(60_000);
            String uid = pod.getMetadata().getUid();
            String cgroup = Commands.local().run("find", "/sys/fs/cgroup/memory", "-maxdepth", "6", "-type", "d",
                    "-name", "pod" + uid).output().strip();
            long podPeak = Long.parseLong(Commands.local().run("cat", cgroup + "/memory.max_usage_in_bytes").output()
                    .strip());
            String pid = product.cluster().containerPid(1,
                    pod.getStatus().getContainerStatuses().get(0).getContainerID());
            String status = Commands.local().run("cat", "/proc/" + pid + "/status").output();
            long agentPeakKb = status.lines().filter(l -> l.startsWith("VmHWM:")).map(l -> l.split("\\s+")[1])
                    .mapToLong(Long::parseLong).findFirst().orElseThrow();
            // A new list without staging (canary: 0): the feed has a new version and the score minimum changes
            // (which makes the hub pull at once rather than at its interval), until every node enforces the new
            // digest (the status says so).
            product.apply(RolloutSteps.ALLOW_CANARY_ZERO);
            double propagated = newList(product, nodes, 60, "{canary: 0}");
            // A staged rollout: the canary, then one node per batch, each stage after a soak of 5 s.
            Rollout staged = rollout(product, nodes, 70);
            System.out.printf("| cluster start: control plane and %d nodes Ready (image imported) | %.1f s |%n", nodes,
                    product.cluster().startSeconds());
            System.out.printf("| operator: kubectl apply -k to its Deployment's pod Ready | %.1f s |%n", operatorSeconds);
            System.out.printf("| agent: first log line to enforcing FireHOL level1 (%s entries) | %.1f s |%n",
                    product.report(NAMESPACE, "edge", 1).getSpec().getEntries().total(),
                    Duration.between(started, enforcing).toMillis() / 1000.0);
            System.out.printf("| agent: first log line to pod Ready (httpGet probe every 5 s, seen by polling) | %.1f s |%n",
                    Duration.between(started, ready).toMillis() / 1000.0);
            System.out.printf("| a new list (feed version and spec change) to every node enforcing its digest, "
                    + "`rollout.canary: 0` (kubectl apply to the status, polled every 0.25 s) | %.1f s |%n", propagated);
            System.out.printf("| a staged rollout on %d nodes (canary 1, batch 1: %d stages, soak %d s): kubectl apply"
                    + " to the canary holding the new identity (the hub's pull and publication included) | %.1f s |%n",
                    nodes, nodes, SOAK.toSeconds(), staged.toCanary());
            System.out.printf("| the same: the canary holding it to the rollout Complete | %.1f s (%d soaks: %d s) |%n",
                    staged.total(), nodes, nodes * SOAK.toSeconds());
            System.out.printf("| the same: the controller's own overhead beyond the soaks, per stage (the stage's "
                    + "node told, applying and reporting; the operator seeing it) | %s s |%n", staged.overheads());
            System.out.printf("| agent pod's memory cgroup peak after a minute of probes | %d MiB |%n",
                    podPeak / (1024 * 1024));
            System.out.printf("| agent process peak resident size (VmHWM) | %d MiB |%n", agentPeakKb / 1024);
        }
        // The test classpath's HTTP client leaves non-daemon event-loop threads behind.
        System.exit(0);
    }

    private static final Duration SOAK = Duration.ofSeconds(5);

    /** A new list with these rollout settings, until every node enforces it: seconds from kubectl apply. */
    private static double newList(RealNodes product, int nodes, int score, String rollout) {
        String before = product.awaitBlocklist(NAMESPACE, "edge", "Ready", b -> ready(b, nodes)).getStatus()
                .getList().digest();
        product.api().list("45.77.77." + score, 99);
        Instant changed = Instant.now();
        product.apply(product.blocklist(NAMESPACE, "edge", score, rollout, ""));
        product.awaitBlocklist(NAMESPACE, "edge", "every node on the new list", b -> ready(b, nodes)
                && b.getStatus().getList() != null && !before.equals(b.getStatus().getList().digest()));
        return Duration.between(changed, Instant.now()).toMillis() / 1000.0;
    }

    /**
     * @param toCanary seconds from kubectl apply to the canary holding the new identity
     * @param total seconds from then to the rollout Complete
     * @param overheads per stage: from the stage's start (the node before it seen holding, plus the soak) to its
     *        own node seen holding; the last stage's to Complete
     */
    private record Rollout(double toCanary, double total, String overheads) {
    }

    /** Polls the node reports every 50 ms: when each node is first seen on the new identity, and Complete. */
    private static Rollout rollout(RealNodes product, int nodes, int score) throws InterruptedException {
        String before = product.awaitBlocklist(NAMESPACE, "edge", "Ready", b -> ready(b, nodes)).getStatus()
                .getRollout().target().identity();
        product.api().list("45.77.78." + score, 99);
        Instant applied = Instant.now();
        product.apply(product.blocklist(NAMESPACE, "edge", score, "{canary: 1, batch: \"1\", soak: "
                + SOAK.toSeconds() + "s}", ""));
        java.util.Map<Integer, Instant> seen = new java.util.TreeMap<>();
        Instant complete = null;
        while (complete == null) {
            var blocklist = product.get(NAMESPACE, "edge");
            var rollout = blocklist.getStatus().getRollout();
            String target = rollout.target().identity();
            Instant now = Instant.now();
            if (!target.equals(before)) {
                for (int k = 1; k <= nodes; k++) {
                    var report = product.report(NAMESPACE, "edge", k);
                    if (!seen.containsKey(k) && report != null && target.equals(report.getSpec().getIdentity())) {
                        seen.put(k, now);
                    }
                }
                if ("Complete".equals(rollout.stage()) && seen.size() == nodes) {
                    complete = now;
                }
            }
            Thread.sleep(50);
        }
        List<Instant> order = seen.values().stream().sorted().toList();
        StringBuilder overheads = new StringBuilder();
        for (int stage = 1; stage <= nodes; stage++) {
            Instant end = stage < nodes ? order.get(stage) : complete;
            double overhead = Duration.between(order.get(stage - 1).plus(SOAK), end).toMillis() / 1000.0;
            overheads.append(stage == 1 ? "" : ", ").append(String.format("%.1f", overhead));
        }
        return new Rollout(Duration.between(applied, order.get(0)).toMillis() / 1000.0,
                Duration.between(order.get(0), complete).toMillis() / 1000.0, overheads.toString());
    }
}
