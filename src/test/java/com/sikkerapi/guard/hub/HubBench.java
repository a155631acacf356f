package com.sikkerapi.guard.hub;

import com.sikkerapi.guard.agent.AgentLoop;
import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.BlockedSource;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.SecretKeyRef;
import com.sikkerapi.guard.api.SikkerApiSource;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.DestinationPolicy;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.report.BulkReporter;
import com.sikkerapi.guard.testing.FakeSikkerApi;
import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.LightweightAgents;
import com.sikkerapi.guard.testing.Manifests;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `make bench`: one hub and 1, 10 or 50 lightweight agents on a real kube-apiserver, with the local SikkerAPI
 * (FireHOL level1 with scores). Each agent watches the pointer with the agent's own client, reads and verifies the
 * parts by name, and writes its node report with the attackers it blocked (one shared by every node, one of its own).
 * Prints, per node count: blacklist requests per pull, the shared attacker's entries in the bulk report, the report's
 * entries, and the time from a new feed version to every node holding it. A benchmark, not a test.
 */
public final class HubBench {
    private static final String KEY = "sk-bench";

    private HubBench() {
    }

    public static void main(String[] args) throws Exception {
        try (KubeApiServer server = KubeApiServer.startWithCrds(); FakeSikkerApi api = new FakeSikkerApi(KEY)) {
            for (int nodes : new int[] {1, 10, 50}) {
                System.out.println(round(server, api, nodes));
            }
        }
        System.exit(0); // the clients' event-loop threads do not end the JVM by themselves
    }

    private static String round(KubeApiServer server, FakeSikkerApi api, int nodes) throws Exception {
        String namespace = "bench-" + nodes;
        server.kubectlStdin(Manifests.namespace(namespace), "apply", "-f", "-").check();
        Path dir = Files.createTempDirectory("hub-bench");
        Files.writeString(dir.resolve("api-key"), KEY);
        try (KubernetesClient client = server.client()) {
            ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
            SikkerApiSource sikkerapi = new SikkerApiSource();
            sikkerapi.setApiKeySecretRef(new SecretKeyRef("sikkerapi-key", "api-key"));
            sikkerapi.setEndpoint(api.endpoint());
            spec.getSource().setSikkerapi(sikkerapi);
            ThreatBlocklist blocklist = new ThreatBlocklist();
            blocklist.setMetadata(new ObjectMetaBuilder().withName("edge").withNamespace(namespace).build());
            blocklist.setSpec(spec);
            String uid = client.resource(blocklist).create().getMetadata().getUid();
            AgentLoop.Config config = new AgentLoop.Config(new AgentConfig("edge", namespace, uid, 1, Mode.Enforcing,
                    ModeReason.Spec, spec), List.of());
            HubRecord records = new HubRecord(client);
            ListHub hub = new ListHub(client, new FeedPuller(new FeedClient(FeedClient.Settings.DEFAULTS,
                    Optional.empty(), () -> DestinationPolicy.ANY), dir.resolve("cache")), dir.resolve("api-key"),
                    records);
            LightweightAgents agents = new LightweightAgents(server, namespace, "edge", nodes);
            int before = api.blacklistRequests();
            ListHub.Pulled first = hub.cycle(config, true, true);
            int perPull = api.blacklistRequests() - before;
            agents.awaitAll(first.record().digest(), Duration.ofSeconds(60));

            // A new feed version: the time until every node holds it.
            api.list("45." + nodes + ".9.9", 99);
            long start = System.nanoTime();
            ListHub.Pulled next = hub.cycle(config, false, true);
            agents.awaitAll(next.record().digest(), Duration.ofSeconds(60));
            long propagated = (System.nanoTime() - start) / 1_000_000;

            int reportsBefore = api.reports().size();
            ReportStatusRow row = report(client, namespace, config, records, dir, nodes);
            List<String> bodies = api.reports().subList(reportsBefore, api.reports().size());
            String all = String.join("\n", bodies);
            int shared = all.split("\"45\\.200\\.200\\.200\"", -1).length - 1;
            agents.close();
            client.namespaces().withName(namespace).delete();
            return String.format("| %d | %d | %d | %d in %d request(s) | %d ms |", nodes, perPull, shared,
                    row.addresses(), bodies.size(), propagated);
        }
    }

    private record ReportStatusRow(int addresses) {
    }

    /** Every node reports the shared attacker and one of its own; one round of the hub's reports. */
    private static ReportStatusRow report(KubernetesClient client, String namespace, AgentLoop.Config config,
            HubRecord records, Path dir, int nodes) {
        String until = Rfc3339.format(Instant.now());
        for (int k = 1; k <= nodes; k++) {
            ThreatBlocklistNode report = new ThreatBlocklistNode();
            report.setMetadata(new ObjectMetaBuilder().withName("edge.node-" + k).withNamespace(namespace)
                    .withLabels(Map.of(ThreatBlocklistNode.BLOCKLIST_LABEL, "edge")).build());
            report.getSpec().setBlocklist("edge");
            report.getSpec().setNodeName("node-" + k);
            report.getSpec().setBlockedSources(List.of(new BlockedSource("45.200.200.200", 12, "TCP", 22, "ssh"),
                    new BlockedSource("46.1." + (k >> 8) + "." + (k & 255), 3, "TCP", 23, "telnet")));
            report.getSpec().setBlockedSourcesUntil(until);
            client.resource(report).fieldManager("bench").forceConflicts().serverSideApply();
        }
        var status = new HubReports(client, new BulkReporter(BulkReporter.Settings.DEFAULTS), dir.resolve("api-key"),
                records).round(config);
        return new ReportStatusRow(status.addresses());
    }
}
