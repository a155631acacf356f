package com.sikkerapi.guard.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sikkerapi.guard.agent.AgentLoop;
import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.BlockedSource;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.ReportStatus;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.SecretKeyRef;
import com.sikkerapi.guard.api.SikkerApiSource;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.DestinationPolicy;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.net.ListEncoding;
import com.sikkerapi.guard.report.BulkReporter;
import com.sikkerapi.guard.testing.FakeSikkerApi;
import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.LightweightAgents;
import com.sikkerapi.guard.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub against a real kube-apiserver and the local SikkerAPI: one pull for the cluster, the list published in
 * parts under its digest, an unchanged feed writing nothing, a half-written publication refused by its readers, the
 * attackers of every node reported once, and destinations it must never ask.
 */
@Tag("real-apiserver")
class HubOnRealApiServerTest {
    private static final KubeApiServer SERVER = KubeApiServer.shared();
    private static final String KEY = "sk-hub-test-7d1e";
    private static final FeedClient.Settings FAST = new FeedClient.Settings(Duration.ofSeconds(2),
            Duration.ofSeconds(10), 1 << 24, 0, Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofSeconds(1),
            "test");

    @TempDir
    Path dir;

    private KubernetesClient client;
    private FakeSikkerApi api;
    private String namespace;
    private AgentLoop.Config config;
    private HubRecord records;

    @BeforeEach
    void start(TestInfo test) throws IOException {
        namespace = "hub-" + Integer.toHexString(test.getDisplayName().hashCode() & 0xfffffff);
        SERVER.kubectlStdin(Manifests.namespace(namespace), "apply", "-f", "-").check();
        client = SERVER.client();
        api = new FakeSikkerApi(KEY).list("45.9.9.9", 99);
        Files.writeString(dir.resolve("api-key"), KEY + "\n");
        ThreatBlocklist blocklist = new ThreatBlocklist();
        blocklist.setMetadata(new ObjectMetaBuilder().withName("edge").withNamespace(namespace).build());
        blocklist.setSpec(spec());
        ThreatBlocklist created = client.resource(blocklist).create();
        config = new AgentLoop.Config(new AgentConfig("edge", namespace, created.getMetadata().getUid(), 1,
                Mode.Enforcing, ModeReason.Spec, spec()), List.of("10.200.0.0/24"));
        records = new HubRecord(client);
    }

    @AfterEach
    void stop() {
        api.close();
        client.namespaces().withName(namespace).delete();
        client.close();
    }

    private ThreatBlocklistSpec spec() {
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        SikkerApiSource sikkerapi = new SikkerApiSource();
        sikkerapi.setApiKeySecretRef(new SecretKeyRef("sikkerapi-key", "api-key"));
        sikkerapi.setEndpoint(api.endpoint());
        spec.getSource().setSikkerapi(sikkerapi);
        spec.getWhitelist().add("45.8.8.0/24");
        return spec;
    }

    private ListHub hub(DestinationPolicy policy) {
        return new ListHub(client, new FeedPuller(new FeedClient(FAST, Optional.empty(), () -> policy),
                dir.resolve("cache")), dir.resolve("api-key"), records);
    }

    private ConfigMap get(String name) {
        return client.configMaps().inNamespace(namespace).withName(name).get();
    }

    private List<String> versions(int parts, char slot) {
        List<String> versions = new ArrayList<>(List.of(get(ListPublication.pointerName("edge")).getMetadata()
                .getResourceVersion()));
        for (int index = 1; index <= parts; index++) {
            versions.add(get(ListPublication.partName("edge", slot, index)).getMetadata().getResourceVersion());
        }
        return versions;
    }

    private ListPublication.Loaded read() throws ListPublication.Unreadable {
        ListPublication.Pointer pointer = ListPublication.pointer(get(ListPublication.pointerName("edge")))
                .orElseThrow();
        return ListPublication.load(client, namespace, "edge", pointer.current());
    }

