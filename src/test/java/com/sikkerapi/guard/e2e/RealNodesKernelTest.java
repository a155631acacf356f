package com.sikkerapi.guard.e2e;

import static com.sikkerapi.guard.e2e.Scenario.NAMESPACE;
import static com.sikkerapi.guard.e2e.Scenario.STAGING;
import static com.sikkerapi.guard.e2e.Scenario.condition;
import static com.sikkerapi.guard.e2e.Scenario.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product end to end on a real cluster ({@link RealNodes}): its own image on real kubelets, containerd and
 * controllers (the garbage collector, the DaemonSet controller, the scheduler), the operator and each blocklist's
 * hub as their Deployments' pods. One cluster for the class; the steps run in order, each starting from what the one
 * before left. The machine itself (its firewall, interfaces, routes and host-wide sysctls) is checked to be exactly
 * as before at the end.
 */
@Tag("kernel")
@Tag("real-cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodesKernelTest {
    private static final String EDGE = "edge";
    private static final int NODES = 2;
    private static final String LAUNCHER = com.sikkerapi.guard.testing.Kubelet.LAUNCHER.toString();

    private String hostBefore;
    private int blacklistRequests;
    private final Map<Integer, String> firewallsBefore = new TreeMap<>();
    private RealNodes product;
    private ThreatBlocklist enforced;
    private RolloutSteps rollout;

    @BeforeAll
    void startTheClusterAndInstallTheOperator() {
        hostBefore = KubeCluster.hostState();
        product = new RealNodes(System.out::println);
        product.start(NODES);
        rollout = new RolloutSteps(product);
        for (int k = 1; k <= 3; k++) {
            if (k <= NODES) {
                firewallsBefore.put(k, product.firewall(k));
            }
        }
        product.installOperator();
    }

    @AfterAll
    void stopEverythingAndLeaveTheMachineAsItWas() {
        if (product != null) {
            product.close();
        }
        assertThat(KubeCluster.hostState()).as("the machine's own firewall, links, routes and sysctls")
                .isEqualTo(hostBefore);
    }

    @Test
    @Order(1)
    void theAgentsRunAsPodsOfTheImageAndEnforceOnEveryNode() {
        product.apply(product.blocklist(NAMESPACE, EDGE, 50, List.of()));
        product.apply(Scenario.dryRunNamespace(STAGING));
        product.apply(product.blocklist(STAGING, "staging", 50, List.of()));

        enforced = product.awaitBlocklist(NAMESPACE, EDGE, "Ready 2/2, every node on the published list",
                b -> ready(b, NODES) && b.getStatus().getList() != null
                        && Integer.valueOf(NODES).equals(b.getStatus().getList().nodesOnList()));
        assertThat(enforced.getStatus().getMode()).isEqualTo(Mode.Enforcing);
        // FireHOL level1 lists bogons and private ranges: the hub strips them, so the nodes enforce fewer entries.
        assertThat(enforced.getStatus().getEntries().v4()).isPositive().isLessThan(product.api().listed(50));
        String digest = enforced.getStatus().getList().digest();
        assertThat(condition(enforced, "Published").getStatus()).isEqualTo("True");
        product.awaitBlocklist(STAGING, "staging", "published", b -> b.getStatus() != null
                && b.getStatus().getList() != null && b.getStatus().getList().digest() != null);
        // One pull for the cluster per blocklist, whatever the node count: its hub's, and no node's.
        blacklistRequests = product.api().blacklistRequests();
        assertThat(blacklistRequests).as("SikkerAPI blacklist requests, one hub per blocklist, " + NODES + " nodes")
                .isEqualTo(2);
        assertThat(product.hubLog(NAMESPACE, EDGE)).contains("Published ").contains(enforced.getStatus().getList()
                .version());
        // Node 2 opens a connection to its own attacker (listed): the answer is dropped, and is no attack.
        product.cluster().node(2).run("socat", "-T", "1", "/dev/null",
                "TCP4:" + KubeCluster.attackerAddress(2) + ":80,connect-timeout=1");
        // What Argo CD compares: the operator owns the status and nothing of what Git holds.
        assertThat(enforced.getMetadata().getManagedFields()).filteredOn(f -> f.getManager().equals(
                "sikkerguard-operator")).isNotEmpty().allSatisfy(f -> assertThat(
                        f.getFieldsV1().getAdditionalProperties()).containsOnlyKeys("f:status"));
        assertThat(product.kubectl("get", "threatblocklists", "-A")).containsPattern(
                "sikkerguard +edge +Enforcing +50 +2/2 +Complete +" + enforced.getStatus().getList().version() + " +2 +"
                        + enforced.getStatus().getEntries().total());
        for (int k = 1; k <= NODES; k++) {
            int node = k;
            // Ready (within a probe period of the report) only once the node held the list: after the report's
            // apply time, truncated as the condition's is.
            Pod pod = await("node " + k + "'s agent Ready").atMost(Duration.ofSeconds(30))
                    .until(() -> product.agentPod(NAMESPACE, EDGE, node), p -> readySince(p) != null);
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            Instant applied = Instant.parse(product.report(NAMESPACE, EDGE, k).getSpec().getLastApply());
            assertThat(readySince(pod)).as("node %d's agent Ready after its first apply", k)
                    .isAfterOrEqualTo(applied.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(KubeCluster.IMAGE);
            assertThat(product.report(NAMESPACE, EDGE, k).getSpec().getEntries())
                    .isEqualTo(enforced.getStatus().getEntries());
            assertThat(product.report(NAMESPACE, EDGE, k).getSpec().getListDigest()).as("node %d's list", k)
                    .isEqualTo(digest);
            for (int attacker = 1; attacker <= NODES; attacker++) {
                assertThat(product.listed(k, NAMESPACE, EDGE, KubeCluster.attackerAddress(attacker))).isTrue();
            }
            assertThat(product.listed(k, NAMESPACE, EDGE, "10.1.2.3")).as("private ranges are stripped").isFalse();
            assertThat(product.listed(k, NAMESPACE, EDGE, KubeCluster.nodeAddress(k))).isFalse();
        }
        assertThat(product.attackerReaches(1)).isFalse();
        await().atMost(RealNodes.WAIT).until(() -> {
            product.attackerKnocks(1, 22);
            return product.agentLog(NAMESPACE, EDGE, 1)
                    .contains("BLOCKED " + KubeCluster.attackerAddress(1) + ":22 (ssh) proto=TCP");
        });

        // The dry-run namespace: its nodes take the published list, and touch nothing.
        ThreatBlocklist staging = product.awaitBlocklist(STAGING, "staging", "Ready 2/2", b -> ready(b, NODES));
        assertThat(staging.getStatus().getMode()).isEqualTo(Mode.DryRun);
        for (int k = 1; k <= NODES; k++) {
            assertThat(product.report(STAGING, "staging", k).getSpec().getPhase()).isEqualTo(NodePhase.DryRun);
            assertThat(product.cluster().node(k).run("ipset", "list", "-n").output())
                    .doesNotContain(Naming.of(STAGING, "staging").live4());
        }
    }

    @Test
    @Order(2)
    void theRunningContainerHasWhatThePodTemplateSays() {
        Pod pod = product.agentPod(NAMESPACE, EDGE, 1);
        // A Secret volume but its account's token (which v1.20 mounts from a Secret): none.
        assertThat(pod.getSpec().getVolumes()).as("no agent holds a key").noneMatch(v -> v.getSecret() != null
                && !v.getSecret().getSecretName().startsWith(EDGE + "-agent-token-"));
        // The agent runs in the node's network: it has no route to SikkerAPI, which only the hub's pod reaches.
        assertThat(product.cluster().node(1).run("ip", "route", "get", KubeCluster.EXPOSED_ADDRESS).ok())
                .as("a route from the node to the feed").isFalse();
        Pod hub = product.hubPod(NAMESPACE, EDGE);
        assertThat(hub.getSpec().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(hub.getSpec().getVolumes()).anyMatch(v -> v.getSecret() != null
                && v.getSecret().getSecretName().equals("sikkerapi-key"));
        assertThat(hub.getStatus().getPodIP()).as("on the pod network").startsWith("10.244.");
        var probe = pod.getSpec().getContainers().get(0).getReadinessProbe().getHttpGet();
        assertThat(probe.getHost()).isEqualTo("127.0.0.1");
        // The kubelet's own probe reached the agent's loopback listener: the pod is Ready.
        assertThat(readySince(pod)).isNotNull();
        String pid = product.cluster().containerPid(1, pod.getStatus().getContainerStatuses().get(0).getContainerID());
        String status = com.sikkerapi.guard.firewall.Commands.local().run("cat", "/proc/" + pid + "/status").output();
        // NET_ADMIN (12) and NET_RAW (13) and nothing else, effective and bounding; seccomp in filter mode.
        assertThat(status).containsPattern("CapEff:\\s+0000000000003000").containsPattern("CapBnd:\\s+0000000000003000")
                .containsPattern("Seccomp:\\s+2").containsPattern("NoNewPrivs:\\s+1").containsPattern("Uid:\\s+0\\s");
        String mounts = com.sikkerapi.guard.firewall.Commands.local().run("cat", "/proc/" + pid + "/mountinfo").output();
        assertThat(mounts.lines().filter(l -> l.split(" ")[4].equals("/")).findFirst().orElseThrow())
                .as("the root file system is read-only").containsPattern(" / / ro[, ]");
        // The agent listens on loopback only: not on the node's addresses.
        assertThat(product.cluster().node(1).run("ss", "-Hltn", "sport = :" + probe.getPort().getIntVal()).output())
                .containsPattern("\\s(\\[::ffff:)?127\\.0\\.0\\.1\\]?:" + probe.getPort().getIntVal() + "\\s")
                .doesNotContain("0.0.0.0:").doesNotContain("*:" + probe.getPort().getIntVal() + " ");
    }

    @Test
    @Order(3)
    void theAgentsAccountsReachOnlyTheirOwnObjects() {
        assertThat(product.agentCan(NAMESPACE, EDGE, "create", "threatblocklistnodes", "-n", NAMESPACE)).isEqualTo("yes");
        assertThat(product.agentCan(NAMESPACE, EDGE, "get", "configmaps/edge-agent", "-n", NAMESPACE)).isEqualTo("yes");
        assertThat(product.agentCan(NAMESPACE, EDGE, "get", "secrets", "-n", NAMESPACE)).isEqualTo("no");
        assertThat(product.agentCan(NAMESPACE, EDGE, "get", "secrets/sikkerapi-key", "-n", NAMESPACE)).isEqualTo("no");
        assertThat(product.agentCan(NAMESPACE, EDGE, "get", "configmaps", "-n", STAGING)).isEqualTo("no");
        assertThat(product.agentCan(NAMESPACE, EDGE, "get", "threatblocklists", "-n", STAGING)).isEqualTo("no");
        assertThat(product.agentCan(NAMESPACE, EDGE, "list", "nodes")).isEqualTo("no");
        assertThat(product.agentCan(NAMESPACE, EDGE, "create", "pods", "-n", NAMESPACE)).isEqualTo("no");
        // The published list by name, and nothing else of the hub's.
        assertThat(product.agentCan(NAMESPACE, EDGE, "get", "configmaps/edge-list", "-n", NAMESPACE)).isEqualTo("yes");
        assertThat(product.agentCan(NAMESPACE, EDGE, "get", "configmaps/edge-list-b-16", "-n", NAMESPACE))
                .isEqualTo("yes");
        assertThat(product.agentCan(NAMESPACE, EDGE, "get", "configmaps/edge-list-status", "-n", NAMESPACE))
                .isEqualTo("no");
        assertThat(product.agentCan(NAMESPACE, EDGE, "list", "configmaps", "-n", NAMESPACE)).isEqualTo("no");
        assertThat(product.hubCan(NAMESPACE, EDGE, "get", "secrets/sikkerapi-key", "-n", NAMESPACE)).isEqualTo("no");
        assertThat(product.hubCan(NAMESPACE, EDGE, "create", "pods", "-n", NAMESPACE)).isEqualTo("no");
        // The key is in its Secret and the hub's mounted file, and nowhere an admin or an agent reads.
        String everything = product.kubectl("get", "configmaps,threatblocklists,threatblocklistnodes,events,pods,"
                + "daemonsets,deployments", "-A", "-o", "yaml");
        assertThat(everything).doesNotContain(Scenario.KEY);
        for (int k = 1; k <= NODES; k++) {
            assertThat(product.agentLog(NAMESPACE, EDGE, k)).doesNotContain(Scenario.KEY);
        }
        assertThat(product.hubLog(NAMESPACE, EDGE)).doesNotContain(Scenario.KEY);
    }

    @Test
    @Order(4)
    void specChangesReachEveryNode() {
        // A higher score drops node 2's attacker (65) everywhere ...
        product.apply(product.blocklist(NAMESPACE, EDGE, 70, List.of()));
        ThreatBlocklist stricter = product.awaitBlocklist(NAMESPACE, EDGE, "Ready at score 70",
                b -> ready(b, NODES) && b.getStatus().getEntries().v4() < enforced.getStatus().getEntries().v4());
        for (int k = 1; k <= NODES; k++) {
            assertThat(product.listed(k, NAMESPACE, EDGE, KubeCluster.attackerAddress(1))).isTrue();
            assertThat(product.listed(k, NAMESPACE, EDGE, KubeCluster.attackerAddress(2))).isFalse();
            assertThat(product.report(NAMESPACE, EDGE, k).getSpec().getEntries())
                    .isEqualTo(stricter.getStatus().getEntries());
        }
        assertThat(product.attackerReaches(2)).isTrue();
        // ... and a whitelist entry keeps a listed address (score 65, minimum 50 again) off every node.
        product.apply(product.blocklist(NAMESPACE, EDGE, 50, List.of(KubeCluster.attackerAddress(2))));
        ThreatBlocklist whitelisted = product.awaitBlocklist(NAMESPACE, EDGE, "Ready with the whitelist",
                b -> ready(b, NODES) && b.getStatus().getEntries().v4() > stricter.getStatus().getEntries().v4());
        for (int k = 1; k <= NODES; k++) {
            assertThat(product.listed(k, NAMESPACE, EDGE, KubeCluster.attackerAddress(1))).isTrue();
            assertThat(product.listed(k, NAMESPACE, EDGE, KubeCluster.attackerAddress(2))).isFalse();
        }
        // The nftables backend, from the product's image: the same list in a table of its own on every node, the
        // ipsets gone; node 1's attacker (listed) is dropped, node 2's (whitelisted) gets through.
        Naming names = Naming.of(NAMESPACE, EDGE);
        product.apply(product.blocklist(NAMESPACE, EDGE, 50, List.of(KubeCluster.attackerAddress(2)),
                "enforcement: {backend: nftables}"));
        product.awaitBlocklist(NAMESPACE, EDGE, "Ready with the nftables backend", b -> ready(b, NODES)
                && backends(NODES).equals(List.of("nftables")));
        for (int k = 1; k <= NODES; k++) {
            assertThat(product.tablesAndSets(k)).as("node %d", k).contains("table inet " + names.nftTable())
                    .doesNotContain(names.live4(), names.live6());
            assertThat(product.report(NAMESPACE, EDGE, k).getSpec().getEntries())
                    .isEqualTo(whitelisted.getStatus().getEntries());
        }
        assertThat(product.attackerReaches(1)).isFalse();
        assertThat(product.attackerReaches(2)).isTrue();
        // Back to the default (auto): ipset, where it works, and no nftables table of the blocklist left.
        product.apply(product.blocklist(NAMESPACE, EDGE, 50, List.of(KubeCluster.attackerAddress(2))));
        product.awaitBlocklist(NAMESPACE, EDGE, "Ready with the ipset backend again", b -> ready(b, NODES)
                && backends(NODES).equals(List.of("ipset")));
        for (int k = 1; k <= NODES; k++) {
            assertThat(product.tablesAndSets(k)).as("node %d", k).doesNotContain("table inet " + names.nftTable());
            assertThat(product.listed(k, NAMESPACE, EDGE, KubeCluster.attackerAddress(1))).isTrue();
        }
        assertThat(product.attackerReaches(1)).isFalse();
    }

    /** The backends that the edge blocklist's node reports name, each once. */
    private List<String> backends(int nodes) {
        return java.util.stream.IntStream.rangeClosed(1, nodes).mapToObj(k -> product.report(NAMESPACE, EDGE, k))
                .map(r -> r == null ? "none" : String.valueOf(r.getSpec().getBackend())).distinct().toList();
    }

    @Test
    @Order(5)
    void aFeedOutageKeepsThePublishedListAndAHubAwayLeavesTheNodesEnforcing() {
        product.api().down();
        // A spec change while the feed is down: the hub cannot pull, the nodes apply the new whitelist to the list
        // they hold, and nobody stops blocking.
        product.apply(product.blocklist(NAMESPACE, EDGE, 50, List.of(KubeCluster.attackerAddress(2), "100.128.9.9")));
        ThreatBlocklist failing = product.awaitBlocklist(NAMESPACE, EDGE, "Published False",
                b -> "False".equals(condition(b, "Published").getStatus()) && ready(b, NODES));
        assertThat(condition(failing, "Published").getReason()).isEqualTo("PullFailed");
        assertThat(condition(failing, "Published").getMessage()).contains("HTTP 503")
                .contains(NODES + "/" + NODES + " nodes on list " + failing.getStatus().getList().version());
        assertThat(product.attackerReaches(1)).as("the published list stays live").isFalse();
        for (int k = 1; k <= NODES; k++) {
            assertThat(readySince(product.agentPod(NAMESPACE, EDGE, k))).as("node %d's agent Ready", k).isNotNull();
        }
        product.api().up();
        product.apply(product.blocklist(NAMESPACE, EDGE, 50, List.of(KubeCluster.attackerAddress(2))));
        product.awaitBlocklist(NAMESPACE, EDGE, "Published again", b -> ready(b, NODES)
                && "True".equals(condition(b, "Published").getStatus()));

        // The hub away for a while (no node may run it: every node cordoned): the nodes keep enforcing and the
        // status says where the hub is.
        for (int k = 1; k <= NODES; k++) {
            product.kubectl("cordon", KubeCluster.nodeName(k));
        }
        product.kubectl("-n", NAMESPACE, "delete", "pod", product.hubPod(NAMESPACE, EDGE).getMetadata().getName());
        ThreatBlocklist away = product.awaitBlocklist(NAMESPACE, EDGE, "hub Unavailable",
                b -> "HubUnavailable".equals(condition(b, "Published").getReason()));
        assertThat(away.getStatus().getList().hub()).isEqualTo("Unavailable");
        assertThat(ready(away, NODES)).as("the nodes are not the hub").isTrue();
        assertThat(product.attackerReaches(1)).isFalse();
        for (int k = 1; k <= NODES; k++) {
            product.kubectl("uncordon", KubeCluster.nodeName(k));
        }
        ThreatBlocklist back = product.awaitBlocklist(NAMESPACE, EDGE, "hub back",
                b -> "True".equals(condition(b, "Published").getStatus())
                        && "Available".equals(b.getStatus().getList().hub()));
        // The new hub's first pull (its cache went with the old pod): a conditional request, the same digest.
        Instant started = Instant.parse(product.hubPod(NAMESPACE, EDGE).getStatus().getStartTime());
        ThreatBlocklist pulled = product.awaitBlocklist(NAMESPACE, EDGE, "the new hub's first pull",
                b -> !Instant.parse(b.getStatus().getList().lastAttempt()).isBefore(started));
        assertThat(pulled.getStatus().getList().digest()).isEqualTo(back.getStatus().getList().digest());
    }

    @Test
    @Order(6)
    void theOperatorsPodReplacedWritesNothing() {
        Map<String, String> versions = resourceVersions();
        Map<String, Long> applies = applies();
        String old = product.kubectl("-n", "sikkerguard-system", "get", "pods", "-o", "name").strip();
        product.kubectl("-n", "sikkerguard-system", "delete", "pod", "-l", "app.kubernetes.io/name=sikkerguard-operator");
        product.kubectl("-n", "sikkerguard-system", "rollout", "status", "deployment/sikkerguard-operator",
                "--timeout=120s");
        String current = product.kubectl("-n", "sikkerguard-system", "get", "pods", "-o", "name").strip();
        assertThat(current).isNotEqualTo(old);
        await("the new operator reconciled both").atMost(RealNodes.WAIT).until(() -> {
            String log = product.tryKubectl("-n", "sikkerguard-system", "logs", current).stdout();
            return log.contains(NAMESPACE + "/" + EDGE + " reconciled: status unchanged")
                    && log.contains(STAGING + "/staging reconciled: status unchanged");
        });
        assertThat(resourceVersions()).isEqualTo(versions);
        assertThat(applies()).isEqualTo(applies);
    }

    @Test
    @Order(7)
    void theAttackersAreReportedOnceByTheHubAndRepliesToTheNodesOwnConnectionsNever() {
        // Node 1's attacker knocked (step 1); node 2 only answered a connection of its own to its attacker.
        ThreatBlocklist reported = product.awaitBlocklist(NAMESPACE, EDGE, "a report round that sent something",
                b -> b.getStatus().getReporting() != null && b.getStatus().getReporting().acceptedTotal() != null
                        && b.getStatus().getReporting().acceptedTotal() >= 1);
        List<String> bodies = product.api().reports();
        assertThat(bodies).isNotEmpty();
        String first = bodies.get(0);
        assertThat(first.split(java.util.regex.Pattern.quote("\"" + KubeCluster.attackerAddress(1) + "\""), -1))
                .as("node 1's attacker, once").hasSize(2);
        assertThat(String.join("\n", bodies)).as("a reply to node 2's own connection is no attack")
                .doesNotContain("\"" + KubeCluster.attackerAddress(2) + "\"").doesNotContain(Scenario.KEY);
        assertThat(reported.getStatus().getReporting().quotaRemaining()).isNotNull();
        assertThat(reported.getStatus().getLastReport()).isNotNull();
        System.out.println("reporting: " + reported.getStatus().getReporting());
    }

    @Test
    @Order(8)
    void aCordonedNodeKeepsItsRulesAndStaysCounted() {
        product.kubectl("cordon", KubeCluster.nodeName(2));
        // The blocklist's own tolerations do not cover the cordon's taint; the DaemonSet controller's do. Its agent
        // restarts there and adopts the rules: a cordon is not a deselection.
        await("the cordon seen by the operator").atMost(Duration.ofSeconds(30)).until(() -> product.client().nodes()
                .withName(KubeCluster.nodeName(2)).get().getSpec().getUnschedulable() == Boolean.TRUE);
        Pod before = product.agentPod(NAMESPACE, EDGE, 2);
        KubeCluster.Follow lastWords = product.cluster().follow("-n", NAMESPACE, "logs", "-f",
                before.getMetadata().getName());
        product.kubectl("-n", NAMESPACE, "delete", "pod", before.getMetadata().getName(), "--wait=true");
        assertThat(lastWords.output(Duration.ofSeconds(30))).contains("Stopping for a restart")
                .doesNotContain("Removing this node's rules");
        await("a new agent on the cordoned node").atMost(RealNodes.WAIT).until(() -> {
            Pod pod = product.agentPod(NAMESPACE, EDGE, 2);
            return pod != null && !pod.getMetadata().getUid().equals(before.getMetadata().getUid())
                    && readySince(pod) != null;
        });
        assertThat(product.listed(2, NAMESPACE, EDGE, KubeCluster.attackerAddress(1))).isTrue();
        assertThat(product.client().configMaps().inNamespace(NAMESPACE).withName(EDGE + "-agent").get().getData()
                .get(com.sikkerapi.guard.api.AgentConfig.SELECTED_NODES_KEY)).as("still selected")
                .contains(KubeCluster.nodeName(2));
        ThreatBlocklist cordoned = product.awaitBlocklist(NAMESPACE, EDGE, "2/2 with a cordoned node",
                b -> ready(b, NODES));
        assertThat(cordoned.getStatus().getNodes().desired()).isEqualTo(NODES);
        product.kubectl("uncordon", KubeCluster.nodeName(2));
    }

    @Test
    @Order(9)
    void aKilledAgentIsRestartedByTheKubeletAndRestoresFromDiskBeforeAnyContact() {
        Pod pod = product.agentPod(NAMESPACE, EDGE, 1);
        String containerId = pod.getStatus().getContainerStatuses().get(0).getContainerID().replace("containerd://", "");
        // The kernel forgets the list (as after a reboot), so the restart has something to restore.
        product.cluster().node(1).run(LAUNCHER, "cleanup").check();
        assertThat(product.attackerReaches(1)).as("the kernel forgot").isTrue();
        product.cluster().ctr(1, "task", "kill", "--signal", "SIGKILL", containerId).check();
        await("the kubelet restarted the agent").atMost(RealNodes.WAIT).until(() -> {
            Pod now = product.agentPod(NAMESPACE, EDGE, 1);
            return now.getStatus().getContainerStatuses().get(0).getRestartCount() >= 1
                    && now.getStatus().getContainerStatuses().get(0).getState().getRunning() != null;
        });
        await("the restored list").atMost(RealNodes.WAIT).until(() ->
                product.agentLog(NAMESPACE, EDGE, 1).contains("Restored the last good list"));
        String log = product.agentLog(NAMESPACE, EDGE, 1);
        int restored = log.indexOf("Restored the last good list");
        int applied = log.indexOf("Enforcing ");
        assertThat(applied == -1 || restored < applied).as("restored before anything was read:\n" + log).isTrue();
        assertThat(product.listed(1, NAMESPACE, EDGE, KubeCluster.attackerAddress(1))).isTrue();
        assertThat(product.attackerReaches(1)).isFalse();
    }

    @Test
    @Order(10)
    void aRollingUpdateToANewImageLetsNoListedPacketThroughAndGoesNodeByNode() {
        // The same image under a new tag on every node, as a registry would serve an upgrade.
        for (int k = 1; k <= NODES; k++) {
            product.cluster().ctr(k, "images", "tag", "--force", KubeCluster.IMAGE, "localhost/sikkerguard:v2").check();
        }
        // Packets from node 1's attacker that get past the agent's hook reach mangle INPUT: count them there.
        var node1 = product.cluster().node(1);
        String counter = "-s " + KubeCluster.attackerAddress(1) + " -m comment --comment rolling-update-probe";
        node1.run("sh", "-c", "iptables-nft -t mangle -I INPUT " + counter).check();
        Process ping = product.cluster().attacker(1).start("ping", "-f", "-q", "-w", "300",
                KubeCluster.nodeAddressTowardsAttacker(1));
        try {
            product.kubectl("-n", "sikkerguard-system", "set", "env", "deployment/sikkerguard-operator",
                    "SIKKERGUARD_AGENT_IMAGE=localhost/sikkerguard:v2");
            await("every agent on the new image and Ready").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        for (int k = 1; k <= NODES; k++) {
                            Pod pod = product.agentPod(NAMESPACE, EDGE, k);
                            if (pod == null || !pod.getSpec().getContainers().get(0).getImage().endsWith(":v2")
                                    || readySince(pod) == null) {
                                return false;
                            }
                        }
                        return true;
                    });
        } finally {
            ping.destroy();
        }
        String passed = node1.run("iptables-nft", "-t", "mangle", "-L", "INPUT", "-v", "-n", "-x").output().lines()
                .filter(l -> l.contains("rolling-update-probe")).findFirst().orElseThrow();
        node1.run("sh", "-c", "iptables-nft -t mangle -D INPUT " + counter).check();
        node1.run("nft", "delete", "table", "ip", "mangle").check(); // the probe's table: the node had none
        long dropped = Long.parseLong(node1.run("sh", "-c", "iptables-nft -t raw -L " + Naming.of(NAMESPACE, EDGE).chain()
                + " -v -n -x | awk '$3 == \"DROP\" {print $1}'").output().strip());
        System.out.println("rolling update: attacker packets past the hook: " + passed.strip().split("\\s+")[0]
                + ", dropped by the agent's rule so far: " + dropped);
        assertThat(passed.strip().split("\\s+")[0]).as("packets from the listed attacker that reached the node")
                .isEqualTo("0");
        assertThat(dropped).isPositive();
        // The new agents adopted what was there (no gap, above) and left exactly one jump to their chain.
        assertThat(product.listed(1, NAMESPACE, EDGE, KubeCluster.attackerAddress(1))).isTrue();
        assertThat(node1.run("iptables-nft", "-t", "raw", "-S", "PREROUTING").output().lines()
                .filter(l -> l.contains(Naming.of(NAMESPACE, EDGE).chain())).count()).isEqualTo(1);
        // Node by node: the second node's new pod was made only once the first one's was Ready.
        List<Pod> pods = Stream.of(1, 2).map(k -> product.agentPod(NAMESPACE, EDGE, k))
                .sorted(java.util.Comparator.comparing(p -> Instant.parse(p.getMetadata().getCreationTimestamp())))
                .toList();
        assertThat(Instant.parse(pods.get(1).getMetadata().getCreationTimestamp()))
                .isAfterOrEqualTo(readySince(pods.get(0)));
        product.awaitBlocklist(NAMESPACE, EDGE, "Ready after the upgrade", b -> ready(b, NODES));
    }

    @Test
    @Order(11)
    void aCanaryWhoseSelfTestFailsRollsBackAndHaltsWithTheOtherNodesUntouched() {
        rollout.aCanaryWhoseSelfTestFailsRollsBackAndHaltsWithTheOtherNodesUntouched();
    }

    @Test
    @Order(12)
    void aNodeAddedLaterGetsItsAgentAndTheListAndDuringAHaltedRolloutThePreviousIdentity() {
        // The upgrade (step 10) replaced both blocklists' hubs too, each pulling once in full (a new hub has no
        // body at hand), the second one up to a minute later (the Recreate strategy waits for the kubelet to
        // delete the old pod): the count starts when both have.
        awaitHubOnTheNewImage(NAMESPACE, EDGE);
        awaitHubOnTheNewImage(STAGING, "staging");
        int requests = product.api().blacklistRequests();
        rollout.nodeUp3();
        ThreatBlocklist three = product.awaitBlocklist(NAMESPACE, EDGE, "Ready 3/3, all on the list",
                b -> ready(b, 3) && Integer.valueOf(3).equals(b.getStatus().getList().nodesOnList()));
        assertThat(product.listed(3, NAMESPACE, EDGE, KubeCluster.attackerAddress(1))).isTrue();
        assertThat(product.report(NAMESPACE, EDGE, 3).getSpec().getEntries()).isEqualTo(three.getStatus().getEntries());
        assertThat(product.report(NAMESPACE, EDGE, 3).getSpec().getListDigest())
                .isEqualTo(three.getStatus().getList().digest());
        assertThat(product.api().blacklistRequests()).as("a node joining costs no pull: %s",
                product.api().blacklistLog()).isEqualTo(requests);
        assertThat(product.attackerReaches(3)).as("node 3's own attacker (score 65)").isFalse();
        rollout.aNodeThatJoinsDuringAHaltGetsThePreviousAndARetryCompletesTheRollout();
    }

    @Test
    @Order(13)
    void aNewListReachesTheCanaryFirstAndTheOthersOnlyAfterTheSoak() {
        rollout.aNewListReachesTheCanaryFirstAndTheOthersOnlyAfterTheSoak();
    }

    @Test
    @Order(14)
    void dryRunWithCanaryZeroIsImmediateAndEnforcingAgainIsStaged() {
        try {
            rollout.dryRunWithCanaryZeroIsImmediateAndEnforcingAgainIsStaged();
        } finally {
            rollout.cleanUp();
        }
    }

    @Test
    @Order(15)
    void aRemovedNodeIsDropped() {
        product.cluster().nodeDown(3);
        product.kubectl("delete", "node", KubeCluster.nodeName(3));
        // What the pod garbage collector does to the pods of a deleted node after its quarantine of 40 s (fixed in
        // the controller): the test does it at once, as an admin would, since the wait tests nothing of ours.
        product.kubectl("delete", "pods", "-A", "--field-selector", "spec.nodeName=" + KubeCluster.nodeName(3),
                "--force", "--grace-period=0");
        ThreatBlocklist two = product.awaitBlocklist(NAMESPACE, EDGE, "2/2 without node 3",
                b -> ready(b, NODES) && b.getStatus().getNodes().desired() == NODES);
        assertThat(two.getStatus().getFailingNodes()).isNull();
    }

    @Test
    @Order(16)
    void deletingTheBlocklistsLeavesEveryNodeExactlyAsBefore() {
        List<KubeCluster.Follow> logs = new java.util.ArrayList<>();
        for (int k = 1; k <= NODES; k++) {
            logs.add(product.cluster().follow("-n", NAMESPACE, "logs", "-f",
                    product.agentPod(NAMESPACE, EDGE, k).getMetadata().getName()));
        }
        product.kubectl("-n", NAMESPACE, "delete", "tbl", EDGE);
        product.kubectl("-n", STAGING, "delete", "tbl", "staging");
        await("every agent pod gone").atMost(RealNodes.WAIT).until(() ->
                product.client().pods().inNamespace(NAMESPACE).list().getItems().isEmpty()
                        && product.client().pods().inNamespace(STAGING).list().getItems().isEmpty());
        for (int k = 1; k <= NODES; k++) {
            assertThat(logs.get(k - 1).output(Duration.ofSeconds(30))).as("node %d's agent", k)
                    .contains("Removing this node's rules and sets: the blocklist was deleted");
        }
        for (int k = 1; k <= NODES; k++) {
            assertThat(product.firewall(k)).as("node %d's firewall", k).isEqualTo(firewallsBefore.get(k));
        }
        assertThat(product.attackerReaches(1)).isTrue();
    }

    /** The blocklist's hub runs the upgrade's image and has pulled since it started. */
    private void awaitHubOnTheNewImage(String namespace, String blocklist) {
        await(namespace + "/" + blocklist + ": the hub on the new image, its first pull done")
                .atMost(RealNodes.WAIT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                    Pod hub = product.hubPod(namespace, blocklist);
                    String attempt = product.get(namespace, blocklist).getStatus().getList().lastAttempt();
                    return hub != null && hub.getSpec().getContainers().get(0).getImage().endsWith(":v2")
                            && hub.getStatus().getStartTime() != null && attempt != null
                            && !Instant.parse(attempt).isBefore(Instant.parse(hub.getStatus().getStartTime()));
                });
    }

    private static Instant readySince(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        return pod.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
                .filter(c -> "True".equals(c.getStatus())).map(PodCondition::getLastTransitionTime)
                .map(Instant::parse).findFirst().orElse(null);
    }

    /** Every object the operator manages or owns, and the blocklists themselves, by kind/namespace/name. */
    private Map<String, String> resourceVersions() {
        var client = product.client();
        Map<String, String> versions = new TreeMap<>();
        for (String namespace : List.of(NAMESPACE, STAGING)) {
            Stream.of(client.apps().daemonSets().inNamespace(namespace).list().getItems(),
                    client.configMaps().inNamespace(namespace).list().getItems(),
                    client.serviceAccounts().inNamespace(namespace).list().getItems(),
                    client.rbac().roles().inNamespace(namespace).list().getItems(),
                    client.rbac().roleBindings().inNamespace(namespace).list().getItems(),
                    client.resources(ThreatBlocklist.class).inNamespace(namespace).list().getItems())
                    .flatMap(List::stream).map(HasMetadata.class::cast)
                    .filter(o -> !o.getMetadata().getName().equals("kube-root-ca.crt"))
                    // The hub's objects: it writes them on its own timer (its record of each report round).
                    .filter(o -> o.getMetadata().getLabels() == null || !"sikkerguard-hub".equals(
                            o.getMetadata().getLabels().get("app.kubernetes.io/managed-by")))
                    .forEach(o -> versions.put(o.getKind() + "/" + namespace + "/" + o.getMetadata().getName(),
                            version(o)));
        }
        return versions;
    }

    /**
     * An object's resource version; for a blocklist, its generation and its status but what the hub's own timers
     * change (its report rounds every minute here, its pull times and its sources' answers): a change the operator
     * rightly writes.
     */
    private static String version(HasMetadata object) {
        if (object instanceof ThreatBlocklist blocklist && blocklist.getStatus() != null) {
            ThreatBlocklist copy = io.fabric8.kubernetes.client.utils.Serialization.clone(blocklist);
            copy.getStatus().setReporting(null);
            copy.getStatus().setLastReport(null);
            copy.getStatus().setLastPull(null);
            if (copy.getStatus().getList() != null) {
                var list = copy.getStatus().getList();
                copy.getStatus().setList(new com.sikkerapi.guard.api.ListStatus(list.result(), list.message(),
                        list.digest(), list.version(), list.entries(), list.bytes(), list.parts(), list.published(),
                        null, null, list.nodesOnList(), list.hub(), null));
            }
            return blocklist.getMetadata().getGeneration() + "/" + io.fabric8.kubernetes.client.utils.Serialization
                    .asJson(copy.getStatus());
        }
        return object.getMetadata().getResourceVersion();
    }

    /** How many lists each agent has applied so far (its log, from the kubelet). */
    private Map<String, Long> applies() {
        Map<String, Long> applies = new TreeMap<>();
        for (int k = 1; k <= NODES; k++) {
            for (String[] blocklist : new String[][] {{NAMESPACE, EDGE}, {STAGING, "staging"}}) {
                applies.put(k + "/" + blocklist[1], product.agentLog(blocklist[0], blocklist[1], k).lines()
                        .filter(l -> l.contains("Enforcing ") || l.contains("Dry-run: would block")).count());
            }
        }
        return applies;
    }
}
