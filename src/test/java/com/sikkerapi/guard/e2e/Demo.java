package com.sikkerapi.guard.e2e;

import static com.sikkerapi.guard.e2e.SimulatedCluster.NAMESPACE;
import static com.sikkerapi.guard.e2e.SimulatedCluster.STAGING;
import static com.sikkerapi.guard.e2e.SimulatedCluster.pod;
import static com.sikkerapi.guard.e2e.SimulatedCluster.ready;
import static com.sikkerapi.guard.e2e.SimulatedCluster.step;

import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.e2e.SimulatedCluster.SimNode;
import com.sikkerapi.guard.firewall.ipset.Naming;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * `make demo`: the product on one machine, no cluster needed (see {@link SimulatedCluster}). Every step waits for
 * what it shows and fails the demo when it does not come; everything it started is stopped on exit, on Ctrl-C and
 * on failure. The end-to-end test runs the same flow with assertions.
 */
public final class Demo {
    private static final int NODES = 3;
    private static final String EDGE = "edge";

    private Demo() {
    }

    public static void main(String[] args) {
        AtomicReference<SimulatedCluster> running = new AtomicReference<>();
        // Ctrl-C: the JVM runs this hook; the namespaces, processes and servers go with the cluster.
        Thread cleanup = new Thread(() -> {
            SimulatedCluster cluster = running.getAndSet(null);
            if (cluster != null) {
                cluster.close();
                System.out.println("demo: cleaned up (namespaces, agents, operator, API server, etcd, folders)");
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit = 0;
        try {
            running.set(new SimulatedCluster(System.out::println));
            running.get().start(NODES);
            run(running.get());
        } catch (RuntimeException | Error e) {
            System.out.println("\ndemo FAILED: " + e);
            SimulatedCluster cluster = running.get();
            if (cluster != null) {
                System.out.println("operator log (last 30 lines):");
                cluster.operatorLog().lines().skip(Math.max(0, cluster.operatorLog().lines().count() - 30))
                        .forEach(System.out::println);
            }
            exit = 1;
        }
        System.exit(exit);
    }

    private static void run(SimulatedCluster cluster) {
        List<SimNode> nodes = cluster.nodes();
        Map<String, String> before = new LinkedHashMap<>();
        nodes.forEach(node -> before.put(node.name(), SimulatedCluster.firewall(node)));
        cluster.startOperator();

        String blocklist = cluster.blocklist(NAMESPACE, EDGE, 50, List.of());
        say(step("kubectl apply --server-side -f -   (SikkerAPI's blacklist, score 50 or more)"));
        say(blocklist.substring(blocklist.indexOf("apiVersion: guard")).stripTrailing());
        cluster.apply(blocklist);
        cluster.startAgents(NAMESPACE, EDGE);
        say(step("kubectl get threatblocklists -A, until every node is Ready"));
        watch(cluster, NAMESPACE, EDGE, b -> ready(b, NODES));
        SimNode node1 = nodes.get(0);
        say(first(node1.kubelet().log(pod(NAMESPACE, EDGE)), "Enforcing"));
        say(cluster.kubectl("-n", NAMESPACE, "get", "threatblocklistnodes").stripTrailing());

        say(step("In " + node1.name() + ": the jump rule, the chain, and the set"));
        say(node1.ns().run("iptables-nft", "-t", "raw", "-S").output().lines()
                .filter(l -> l.contains("SIKKERGUARD")).reduce((a, b) -> a + "\n" + b).orElse(""));
        say(node1.ns().run("ipset", "list", "-t", Naming.of(NAMESPACE, EDGE).live4()).output().stripTrailing());

        say(step("The attacker " + node1.attacker() + " (listed, score 100) knocks on " + node1.name()
                + ": ping, then ssh (port 22)"));
        say("ping " + node1.address() + ": " + (cluster.attackerReaches(node1) ? "answered (NOT BLOCKED)" : "no answer"));
        String blocked = "BLOCKED " + node1.attacker() + ":22";
        await("the BLOCKED line in " + node1.name() + "'s agent log", () -> {
            cluster.attackerKnocks(node1, 22);
            return node1.kubelet().log(pod(NAMESPACE, EDGE)).contains(blocked);
        });
        say(first(node1.kubelet().log(pod(NAMESPACE, EDGE)), blocked));
        say(node1.ns().run("iptables-nft", "-t", "raw", "-L", Naming.of(NAMESPACE, EDGE).chain(), "-v", "-n")
                .output().stripTrailing());

        say(step("A namespace with the dry-run policy label, and a blocklist in it (score 30)"));
        cluster.applyDryRunNamespace(STAGING);
        cluster.apply(cluster.blocklist(STAGING, "staging", 30, List.of()));
        cluster.startAgents(STAGING, "staging");
        watch(cluster, STAGING, "staging", b -> ready(b, NODES));
        say(first(node1.kubelet().log(pod(STAGING, "staging")), "Dry-run: would block"));
        say(cluster.kubectl("get", "threatblocklists", "-A").stripTrailing());

        say(step("kubectl -n " + NAMESPACE + " describe threatblocklist " + EDGE + "   (status and events)"));
        String describe = cluster.kubectl("-n", NAMESPACE, "describe", "threatblocklist", EDGE);
        say(describe.substring(describe.indexOf("Status:")).stripTrailing());

        say(step("kubectl delete threatblocklists --all -A; the kubelet stops the agents (SIGTERM)"));
        say(cluster.kubectl("delete", "threatblocklists", "--all", "-A").stripTrailing());
        cluster.stopAgents(NAMESPACE, EDGE);
        cluster.stopAgents(STAGING, "staging");
        say(first(node1.kubelet().log(pod(NAMESPACE, EDGE)), "the blocklist was deleted"));
        for (SimNode node : nodes) {
            boolean same = SimulatedCluster.firewall(node).equals(before.get(node.name()));
            say(node.name() + ": iptables (nf_tables and legacy, v4 and v6) and ipsets "
                    + (same ? "exactly as before the demo" : "CHANGED"));
            if (!same) {
                throw new IllegalStateException(node.name() + "'s firewall is not as before");
            }
        }
        say("ping " + node1.address() + " from the attacker: "
                + (cluster.attackerReaches(node1) ? "answered again" : "no answer"));
        say(step("Done: the demo passed"));
    }

    /** Prints `kubectl get tbl -A` each time a mode, node count or entry count changes, until the condition holds. */
    private static void watch(SimulatedCluster cluster, String namespace, String name,
            Predicate<ThreatBlocklist> condition) {
        AtomicReference<String> shown = new AtomicReference<>("");
        await(namespace + "/" + name + " ready on every node", () -> {
            String state = cluster.client().resources(ThreatBlocklist.class).inAnyNamespace().list().getItems()
                    .stream().map(b -> b.getMetadata().getName() + " " + (b.getStatus() == null ? "-"
                            : b.getStatus().getMode() + " " + b.getStatus().getNodes() + " " + b.getStatus().getEntries()))
                    .sorted().toList().toString();
            if (!state.equals(shown.getAndSet(state))) {
                say(cluster.kubectl("get", "threatblocklists", "-A").stripTrailing());
            }
            ThreatBlocklist blocklist = cluster.get(namespace, name);
            return blocklist != null && condition.test(blocklist);
        });
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(SimulatedCluster.WAIT).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(condition);
    }

    private static String first(String log, String containing) {
        return log.lines().filter(l -> l.contains(containing)).findFirst().orElse("(no line with " + containing + ")");
    }

    private static void say(String text) {
        System.out.println(text);
    }
}