    @Test
    void onePullPublishesTheListUnderItsDigestAndAnUnchangedFeedWritesNothing() throws Exception {
        ListHub hub = hub(DestinationPolicy.ANY);
        ListHub.Pulled first = hub.cycle(config, true, true);
        assertThat(first.record().result()).isEqualTo("Published");
        assertThat(api.blacklistRequests()).isEqualTo(1);
        ListPublication.Loaded published = read();
        assertThat(published.digest()).isEqualTo(first.record().digest())
                .isEqualTo(ListEncoding.digest(ListEncoding.encode(first.list())));
        assertThat(published.list().v4().contains(0x2d090909L)).as("45.9.9.9 is listed").isTrue();
        assertThat(published.list().v4().contains(0x2d080808L)).as("the whitelist is left out").isFalse();
        assertThat(first.record().entries().total()).isEqualTo(first.list().cidrCountV4());
        assertThat(ListPublication.record(get(ListPublication.recordName("edge"))).digest())
                .isEqualTo(published.digest());
        List<String> before = versions(published.where().parts(), published.where().slot());

        ListHub.Pulled again = hub.cycle(config, false, true);
        assertThat(api.blacklistRequests()).as("one conditional request").isEqualTo(2);
        assertThat(again.record().result()).isEqualTo("Unchanged");
        assertThat(again.record().digest()).isEqualTo(first.record().digest());
        assertThat(versions(published.where().parts(), published.where().slot()))
                .as("the pointer and the parts are not written").isEqualTo(before);

        api.list("45.7.7.7", 95);
        ListHub.Pulled next = hub.cycle(config, false, true);
        assertThat(next.record().result()).isEqualTo("Published");
        ListPublication.Loaded current = read();
        assertThat(current.where().slot()).as("the other slot").isNotEqualTo(published.where().slot());
        assertThat(ListPublication.load(client, namespace, "edge", published.where()).digest())
                .as("the previous version stays readable").isEqualTo(published.digest());

        // A node joins: the cluster's ranges grow, and the list is validated again from the bodies at hand.
        AgentLoop.Config joined = new AgentLoop.Config(config.agent(), List.of("10.200.0.0/24", "45.7.7.0/24"));
        ListHub.Pulled revalidated = hub.cycle(joined, true, false);
        assertThat(api.blacklistRequests()).as("no request for a node joining").isEqualTo(3);
        assertThat(revalidated.record().result()).isEqualTo("Published");
        assertThat(read().list().v4().contains(0x2d070707L)).as("the new protected range is left out").isFalse();
    }

    @Test
    void aBlocklistMadeAgainUnderTheSameNameTakesNothingOfItsPredecessorsPublication() throws Exception {
        hub(DestinationPolicy.ANY).cycle(config, true, true);
        // Deleted and made again: a new uid, while the garbage collector has not yet taken the old objects.
        AgentLoop.Config again = new AgentLoop.Config(new AgentConfig("edge", namespace, "uid-of-the-new-one", 1,
                Mode.Enforcing, ModeReason.Spec, spec()), config.protectedRanges());
        records = new HubRecord(client);
        ListHub.Pulled first = hub(DestinationPolicy.ANY).cycle(again, true, true);
        assertThat(first.record().result()).as("published for the new one, not 'the list is the one published'")
                .isEqualTo("Published");
        assertThat(get(ListPublication.pointerName("edge")).getMetadata().getOwnerReferences())
                .extracting(io.fabric8.kubernetes.api.model.OwnerReference::getUid)
                .containsExactly("uid-of-the-new-one");
    }

    @Test
    void aListThatWaitsForTheNodesIsPublishedFromTheBodyAtHandWhenTheyMoveOn() throws Exception {
        ListHub hub = hub(DestinationPolicy.ANY);
        String v1 = hub.cycle(config, true, true).record().digest();
        api.list("45.7.7.7", 95);
        String v2 = hub.cycle(config, false, true).record().digest();
        // A node still on v1, in the slot the next list goes into.
        enforcing("a", v1);
        api.list("45.6.6.6", 95);
        ListHub.Pulled waiting = hub.cycle(config, false, true);
        assertThat(waiting.record().result()).isEqualTo("Waiting");
        assertThat(waiting.record().message()).contains("1 node(s) still enforce");
        assertThat(read().digest()).isEqualTo(v2);
        int requests = api.blacklistRequests();

        enforcing("a", v2);
        ListHub.Pulled retried = hub.cycle(config, true, false); // HubCommand's retry of a waiting list
        assertThat(retried.record().result()).isEqualTo("Published");
        assertThat(api.blacklistRequests()).as("the list was pulled already").isEqualTo(requests);
        assertThat(read().list().v4().contains(0x2d060606L)).as("45.6.6.6 is listed").isTrue();
    }

