package com.sikkerapi.guard.e2e;

import static com.sikkerapi.guard.e2e.Scenario.NAMESPACE;
import static com.sikkerapi.guard.e2e.Scenario.STAGING;
import static com.sikkerapi.guard.e2e.Scenario.ready;
import static com.sikkerapi.guard.e2e.Scenario.step;

import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.testing.KubeCluster;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * `make demo`: the product on a real cluster on this machine ({@link RealNodes}): its image on real kubelets, the
 * operator as its Deployment's pod, the blocklist's hub (the one puller) as its Deployment's pod, the agents as
 * DaemonSet pods on three nodes, all on the same list digest. Every step waits for what it shows
 * and fails the demo when it does not come; everything it started is stopped on exit, on Ctrl-C and on failure.
 * The end-to-end test (RealNodesKernelTest) checks the same and more with assertions.
 */
public final class Demo {
    private static final int NODES = 3;
    private static final String EDGE = "edge";

    private Demo() {
    }

    public static void main(String[] args) {
        AtomicReference<RealNodes> running = new AtomicReference<>();
        // Ctrl-C: the JVM runs this hook; the cluster's processes, namespaces and folders go with it.
        Thread cleanup = new Thread(() -> {
            RealNodes product = running.getAndSet(null);
            if (product != null) {
                product.close();
                System.out.println("demo: cleaned up (nodes, control plane, namespaces, mounts, cgroups, folders)");
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit = 0;
        String hostBefore = KubeCluster.hostState();
        try {
            running.set(new RealNodes(System.out::println));
            running.get().start(NODES);
            run(running.get());
        } catch (RuntimeException | Error e) {
            System.out.println("\ndemo FAILED: " + e);
            RealNodes product = running.get();
            if (product != null && product.cluster() != null) {
                System.out.println(product.tryKubectl("get", "pods", "-A", "-o", "wide").stdout());
                System.out.println("operator log (last 30 lines):");
                System.out.println(product.tryKubectl("-n", "sikkerguard-system", "logs", "--tail=30",
                        "deployment/sikkerguard-operator").stdout());
            }
            exit = 1;
        }
        RealNodes product = running.getAndSet(null);
        if (product != null) {
            product.close();
            boolean same = KubeCluster.hostState().equals(hostBefore);
            System.out.println("demo: cleaned up; this machine's own firewall, links, routes and sysctls "
                    + (same ? "exactly as before" : "CHANGED"));
            exit = same ? exit : 1;
        }
        System.exit(exit);
    }

    private static void run(RealNodes product) {
        Map<Integer, String> before = new LinkedHashMap<>();
        for (int k = 1; k <= NODES; k++) {
            before.put(k, product.firewall(k));
        }
        product.installOperator();

        String blocklist = product.blocklist(NAMESPACE, EDGE, 50, List.of());
        say(step("kubectl apply --server-side -f -   (SikkerAPI's blacklist, score 50 or more)"));
        say(blocklist.substring(blocklist.indexOf("apiVersion: guard")).stripTrailing());
        product.apply(blocklist);
        say(step("kubectl get threatblocklists -A, until every node is Ready on the list the hub published"));
        watch(product, NAMESPACE, EDGE, b -> ready(b, NODES) && b.getStatus().getList() != null
                && Integer.valueOf(NODES).equals(b.getStatus().getList().nodesOnList()));
        say(step("kubectl get pods -A -o wide: the operator's pod, the blocklist's hub (pod network) and an agent pod"
                + " on every node (host network), Ready"));
        product.kubectl("-n", NAMESPACE, "rollout", "status", "daemonset/" + EDGE + "-agent", "--timeout=120s");
        say(product.kubectl("get", "pods", "-A", "-o", "wide").stripTrailing());
        say(step("The hub pulled once for the cluster and published the list by its digest; the agents hold no key"));
        say("SikkerAPI blacklist requests so far: " + product.api().blacklistRequests() + " (one hub, " + NODES
                + " nodes)");
        say("hub: " + first(product.hubLog(NAMESPACE, EDGE), "Published "));
        say(product.kubectl("-n", NAMESPACE, "get", "configmaps", "-l", "guard.sikkerapi.com/blocklist=" + EDGE,
                "-L", "guard.sikkerapi.com/output").stripTrailing());
        say("agent on " + KubeCluster.nodeName(1) + ": " + first(product.agentLog(NAMESPACE, EDGE, 1), "Enforcing"));
        say(product.kubectl("-n", NAMESPACE, "get", "threatblocklistnodes", "-o",
                "custom-columns=NAME:.metadata.name,PHASE:.spec.phase,ENTRIES:.spec.entries.total,"
                        + "LIST:.spec.listDigest").stripTrailing());

        var node1 = product.cluster().node(1);
        say(step("In " + KubeCluster.nodeName(1) + ": the jump rule, the chain, and the set"));
        say(node1.run("iptables-nft", "-t", "raw", "-S").output().lines()
                .filter(l -> l.contains("SIKKERGUARD")).reduce((a, b) -> a + "\n" + b).orElse(""));
        say(node1.run("ipset", "list", "-t", Naming.of(NAMESPACE, EDGE).live4()).output().stripTrailing());

        String attacker = KubeCluster.attackerAddress(1);
        String address = KubeCluster.nodeAddressTowardsAttacker(1);
        say(step("The attacker " + attacker + " (listed, score 100) knocks on " + KubeCluster.nodeName(1)
                + ": ping, then ssh (port 22)"));
        say("ping " + address + ": " + (product.attackerReaches(1) ? "answered (NOT BLOCKED)" : "no answer"));
        String blocked = "BLOCKED " + attacker + ":22";
        await("the BLOCKED line in " + KubeCluster.nodeName(1) + "'s agent log", () -> {
            product.attackerKnocks(1, 22);
            return product.agentLog(NAMESPACE, EDGE, 1).contains(blocked);
        });
        say("kubectl logs: " + first(product.agentLog(NAMESPACE, EDGE, 1), blocked));
        say(node1.run("iptables-nft", "-t", "raw", "-L", Naming.of(NAMESPACE, EDGE).chain(), "-v", "-n")
                .output().stripTrailing());

        String firstList = product.get(NAMESPACE, EDGE).getStatus().getList().version();
        say(step("kubectl apply of score 60: a new list, rolled out in stages: the canary " + KubeCluster.nodeName(1)
                + " first, then one node per batch, each after the nodes before held it for the soak (2 s here)"));
        product.apply(product.blocklist(NAMESPACE, EDGE, 60, List.of()));
        watch(product, NAMESPACE, EDGE, b -> ready(b, NODES) && b.getStatus().getList() != null
                && !firstList.equals(b.getStatus().getList().version()));
        say(product.kubectl("-n", NAMESPACE, "get", "threatblocklistnodes", "--sort-by=.spec.identitySince", "-o",
                "custom-columns=NAME:.metadata.name,IDENTITY:.spec.identity,SINCE:.spec.identitySince,"
                        + "LIST:.spec.listDigest").stripTrailing());
        say(product.kubectl("-n", NAMESPACE, "get", "events", "--sort-by=.lastTimestamp", "-o",
                "custom-columns=REASON:.reason,MESSAGE:.message").lines()
                .filter(l -> l.startsWith("Rollout")).reduce((a, b) -> a + "\n" + b).orElse(""));

        say(step("A namespace with the dry-run policy label, and a blocklist in it (score 30)"));
        product.apply(Scenario.dryRunNamespace(STAGING));
        product.apply(product.blocklist(STAGING, "staging", 30, List.of()));
        watch(product, STAGING, "staging", b -> ready(b, NODES));
        say(first(product.agentLog(STAGING, "staging", 1), "Dry-run: would block"));
        say(product.kubectl("get", "threatblocklists", "-A").stripTrailing());

        say(step("kubectl -n " + NAMESPACE + " describe threatblocklist " + EDGE + "   (status and events)"));
        String describe = product.kubectl("-n", NAMESPACE, "describe", "threatblocklist", EDGE);
        say(describe.substring(describe.indexOf("Status:")).stripTrailing());

        say(step("kubectl delete threatblocklists --all -A: the garbage collector takes the DaemonSets, the kubelets"
                + " stop the agents"));
        KubeCluster.Follow log = product.cluster().follow("-n", NAMESPACE, "logs", "-f",
                product.agentPod(NAMESPACE, EDGE, 1).getMetadata().getName());
        say(product.kubectl("delete", "threatblocklists", "--all", "-A").stripTrailing());
        await("every agent pod gone", () -> product.client().pods().inNamespace(NAMESPACE).list().getItems().isEmpty()
                && product.client().pods().inNamespace(STAGING).list().getItems().isEmpty());
        say(first(log.output(Duration.ofSeconds(30)), "Removing this node's rules"));
        say(product.kubectl("get", "pods", "-A", "-o", "wide").stripTrailing());
        for (int k = 1; k <= NODES; k++) {
            boolean same = product.firewall(k).equals(before.get(k));
            say(KubeCluster.nodeName(k) + ": iptables (nf_tables and legacy, v4 and v6) and ipsets "
                    + (same ? "exactly as before the demo" : "CHANGED"));
            if (!same) {
                throw new IllegalStateException(KubeCluster.nodeName(k) + "'s firewall is not as before");
            }
        }
        say("ping " + address + " from the attacker: " + (product.attackerReaches(1) ? "answered again" : "no answer"));
        say(step("Done: the demo passed"));
    }

    /**
     * Prints `kubectl get tbl -A` each time a mode, node count, entry count or rollout stage changes, until the
     * condition holds.
     */
    private static void watch(RealNodes product, String namespace, String name, Predicate<ThreatBlocklist> condition) {
        AtomicReference<String> shown = new AtomicReference<>("");
        await(namespace + "/" + name + " ready on every node", () -> {
            String state = product.client().resources(ThreatBlocklist.class).inAnyNamespace().list().getItems()
                    .stream().map(b -> b.getMetadata().getName() + " " + (b.getStatus() == null ? "-"
                            : b.getStatus().getMode() + " " + b.getStatus().getNodes() + " " + b.getStatus().getEntries()
                                    + " " + (b.getStatus().getRollout() == null ? "-" : b.getStatus().getRollout()
                                            .stage() + " " + b.getStatus().getRollout().summary())))
                    .sorted().toList().toString();
            if (!state.equals(shown.getAndSet(state))) {
                say(product.kubectl("get", "threatblocklists", "-A").stripTrailing());
            }
            ThreatBlocklist blocklist = product.get(namespace, name);
            return blocklist != null && condition.test(blocklist);
        });
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(RealNodes.WAIT).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(condition);
    }

    private static String first(String log, String containing) {
        return log.lines().filter(l -> l.contains(containing)).findFirst().orElse("(no line with " + containing + ")");
    }

    private static void say(String text) {
        System.out.println(text);
    }
}
