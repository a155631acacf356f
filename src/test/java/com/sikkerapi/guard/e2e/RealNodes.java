package com.sikkerapi.guard.e2e;

import static com.sikkerapi.guard.e2e.Scenario.step;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.testing.FakeSikkerApi;
import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The product on a real cluster ({@link KubeCluster}): `kubectl apply -k` of deploy/ through an overlay that names
 * the local image (as a user names their registry's), the operator as its Deployment's pod, each blocklist's hub as
 * its Deployment's pod and its agents as its DaemonSet's pods on real kubelets, and SikkerAPI on loopback (FireHOL
 * level1 and an attacker per node) exposed to the cluster (plain HTTP, which the overlay allows). `make demo` and the end-to-end test run on this. Closing it stops everything it started.
 */
final class RealNodes implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(120);

    private final Consumer<String> say;
    private final FakeSikkerApi api = new FakeSikkerApi(Scenario.KEY);
    private volatile KubeCluster cluster;
    private KubernetesClient client;
    private String endpoint;
    private int nodes;
    private boolean closed;

    RealNodes(Consumer<String> say) {
        this.say = say;
    }

    /** The cluster with nodes sg-node-1..N; the attacker of node 1 is listed with score 100, the others' with 65. */
    void start(int nodeCount) {
        say.accept(step("A real cluster on this machine (src/scripts/cluster.sh): etcd, kube-apiserver, "
                + "controller-manager and scheduler v1.20.2, and " + nodeCount + " nodes with containerd and a kubelet, "
                + "each in network namespaces of its own"));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            cluster = KubeCluster.start(nodeCount);
        }
        client = cluster.client();
        nodes = nodeCount;
        for (int k = 1; k <= 16; k++) {
            api.list(KubeCluster.attackerAddress(k), k == 1 ? 100 : 65);
        }
        endpoint = "http://" + cluster.expose(api.port());
        say.accept("every node Ready " + cluster.startSeconds() + " s after the start");
        say.accept(kubectl("get", "nodes", "-o", "wide").stripTrailing());
        say.accept(step("SikkerAPI at " + endpoint + " (this machine's loopback, exposed to the pods; the nodes have no route to it): FireHOL level1 "
                + "from the test resources (" + api.listed(0) + " entries, bogons and private ranges included, each "
                + "with a score), and each node's attacker"));
    }

    /** kubectl apply -k of an overlay of deploy/ naming the local image; waits for the operator's pod. */
    void installOperator() {
        Path overlay = Path.of("target", "e2e-overlay");
        try {
            Files.createDirectories(overlay);
            Files.writeString(overlay.resolve("kustomization.yaml"), """
                    # deploy/ with the image that `make image` built, as a user points it at their registry.
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources: [../../deploy]
                    images:
                      - {name: sikkerguard-operator, newName: localhost/sikkerguard, newTag: dev}
                    patches:
                      - target: {kind: Deployment, name: sikkerguard-operator}
                        patch: |-
                          apiVersion: apps/v1
                          kind: Deployment
                          metadata: {name: sikkerguard-operator, namespace: sikkerguard-system}
                          spec:
                            template:
                              spec:
                                containers:
                                  - name: operator
                                    env:
                                      - {name: SIKKERGUARD_CLUSTER_SERVICE_CIDRS, value: "%s"}
                                      - {name: SIKKERGUARD_AGENT_BLOCKED_LOG_INTERVAL, value: 2s}
                                      - {name: SIKKERGUARD_FEEDS_ALLOW_PLAIN_HTTP, value: "true"}
                                      - {name: SIKKERGUARD_FEEDS_ALLOWED_RANGES, value: "%s/32"}
                                      - {name: QUARKUS_LOG_CATEGORY__COM_SIKKERAPI_GUARD_OPERATOR__LEVEL, value: DEBUG}
                    """.formatted(KubeCluster.SERVICE_CIDR, KubeCluster.EXPOSED_ADDRESS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        say.accept(step("kubectl apply --server-side -k " + overlay + "   (deploy/ with images: localhost/sikkerguard:dev)"));
        say.accept(kubectl("apply", "--server-side", "-k", overlay.toString()).stripTrailing());
        say.accept(kubectl("apply", "--server-side", "-f", "deploy/samples/00-namespace.yaml").stripTrailing());
        kubectl("-n", "sikkerguard-system", "rollout", "status", "deployment/sikkerguard-operator", "--timeout=120s");
        say.accept(kubectl("get", "pods", "-A", "-o", "wide").stripTrailing());
    }

    KubeCluster cluster() {
        return cluster;
    }

    KubernetesClient client() {
        return client;
    }

    FakeSikkerApi api() {
        return api;
    }

    int nodes() {
        return nodes;
    }

    String blocklist(String namespace, String name, int scoreMinimum, List<String> whitelist) {
        return Scenario.blocklist(namespace, name, endpoint, scoreMinimum, whitelist);
    }

    /** With this spec.rollout (a YAML flow mapping) and further spec lines. */
    String blocklist(String namespace, String name, int scoreMinimum, String rollout, String extraSpec) {
        return Scenario.blocklist(namespace, name, endpoint, scoreMinimum, List.of(), rollout, extraSpec);
    }

    /** With this whitelist and further spec lines. */
    String blocklist(String namespace, String name, int scoreMinimum, List<String> whitelist, String extraSpec) {
        return Scenario.blocklist(namespace, name, endpoint, scoreMinimum, whitelist, "{soak: 2s}", extraSpec);
    }

    /** kubectl apply --server-side, as an admin (or Argo CD) would. */
    void apply(String yaml) {
        cluster.kubectlStdin(yaml, "apply", "--server-side", "--field-manager=admin", "-f", "-").check();
    }

    String kubectl(String... args) {
        return cluster.kubectl(args).check().stdout();
    }

    KubeApiServer.Result tryKubectl(String... args) {
        return cluster.kubectl(args);
    }

    ThreatBlocklist get(String namespace, String name) {
        return client.resources(ThreatBlocklist.class).inNamespace(namespace).withName(name).get();
    }

    ThreatBlocklist awaitBlocklist(String namespace, String name, String what, Predicate<ThreatBlocklist> condition) {
        try {
            return await(namespace + "/" + name + ": " + what).atMost(WAIT).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() -> get(namespace, name), b -> b != null && condition.test(b));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            keepEvidence(namespace, what);
            throw e;
        }
    }

    /**
     * What a failed wait leaves for diagnosis, in target/e2e-logs/: the namespace's pods' logs (the kubelet deletes
     * them with the pods, before the cluster's logs are copied), its blocklists and node reports.
     */
    private void keepEvidence(String namespace, String what) {
        Path dir = Path.of("target", "e2e-logs", "timeout-" + namespace + "-" + System.currentTimeMillis());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("what.txt"), what + "\n");
            Files.writeString(dir.resolve("objects.yaml"), cluster.kubectl("-n", namespace, "get",
                    "tbl,threatblocklistnodes,pods,events", "-o", "yaml").stdout());
            for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
                String name = pod.getMetadata().getName();
                Files.writeString(dir.resolve(name + ".log"), cluster.kubectl("-n", namespace, "logs",
                        "--timestamps", "--all-containers", name).stdout());
            }
            say.accept("evidence of the timeout in " + dir);
        } catch (IOException | RuntimeException e) {
            say.accept("could not keep the evidence of the timeout: " + e.getMessage());
        }
    }

    ThreatBlocklistNode report(String namespace, String blocklist, int node) {
        return client.resources(ThreatBlocklistNode.class).inNamespace(namespace)
                .withName(blocklist + "." + KubeCluster.nodeName(node)).get();
    }

    /** The blocklist's agent pod on node K (the DaemonSet's, by its labels), or null. */
    Pod agentPod(String namespace, String blocklist, int node) {
        return client.pods().inNamespace(namespace).withLabel(com.sikkerapi.guard.operator.Names.BLOCKLIST_LABEL, blocklist).withLabel("app.kubernetes.io/name", "sikkerguard-agent").list()
                .getItems().stream().filter(p -> KubeCluster.nodeName(node).equals(p.getSpec().getNodeName()))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElse(null);
    }

    /** The blocklist's hub pod (its Deployment's, by its labels), or null. */
    Pod hubPod(String namespace, String blocklist) {
        return client.pods().inNamespace(namespace).withLabel(com.sikkerapi.guard.operator.Names.BLOCKLIST_LABEL,
                blocklist).withLabel("app.kubernetes.io/name", "sikkerguard-hub").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElse(null);
    }

    /** The hub's log, from the kubelet. */
    String hubLog(String namespace, String blocklist) {
        Pod pod = hubPod(namespace, blocklist);
        return pod == null ? "" : cluster.kubectl("-n", namespace, "logs", pod.getMetadata().getName()).stdout();
    }

    /** The agent's log on node K, from the kubelet (kubectl logs). */
    String agentLog(String namespace, String blocklist, int node) {
        Pod pod = agentPod(namespace, blocklist, node);
        return pod == null ? "" : cluster.kubectl("-n", namespace, "logs", pod.getMetadata().getName()).stdout();
    }

    /** Whether node K's live IPv4 set for the blocklist holds the address. */
    boolean listed(int node, String namespace, String blocklist, String address) {
        return cluster.node(node).run("ipset", "test", Naming.of(namespace, blocklist).live4(), address).ok();
    }

    /** Node K's nftables tables ({@code nft list tables}) and ipsets ({@code ipset list -n}), one a line. */
    List<String> tablesAndSets(int node) {
        return java.util.stream.Stream.concat(cluster.node(node).run("nft", "list", "tables").check().output().lines(),
                cluster.node(node).run("ipset", "list", "-n").check().output().lines()).toList();
    }

    /** Whether a ping from node K's attacker gets an answer from the node. */
    boolean attackerReaches(int node) {
        return cluster.attacker(node).ping(KubeCluster.nodeAddressTowardsAttacker(node));
    }

    /** A TCP connection attempt from node K's attacker to this port (what a BLOCKED line names). */
    void attackerKnocks(int node, int port) {
        cluster.attacker(node).run("socat", "-T", "1", "/dev/null", "TCP4:" + KubeCluster.nodeAddressTowardsAttacker(node)
                + ":" + port + ",connect-timeout=1");
    }

    /** Node K's iptables (both variants, both families) and ipsets, counters aside. */
    String firewall(int node) {
        return cluster.node(node).firewallSnapshot();
    }

    /** kubectl auth can-i as the agent's ServiceAccount of this blocklist: "yes" or "no". */
    String agentCan(String namespace, String blocklist, String... question) {
        return can(namespace + ":" + blocklist + "-agent", question);
    }

    /** kubectl auth can-i as the hub's ServiceAccount of this blocklist. */
    String hubCan(String namespace, String blocklist, String... question) {
        return can(namespace + ":" + blocklist + "-hub", question);
    }

    private String can(String account, String... question) {
        List<String> args = new java.util.ArrayList<>(List.of("auth", "can-i"));
        args.addAll(List.of(question));
        args.add("--as=system:serviceaccount:" + account);
        return cluster.kubectl(args.toArray(String[]::new)).stdout().strip();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        api.close();
    }
}