    private void enforcing(String node, String digest) {
        ThreatBlocklistNode report = new ThreatBlocklistNode();
        report.setMetadata(new ObjectMetaBuilder().withName("edge." + node).withNamespace(namespace)
                .withLabels(Map.of(ThreatBlocklistNode.BLOCKLIST_LABEL, "edge")).build());
        report.getSpec().setBlocklist("edge");
        report.getSpec().setNodeName(node);
        report.getSpec().setListDigest(digest);
        report.getSpec().setHeartbeat(Rfc3339.format(Instant.now()));
        client.resource(report).fieldManager("test").forceConflicts().serverSideApply();
    }

    @ParameterizedTest(name = "{0} node(s)")
    @ValueSource(ints = {1, 3, 10})
    void onePullPerIntervalWhateverTheNodeCount(int nodes) throws Exception {
        ListHub hub = hub(DestinationPolicy.ANY);
        try (LightweightAgents agents = new LightweightAgents(SERVER, namespace, "edge", nodes)) {
            ListHub.Pulled first = hub.cycle(config, true, true);
            agents.awaitAll(first.record().digest(), Duration.ofSeconds(30));
            // The nodes join one by one: the cluster's ranges change each time, and no request follows.
            List<String> ranges = new ArrayList<>(config.protectedRanges());
            for (int node = 1; node <= nodes; node++) {
                ranges.add("10.201." + node + ".0/24");
                ListHub.Pulled joined = hub.cycle(new AgentLoop.Config(config.agent(), List.copyOf(ranges)), true,
                        false);
                assertThat(joined.record().digest()).as("the list is the same").isEqualTo(first.record().digest());
            }
            assertThat(api.blacklistRequests()).as("one request for %d node(s)", nodes).isEqualTo(1);

            api.list("45.7.7.7", 95);
            ListHub.Pulled next = hub.cycle(config, false, true);
            agents.awaitAll(next.record().digest(), Duration.ofSeconds(30));
            assertThat(api.blacklistRequests()).as("the next interval: one more").isEqualTo(2);
        }
    }

    @Test
    void aFeedThatGrowsOnItsOwnIsRefusedAndASpecChangeOfTheSourcesIsANewBaseline() throws Exception {
        ListHub hub = hub(DestinationPolicy.ANY);
        AgentLoop.Config strict = withScoreMinimum(95);
        ListHub.Pulled first = hub.cycle(strict, true, true);
        assertThat(first.record().result()).isEqualTo("Published");
        long listed = api.listed(95);

        // The same query, more than twice the entries: a broken feed, refused; the published list stays.
        for (int k = 0; k <= 2 * listed; k++) {
            api.list("45.100." + (k >> 8) + "." + (k & 255), 99);
        }
        ListHub.Pulled grown = hub.cycle(strict, false, true);
        assertThat(grown.record().result()).isEqualTo("ListRejected");
        assertThat(grown.record().message()).contains("times the");
        assertThat(read().digest()).isEqualTo(first.record().digest());

        // The admin lowers the score minimum: what is asked changed, so the larger list is the new baseline.
        ListHub.Pulled lowered = hub.cycle(withScoreMinimum(94), true, true);
        assertThat(lowered.record().result()).isEqualTo("Published");
        assertThat(read().list().v4().contains(0x2d640000L)).as("45.100.0.0 is listed").isTrue();
        assertThat(ListPublication.pointer(get(ListPublication.pointerName("edge"))).orElseThrow().listed()).isGreaterThan(2 * listed);

        // ... and from there the rule holds again.
        long baseline = api.listed(94);
        for (int k = 0; k <= 2 * baseline; k++) {
            api.list("45.101." + (k >> 8) + "." + (k & 255), 99);
        }
        assertThat(hub.cycle(withScoreMinimum(94), false, true).record().result()).isEqualTo("ListRejected");
    }

    private AgentLoop.Config withScoreMinimum(int minimum) {
        ThreatBlocklistSpec spec = spec();
        spec.getSource().getSikkerapi().setScoreMinimum(minimum);
        return new AgentLoop.Config(new AgentConfig("edge", namespace, config.agent().uid(), 1, Mode.Enforcing,
                ModeReason.Spec, spec), config.protectedRanges());
    }

