package com.sikkerapi.guard.operator;

import static com.sikkerapi.guard.operator.Fixtures.blocklist;
import static com.sikkerapi.guard.operator.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    private static final StatusAggregator.Hub HUB = new StatusAggregator.Hub(
            Fixtures.published(NOW.minusSeconds(60), "Published", 6010, 70), null, true);

    private static ThreatBlocklistStatus fold(ThreatBlocklist blocklist, Set<String> desired,
            List<ThreatBlocklistNode> reports, Instant now) {
        return fold(blocklist, desired, reports, HUB, now);
    }

    private static ThreatBlocklistStatus fold(ThreatBlocklist blocklist, Set<String> desired,
            List<ThreatBlocklistNode> reports, StatusAggregator.Hub hub, Instant now) {
        return StatusAggregator.fold(blocklist, List.of(), Mode.Enforcing, ModeReason.Spec, desired, desired.size(),
                reports, hub, now);
    }

    @Test
    void allNodesOnTheCurrentGenerationAreReady() {
        ThreatBlocklist blocklist = blocklist("edge", 3);
        var reports = List.of(report("edge", "a", NodePhase.Enforcing, 3, NOW, 6000, 70),
                report("edge", "b", NodePhase.Enforcing, 3, NOW.minusSeconds(30), 6010, 70));
        ThreatBlocklistStatus status = fold(blocklist, Set.of("a", "b"), reports, NOW);
        assertThat(status.getNodes().summary()).isEqualTo("2/2");
        assertThat(status.getEntries().total()).as("the published list's").isEqualTo(6080);
        assertThat(status.getLastPull()).as("the hub's").isEqualTo("2026-11-23T09:59:00Z");
        assertThat(status.getList().nodesOnList()).isEqualTo(2);
        assertThat(status.getList().hub()).isEqualTo("Available");
        assertThat(StatusAggregator.find(status, "Published").getStatus()).isEqualTo("True");
        assertThat(StatusAggregator.find(status, "Published").getMessage())
                .isEqualTo("2/2 nodes on list 5e1f0c5e1f0c");
        assertThat(status.getObservedGeneration()).isEqualTo(3);
        assertThat(StatusAggregator.find(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(StatusAggregator.find(status, "Ready").getObservedGeneration()).isEqualTo(3);
        assertThat(StatusAggregator.find(status, "Degraded").getStatus()).isEqualTo("False");
    }

    @Test
    void theStatusSaysWhereTheListCameFrom() {
        var sources = List.of(new com.sikkerapi.guard.api.SourceStatus("feed-local", "https://feeds.example/l?t=***",
                304, "2026-11-23T09:59:00Z", 41L));
        var record = Fixtures.published(NOW.minusSeconds(60), "Unchanged", 41, 0);
        var hub = new StatusAggregator.Hub(com.sikkerapi.guard.api.ListStatus.kept(record, "Unchanged",
                "no source changed", "2026-11-23T09:59:00Z", true, sources), null, true);
        ThreatBlocklistStatus status = fold(blocklist("edge", 1), Set.of("a"), List.of(), hub, NOW);
        assertThat(status.getList().sources()).isEqualTo(sources);
        assertThat(Serialization.asJson(status)).contains("\"httpStatus\":304");
    }

    @Test
    void olderGenerationsStaleHeartbeatsAndFailuresAreNotReady() {
        ThreatBlocklist blocklist = blocklist("edge", 4);
        ThreatBlocklistNode failed = report("edge", "c", NodePhase.Failed, 4, NOW, 0, 0);
        failed.getSpec().setLastErrorReason("ApplyFailed");
        failed.getSpec().setLastErrorMessage("connect timed out");
        var reports = List.of(report("edge", "a", NodePhase.Enforcing, 3, NOW, 1, 0),
                report("edge", "b", NodePhase.Enforcing, 4, NOW.minus(Duration.ofMinutes(16)), 1, 0), failed,
                report("edge", "gone", NodePhase.Enforcing, 4, NOW, 1, 0));
        ThreatBlocklistStatus status = fold(blocklist, Set.of("a", "b", "c", "d"), reports, NOW);
        assertThat(status.getNodes().summary()).isEqualTo("0/4");
        assertThat(status.getNodes().failed()).isEqualTo(2);
        assertThat(status.getFailingNodes()).extracting(f -> f.node() + ":" + f.reason())
                .containsExactly("b:AgentNotReporting", "c:ApplyFailed");
        assertThat(StatusAggregator.find(status, "Ready").getReason()).isEqualTo("NodesFailing");
        assertThat(StatusAggregator.find(status, "Degraded").getMessage())
                .isEqualTo("2 node(s) failing: b (AgentNotReporting), c (ApplyFailed)");
    }

    @Test
    void invalidSpecNamesTheFieldAndNoNodesIsSaidPlainly() {
        ThreatBlocklist blocklist = blocklist("edge", 2);
        ThreatBlocklistStatus status = StatusAggregator.fold(blocklist, List.of("spec.pullInterval: at least 1m"),
                Mode.Enforcing, ModeReason.Spec, Set.of("a"), 1, List.of(), HUB, NOW);
        assertThat(StatusAggregator.find(status, "Ready").getReason()).isEqualTo("InvalidSpec");
        assertThat(StatusAggregator.find(status, "Ready").getMessage()).startsWith("spec.pullInterval: at least 1m");
        status = fold(blocklist, Set.of(), List.of(), NOW);
        assertThat(StatusAggregator.find(status, "Ready").getReason()).isEqualTo("NoNodes");
    }

    @Test
    void unchangedInputsGiveAnEqualStatusAndKeepTransitionTimes() {
        ThreatBlocklist blocklist = blocklist("edge", 1);
        var reports = List.of(report("edge", "a", NodePhase.Enforcing, 1, NOW, 5, 0));
        ThreatBlocklistStatus first = fold(blocklist, Set.of("a"), reports, NOW);
        blocklist.setStatus(first);
        ThreatBlocklistStatus second = fold(blocklist, Set.of("a"), reports, NOW.plusSeconds(120));
        assertThat(second).isEqualTo(first);
        assertThat(StatusAggregator.find(second, "Ready").getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
        blocklist.setStatus(second);
        ThreatBlocklistStatus third = fold(blocklist, Set.of("a", "b"), reports, NOW.plusSeconds(240));
        assertThat(StatusAggregator.find(third, "Ready").getLastTransitionTime()).isEqualTo("2026-11-23T10:04:00Z");
    }

    @Test
    void thousandsOfNodesFoldFastIntoASmallObject() {
        ThreatBlocklist blocklist = blocklist("edge", 7);
        Set<String> desired = new TreeSet<>();
        List<ThreatBlocklistNode> reports = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String node = "node-" + i;
            desired.add(node);
            NodePhase phase = i % 50 == 0 ? NodePhase.Degraded : NodePhase.Enforcing;
            ThreatBlocklistNode report = report("edge", node, phase, 7, NOW, 6273, 78);
            report.getSpec().setLastErrorReason(phase == NodePhase.Degraded ? "SelfTestFailed" : null);
            reports.add(report);
        }
        ThreatBlocklistStatus status = null;
        for (int round = 0; round < 20; round++) {
            status = fold(blocklist, desired, reports, NOW);
        }
        assertThat(status.getNodes()).isEqualTo(com.sikkerapi.guard.api.NodeCounts.of(5000, 4900, 100));
        assertThat(status.getFailingNodes()).hasSize(ThreatBlocklistStatus.MAX_FAILING_NODES);
        assertThat(StatusAggregator.find(status, "Degraded").getMessage()).endsWith("and 97 more");
        blocklist.setStatus(status);
        assertThat(Serialization.asJson(blocklist).length()).as("the whole object, serialised").isLessThan(4096);
    }

    @Test
    void nodesOnAnotherDigestAFailedPullAndAnUnavailableHubShow() {
        ThreatBlocklist blocklist = blocklist("edge", 2);
        ThreatBlocklistNode behind = report("edge", "b", NodePhase.Enforcing, 2, NOW, 6000, 0);
        behind.getSpec().setListDigest("0".repeat(64));
        var reports = List.of(report("edge", "a", NodePhase.Enforcing, 2, NOW, 6000, 0), behind);
        ThreatBlocklistStatus onePulling = fold(blocklist, Set.of("a", "b"), reports, HUB, NOW);
        assertThat(onePulling.getList().nodesOnList()).isEqualTo(1);
        assertThat(onePulling.getNodes().summary()).as("one is still on the version before").isEqualTo("1/2");
        assertThat(StatusAggregator.find(onePulling, "Ready").getReason()).isEqualTo("RollingOut");

        var failed = new StatusAggregator.Hub(new com.sikkerapi.guard.api.ListStatus("DestinationRefused",
                "feed-x: refused http://169.254.169.254/: it resolves to 169.254.169.254", Fixtures.DIGEST,
                "5e1f0c5e1f0c", com.sikkerapi.guard.api.EntryCounts.of(6000, 0), 1000L, 1, "2026-11-23T08:00:00Z",
                "2026-11-23T08:00:00Z", "2026-11-23T09:59:00Z", null, null, null), null, true);
        var refused = StatusAggregator.find(fold(blocklist, Set.of("a", "b"), reports, failed, NOW), "Published");
        assertThat(refused.getStatus()).isEqualTo("False");
        assertThat(refused.getReason()).isEqualTo("DestinationRefused");
        assertThat(refused.getMessage()).contains("169.254.169.254").contains("1/2 nodes on list 5e1f0c5e1f0c");

        var onList = List.of(report("edge", "a", NodePhase.Enforcing, 2, NOW, 6000, 0),
                report("edge", "b", NodePhase.Enforcing, 2, NOW, 6000, 0));
        var down = fold(blocklist, Set.of("a", "b"), onList, new StatusAggregator.Hub(HUB.record(), null, false), NOW);
        assertThat(StatusAggregator.find(down, "Published").getReason()).isEqualTo("HubUnavailable");
        assertThat(down.getList().hub()).isEqualTo("Unavailable");
        assertThat(StatusAggregator.find(down, "Ready").getStatus()).as("the nodes keep enforcing").isEqualTo("True");
    }
}