    @Test
    void theListTheNodesNotYetMovedEnforceStaysReadableForTheWholeRollout() throws Exception {
        ListHub hub = hub(DestinationPolicy.ANY);
        hub.cycle(config, true, true);
        ListPublication.Loaded stable = read();
        // The operator rolls out a newer list; the nodes not yet moved keep the stable one.
        com.sikkerapi.guard.api.Rollout rollout = new com.sikkerapi.guard.api.Rollout(
                new com.sikkerapi.guard.api.Rollout.Identity("target", "later"),
                new com.sikkerapi.guard.api.Rollout.Previous("stable", stable.digest(), config.agent()),
                List.of("node-1"), com.sikkerapi.guard.api.Rollout.Stage.Canary, 0, 3, "2026-12-01T10:00:00Z", null,
                null);
        AgentLoop.Config during = new AgentLoop.Config(config.agent(), config.protectedRanges(), rollout);
        api.list("45.7.7.7", 95);
        assertThat(hub.cycle(during, false, true).record().result()).isEqualTo("Published");
        ListPublication.Loaded second = read();
        assertThat(second.where().slot()).isNotEqualTo(stable.where().slot());
        api.list("45.7.7.8", 95);
        assertThat(hub.cycle(during, false, true).record().result()).as("no waiting for the nodes").isEqualTo(
                "Published");
        ListPublication.Loaded third = read();
        assertThat(third.where().slot()).as("the target's slot again, never the retained one")
                .isEqualTo(second.where().slot());
        ListPublication.Pointer pointer = ListPublication.pointer(get(ListPublication.pointerName("edge")))
                .orElseThrow();
        assertThat(pointer.locate(stable.digest())).contains(stable.where());
        assertThat(ListPublication.load(client, namespace, "edge", stable.where()).digest())
                .isEqualTo(stable.digest());
        assertThat(pointer.locate(second.digest())).as("overwritten").isEmpty();
    }

    @Test
    void theVersionACompleteRolloutAssignsStaysReadableHoweverManyListsFollow() throws Exception {
        ListHub hub = hub(DestinationPolicy.ANY);
        hub.cycle(config, true, true);
        ListPublication.Loaded assigned = read();
        // The rollout completed on that version; then the operator is away and the feed changes three times.
        com.sikkerapi.guard.api.Rollout complete = new com.sikkerapi.guard.api.Rollout(
                new com.sikkerapi.guard.api.Rollout.Identity("target", assigned.digest()), null, null,
                com.sikkerapi.guard.api.Rollout.Stage.Complete, 1, 1, "2026-12-01T10:00:00Z", null, null);
        AgentLoop.Config after = new AgentLoop.Config(config.agent(), config.protectedRanges(), complete);
        for (String attacker : List.of("45.7.7.1", "45.7.7.2", "45.7.7.3")) {
            api.list(attacker, 95);
            assertThat(hub.cycle(after, false, true).record().result()).isEqualTo("Published");
            assertThat(read().list().v4().contains(com.sikkerapi.guard.net.Cidr.parse(attacker).lo()))
                    .as("the newest list is the pointer's").isTrue();
            ListPublication.Pointer pointer = ListPublication.pointer(get(ListPublication.pointerName("edge")))
                    .orElseThrow();
            assertThat(pointer.locate(assigned.digest())).as("after " + attacker).isPresent();
            assertThat(ListPublication.load(client, namespace, "edge", pointer.locate(assigned.digest()).get())
                    .digest()).isEqualTo(assigned.digest());
        }
    }

    @Test
    void aHalfWrittenPublicationIsNeverRead() throws Exception {
        ListHub hub = hub(DestinationPolicy.ANY);
        hub.cycle(config, true, true);
        api.list("45.7.7.7", 95);
        hub.cycle(config, false, true);
        ListPublication.Loaded current = read();
        // The hub rewriting the slot the pointer names (it never does; a crash between writes looks like this).
        String part = ListPublication.partName("edge", current.where().slot(), 1);
        ConfigMap other = get(ListPublication.partName("edge", current.where().slot() == 'a' ? 'b' : 'a', 1));
        client.resource(new ConfigMapBuilder(get(part)).editMetadata().withManagedFields(List.of()).endMetadata()
                .withData(other.getData()).build()).update();
        assertThatThrownBy(this::read).isInstanceOf(ListPublication.Unreadable.class)
                .hasMessageContaining("another version");
        // Same digest label, other bytes: the digest of the whole catches it.
        client.resource(new ConfigMapBuilder(get(part)).editMetadata().withManagedFields(List.of()).endMetadata()
                .withData(Map.of(ListPublication.DIGEST, current.digest(), ListPublication.INDEX, "1",
                        ListPublication.PARTS, "1"))
                .withBinaryData(other.getBinaryData()).build()).update();
        assertThatThrownBy(this::read).isInstanceOf(ListPublication.Unreadable.class)
                .hasMessageContaining("do not make the list");
    }

    @Test
    void aKeyWithANewlineIsNeverSentAndTheRecordHoldsNoneOfIt() throws Exception {
        Files.writeString(dir.resolve("api-key"), KEY + "\nsecond-line-of-it\n");
        ListHub.Pulled refused = hub(DestinationPolicy.ANY).cycle(config, true, true);
        assertThat(refused.record().result()).isEqualTo("PullFailed");
        assertThat(refused.record().message()).contains("not visible ASCII").doesNotContain(KEY)
                .doesNotContain("second-line");
        assertThat(api.blacklistRequests()).as("nothing asked").isZero();
        assertThat(get(ListPublication.recordName("edge")).getData().toString()).doesNotContain(KEY)
                .doesNotContain("second-line");
    }

    @Test
    void loopbackIsNeverAskedAndTheRecordSaysWhy() throws Exception {
        ListHub.Pulled refused = hub(DestinationPolicy.of(true, config.protectedRanges(), List.of())).cycle(config, true, true);
        assertThat(refused.record().result()).isEqualTo("DestinationRefused");
        assertThat(refused.record().message()).contains("127.0.0.1").doesNotContain(KEY);
        assertThat(api.blacklistRequests()).isZero();
        assertThat(get(ListPublication.pointerName("edge"))).as("nothing published").isNull();
    }

    /**
     * A node's report of these sources, naming the list it enforces: the hub lists them first (SikkerAPI lists
     * them, the hub publishes), as a real node blocks only what its list holds.
     */
    private void nodeReport(String node, Instant until, BlockedSource... sources) {
        for (BlockedSource source : sources) {
            api.list(source.source(), 99);
        }
        try {
            hub(DestinationPolicy.ANY).cycle(config, false, true);
            nodeReport("edge." + node, node, read().digest(), until, sources);
        } catch (IOException | ListPublication.Unreadable e) {
            throw new IllegalStateException(e);
        }
    }

    private void nodeReport(String name, String node, String digest, Instant until, BlockedSource... sources) {
        ThreatBlocklistNode report = new ThreatBlocklistNode();
        report.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .withLabels(Map.of(ThreatBlocklistNode.BLOCKLIST_LABEL, "edge")).build());
        report.getSpec().setBlocklist("edge");
        report.getSpec().setNodeName(node);
        report.getSpec().setListDigest(digest);
        report.getSpec().setBlockedSources(List.of(sources));
        report.getSpec().setBlockedSourcesUntil(Rfc3339.format(until));
        client.resource(report).fieldManager("test").forceConflicts().serverSideApply();
    }

    /** A hub's reporting, as its process holds it, with this record. */
    private HubReports reports(HubRecord record) {
        return new HubReports(client, new BulkReporter(new BulkReporter.Settings(Duration.ofSeconds(5), 0,
                Duration.ofMillis(10), Duration.ofSeconds(1), "test")), dir.resolve("api-key"), record);
    }

    private static BlockedSource ssh(String address, long packets) {
        return new BlockedSource(address, packets, "TCP", 22, "ssh");
    }

    @Test
    void everyNodesAttackersAreReportedOnceInOneBulkReport() {
        HubReports reports = reports(records);
        Instant until = Instant.parse("2026-12-01T10:00:00Z");
        api.refuseReports("46.6.6.6");
        for (String node : List.of("a", "b", "c")) {
            nodeReport(node, until, ssh("45.9.9.9", 10), ssh("46.6.6.6", 1), ssh("10.1.2.3", 5),
                    ssh("45.8.8.8", 3), ssh("10.200.0.7", 2));
        }
        nodeReport("d", until, ssh("47." + 1 + ".1.1", 2));
        ReportStatus first = reports.round(config);
        assertThat(api.reports()).hasSize(1);
        String body = api.reports().get(0);
        assertThat(body.split("45\\.9\\.9\\.9", -1)).as("once, from three nodes").hasSize(2);
        assertThat(body).contains("30 packets").contains("47.1.1.1")
                .doesNotContain("10.1.2.3").as("whitelisted").doesNotContain("45.8.8.8")
                .as("the cluster's own").doesNotContain("10.200.0.7").doesNotContain(KEY);
        assertThat(first.result()).isEqualTo("Reported");
        assertThat(first.addresses()).isEqualTo(3);
        assertThat(first.accepted()).as("what the answer says").isEqualTo(2);
        assertThat(first.nodes()).isEqualTo(4);
        assertThat(first.quotaRemaining()).isEqualTo(997);
        assertThat(ListPublication.reportRecord(get(ListPublication.recordName("edge")))).isEqualTo(first);

        assertThat(reports.round(config).result()).as("no node has a new interval").isEqualTo("Nothing");
        assertThat(api.reports()).hasSize(1);

        api.quota(0);
        nodeReport("a", until.plusSeconds(3600), ssh("45.5.5.5", 4));
        ReportStatus spent = reports.round(config);
        assertThat(spent.result()).isEqualTo("Stopped");
        assertThat(spent.message()).contains("HTTP 429");
        assertThat(spent.waiting()).isEqualTo(1);
        assertThat(spent.quotaRemaining()).isZero();
        api.quota(100);
        ReportStatus later = reports.round(config);
        assertThat(later.accepted()).as("what waited goes next, once").isEqualTo(1);
        assertThat(api.reports()).hasSize(2);
        assertThat(api.reports().get(1)).contains("45.5.5.5").doesNotContain("45.9.9.9");
    }

    @Test
    void aReportOfAnAddressItsListDoesNotHoldOrForAnotherNodeSendsNothing() throws Exception {
        HubReports reports = reports(records);
        Instant until = Instant.parse("2026-12-01T13:00:00Z");
        nodeReport("a", until, ssh("45.4.4.4", 1));
        String digest = read().digest();
        // A compromised node: an address no list holds under its own name, a report named for another node, and
        // one that names no published list.
        nodeReport("edge.b", "b", digest, until, ssh("45.4.4.4", 1), ssh("46.9.9.9", 9));
        nodeReport("edge.x", "c", digest, until, ssh("46.9.9.8", 1));
        nodeReport("edge.d", "d", "0".repeat(64), until, ssh("46.9.9.7", 1));
        ReportStatus round = reports.round(config);
        assertThat(api.reports()).hasSize(1);
        assertThat(api.reports().get(0)).contains("45.4.4.4").doesNotContain("46.9.9.9").doesNotContain("46.9.9.8")
                .doesNotContain("46.9.9.7");
        assertThat(round.addresses()).isEqualTo(1);
        assertThat(round.nodes()).as("a, b and d; the report named for another node is not taken").isEqualTo(3);
    }

    @Test
    void anIntervalCollectedBetweenRoundsIsReportedWithTheNextOne() {
        HubReports reports = reports(records);
        Instant until = Instant.parse("2026-12-01T11:00:00Z");
        nodeReport("a", until, ssh("45.1.1.1", 3));
        reports.collect(config);
        // The node's next interval replaces the first in its report before the round.
        nodeReport("a", until.plusSeconds(60), ssh("45.2.2.2", 4));
        ReportStatus round = reports.round(config);
        assertThat(api.reports()).hasSize(1);
        assertThat(api.reports().get(0)).contains("45.1.1.1").contains("45.2.2.2");
        assertThat(round.addresses()).isEqualTo(2);
        assertThat(round.nodes()).as("one node, two intervals").isEqualTo(1);
    }

    @Test
    void aHubThatReplacesAnotherSendsNothingThatItsPredecessorTook() {
        Instant until = Instant.parse("2026-12-01T12:00:00Z");
        nodeReport("a", until, ssh("45.1.1.1", 3));
        nodeReport("b", until, ssh("45.2.2.2", 2));
        reports(records).round(config);
        assertThat(api.reports()).hasSize(1);
        // The hub's pod replaced: a new process (nothing in memory), the same record.
        HubReports next = reports(new HubRecord(client));
        assertThat(next.round(config).result()).isEqualTo("Nothing");
        assertThat(api.reports()).hasSize(1);
        nodeReport("a", until.plusSeconds(60), ssh("45.3.3.3", 1));
        assertThat(next.round(config).addresses()).isEqualTo(1);
        assertThat(api.reports()).hasSize(2);
        assertThat(api.reports().get(1)).contains("45.3.3.3").doesNotContain("45.1.1.1").doesNotContain("45.2.2.2");
        // A node whose report is gone loses its mark: the record does not grow with the nodes that come and go.
        client.resources(ThreatBlocklistNode.class).inNamespace(namespace).withName("edge.b").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.resources(ThreatBlocklistNode.class)
                .inNamespace(namespace).withName("edge.b").get() == null);
        next.collect(config);
        assertThat(ListPublication.taken(get(ListPublication.recordName("edge")))).containsOnlyKeys("a");
    }
}
