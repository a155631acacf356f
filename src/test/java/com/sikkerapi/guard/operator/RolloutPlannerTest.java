package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.Rollout;
import com.sikkerapi.guard.api.RolloutSpec;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The staged rollout's decisions, one reconcile at a time, on a simulated clock and simulated node reports. */
class RolloutPlannerTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final AgentConfig OLD = config(Mode.Enforcing, "10.9.9.9");
    private static final AgentConfig NEW = config(Mode.Enforcing, "10.9.9.10");

    private final Map<String, ThreatBlocklistNodeSpec> reports = new HashMap<>();
    private final List<String> notReady = new ArrayList<>();
    private final List<String> canaryLabelled = new ArrayList<>();
    private List<String> nodes = new ArrayList<>(List.of("n1", "n2", "n3", "n4", "n5"));
    private Instant now = T0;
    private RolloutPlanner.Settings settings = settings(1, "2", "5s", "10m");

    private static AgentConfig config(Mode mode, String whitelisted) {
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        spec.setWhitelist(List.of(whitelisted));
        return new AgentConfig("edge", "security", "uid", 1, mode,
                mode == Mode.Enforcing ? ModeReason.Spec : ModeReason.SpecDryRun, spec);
    }

    private static RolloutPlanner.Settings settings(int canary, String batch, String soak, String timeout) {
        RolloutSpec spec = new RolloutSpec();
        spec.setCanary(canary);
        spec.setBatch(batch);
        spec.setSoak(soak);
        spec.setTimeout(timeout);
        return RolloutPlanner.Settings.of(spec, false);
    }

    private List<RolloutPlanner.NodeView> views() {
        return nodes.stream().map(name -> new RolloutPlanner.NodeView(name, !notReady.contains(name),
                canaryLabelled.contains(name), reports.get(name))).toList();
    }

    private RolloutPlanner.Result plan(Rollout last, AgentConfig lastConfig, Rollout.Identity target, String retry) {
        return RolloutPlanner.plan(last, lastConfig, target, views(), settings, retry,
                (report, at) -> !Rfc3339.parse(report.getHeartbeat()).plus(Duration.ofMinutes(3)).isBefore(at), now);
    }

    private RolloutPlanner.Result plan(Rollout last, Rollout.Identity target) {
        return plan(last, NEW, target, null);
    }

    /** The agents do what the rollout assigns them, at once: each enforces its assignment's identity. */
    private void agentsFollow(Rollout rollout) {
        for (String node : nodes) {
            Rollout.Assignment assignment = rollout.assignment(node, NEW);
            if (assignment.identity() != null) {
                enforcing(node, assignment.identity());
            }
        }
    }

    private void enforcing(String node, String identity) {
        ThreatBlocklistNodeSpec report = reports.computeIfAbsent(node, n -> new ThreatBlocklistNodeSpec());
        report.setNodeName(node);
        report.setPhase(NodePhase.Enforcing);
        if (!identity.equals(report.getIdentity())) {
            report.setIdentity(identity);
            report.setIdentitySince(Rfc3339.format(now));
        }
        report.setLastErrorReason(null);
        report.setLastErrorIdentity(null);
        report.setHeartbeat(Rfc3339.format(now));
    }

    private void failed(String node, String identity, String reason) {
        ThreatBlocklistNodeSpec report = reports.computeIfAbsent(node, n -> new ThreatBlocklistNodeSpec());
        report.setNodeName(node);
        report.setPhase(NodePhase.Degraded);
        report.setLastErrorReason(reason);
        report.setLastErrorMessage("the list broke gateway 10.0.0.1; rolled back");
        report.setLastErrorIdentity(identity);
        report.setHeartbeat(Rfc3339.format(now));
    }

    private void pass(Duration time) {
        now = now.plus(time);
        reports.values().forEach(report -> report.setHeartbeat(Rfc3339.format(now)));
    }

    private Rollout stable() {
        Rollout.Identity old = Identities.of("d1", OLD);
        Rollout complete = new Rollout(old, null, null, Rollout.Stage.Complete, 1, 1, Rfc3339.format(now), null, null);
        nodes.forEach(node -> enforcing(node, old.identity()));
        return complete;
    }

    @Test
    void aNewIdentityGoesToTheCanaryThenInBatchesEachAfterTheSoak() {
        Rollout last = stable();
        Rollout.Identity target = Identities.of("d2", NEW);
        canaryLabelled.add("n4");

        RolloutPlanner.Result started = plan(last, OLD, target, null);
        Rollout canary = started.rollout();
        assertThat(canary.stage()).isEqualTo(Rollout.Stage.Canary);
        assertThat(canary.onTarget()).as("the labelled node first").containsExactly("n4");
        assertThat(canary.stages()).as("canary, then 4 nodes in batches of 2").isEqualTo(3);
        assertThat(canary.previous().identity()).isEqualTo(last.target().identity());
        assertThat(canary.previous().config()).isSameAs(OLD);
        assertThat(canary.retainedDigest()).contains("d1");
        assertThat(started.events()).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("RolloutStarted"));
        assertThat(canary.assignment("n1", NEW).identity()).isEqualTo(last.target().identity());
        assertThat(canary.assignment("n1", NEW).config()).isSameAs(OLD);
        assertThat(canary.assignment("n4", NEW).digest()).isEqualTo("d2");

        // Not there yet: waiting, with a recheck at the deadline.
        RolloutPlanner.Result waiting = plan(canary, target);
        assertThat(waiting.rollout()).isEqualTo(canary);
        assertThat(waiting.message()).contains("waiting for n4");

        agentsFollow(canary);
        pass(Duration.ofSeconds(3));
        RolloutPlanner.Result soaking = plan(canary, target);
        assertThat(soaking.rollout()).isEqualTo(canary);
        assertThat(soaking.recheck()).as("whole seconds: from the end of the second it was reported")
                .isEqualTo(Duration.ofSeconds(3));

        pass(Duration.ofSeconds(3));
        Rollout batch1 = plan(canary, target).rollout();
        assertThat(batch1.stage()).isEqualTo(Rollout.Stage.Batch);
        assertThat(batch1.stageName()).isEqualTo("Batch 1/2");
        assertThat(batch1.onTarget()).containsExactly("n4", "n1", "n2");
        assertThat(reports.get("n1").getIdentity()).as("n1 was not told before").isEqualTo(last.target().identity());

        agentsFollow(batch1);
        pass(Duration.ofSeconds(6));
        Rollout batch2 = plan(batch1, target).rollout();
        assertThat(batch2.stageName()).isEqualTo("Batch 2/2");
        assertThat(batch2.onTarget()).containsExactlyInAnyOrder("n1", "n2", "n3", "n4", "n5");

        agentsFollow(batch2);
        pass(Duration.ofSeconds(6));
        RolloutPlanner.Result done = plan(batch2, target);
        assertThat(done.rollout().stage()).isEqualTo(Rollout.Stage.Complete);
        assertThat(done.rollout().onTarget()).as("every node, joining ones too").isNull();
        assertThat(done.rollout().previous()).isNull();
        assertThat(done.rollout().retainedDigest()).isEmpty();
        assertThat(done.events()).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("RolloutComplete"));
        assertThat(plan(done.rollout(), target).rollout()).isEqualTo(done.rollout());
    }

    @Test
    void aCanaryThatFailsItsSelfTestHaltsTheRolloutAndEveryNodeKeepsThePrevious() {
        Rollout last = stable();
        Rollout.Identity target = Identities.of("d2", NEW);
        Rollout canary = plan(last, OLD, target, null).rollout();
        failed("n1", target.identity(), "SelfTestFailed");

        RolloutPlanner.Result halted = plan(canary, target);
        assertThat(halted.rollout().stage()).isEqualTo(Rollout.Stage.Halted);
        assertThat(halted.rollout().onTarget()).as("the canaries go back").isEmpty();
        assertThat(halted.rollout().halted().node()).isEqualTo("n1");
        assertThat(halted.rollout().halted().reason()).isEqualTo("SelfTestFailed");
        assertThat(halted.events()).singleElement().satisfies(e -> {
            assertThat(e.warning()).isTrue();
            assertThat(e.reason()).isEqualTo("RolloutHalted");
            assertThat(e.message()).contains("n1", "SelfTestFailed", target.identity());
        });
        for (String node : nodes) {
            assertThat(halted.rollout().assignment(node, NEW).identity()).isEqualTo(last.target().identity());
        }
        assertThat(halted.rollout().retainedDigest()).contains("d1");

        // A node that joins while halted gets the previous identity; nothing moves on by itself.
        nodes.add("n6");
        pass(Duration.ofMinutes(20));
        assertThat(plan(halted.rollout(), target).rollout()).isEqualTo(halted.rollout());
        assertThat(halted.rollout().assignment("n6", NEW).identity()).isEqualTo(last.target().identity());

        // The admin's retry annotation starts it again, once per value.
        RolloutPlanner.Result retried = plan(halted.rollout(), NEW, target, "1");
        assertThat(retried.rollout().stage()).isEqualTo(Rollout.Stage.Canary);
        assertThat(retried.rollout().retried()).isEqualTo("1");
        assertThat(retried.rollout().previous()).isEqualTo(halted.rollout().previous());
        failed("n1", target.identity(), "SelfTestFailed");
        Rollout again = plan(retried.rollout(), NEW, target, "1").rollout();
        assertThat(again.stage()).isEqualTo(Rollout.Stage.Halted);
        assertThat(plan(again, NEW, target, "1").rollout().stage()).as("the same value again").isEqualTo(
                Rollout.Stage.Halted);
    }

    @Test
    void aStageWhoseNodesDoNotReportInTimeHaltsButNodesThatAreNotReadyAreNotWaitedFor() {
        Rollout last = stable();
        Rollout.Identity target = Identities.of("d2", NEW);
        Rollout canary = plan(last, OLD, target, null).rollout();
        pass(Duration.ofMinutes(10).plusSeconds(1));
        Rollout halted = plan(canary, target).rollout();
        assertThat(halted.stage()).isEqualTo(Rollout.Stage.Halted);
        assertThat(halted.halted().reason()).isEqualTo("Timeout");
        assertThat(halted.halted().node()).isEqualTo("n1");

        // n2 goes NotReady in its batch: the batch passes on the others.
        Rollout restart = plan(halted, NEW, target, "x").rollout();
        agentsFollow(restart);
        pass(Duration.ofSeconds(6));
        Rollout batch1 = plan(restart, NEW, target, "x").rollout();
        assertThat(batch1.onTarget()).containsExactly("n1", "n2", "n3");
        notReady.add("n2");
        enforcing("n3", target.identity());
        pass(Duration.ofSeconds(6));
        assertThat(plan(batch1, NEW, target, "x").rollout().stageName()).isEqualTo("Batch 2/2");
    }

    @Test
    void aNewIdentityDuringARolloutStartsAgainFromTheStableOneAndARevertIsImmediate() {
        Rollout last = stable();
        Rollout.Identity second = Identities.of("d2", NEW);
        Rollout canary = plan(last, OLD, second, null).rollout();
        agentsFollow(canary);
        pass(Duration.ofSeconds(6));
        Rollout batch1 = plan(canary, second).rollout();

        Rollout.Identity third = Identities.of("d3", NEW);
        Rollout superseded = plan(batch1, NEW, third, null).rollout();
        assertThat(superseded.stage()).isEqualTo(Rollout.Stage.Canary);
        assertThat(superseded.previous().identity()).as("the last complete identity stays the previous")
                .isEqualTo(last.target().identity());
        assertThat(superseded.onTarget()).containsExactly("n1");

        RolloutPlanner.Result reverted = plan(superseded, NEW, last.target(), null);
        assertThat(reverted.rollout().stage()).isEqualTo(Rollout.Stage.Complete);
        assertThat(reverted.rollout().onTarget()).isNull();
        assertThat(reverted.events()).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("RolloutReverted"));
    }

    @Test
    void canaryZeroAppliesEverywhereAtOnce() {
        settings = settings(0, "25%", "60s", "10m");
        Rollout last = stable();
        Rollout next = plan(last, OLD, Identities.of("d2", NEW), null).rollout();
        assertThat(next.stage()).isEqualTo(Rollout.Stage.Complete);
        assertThat(next.onTarget()).isNull();
        assertThat(next.assignment("n3", NEW).digest()).isEqualTo("d2");
    }

    @Test
    void beforeTheHubsFirstListNothingIsAssignedAndAMissingRecordChangesNothing() {
        Rollout waiting = plan(null, null, Identities.of(null, NEW), null).rollout();
        assertThat(waiting.stage()).isEqualTo(Rollout.Stage.Waiting);
        assertThat(waiting.assignment("n1", NEW).identity()).as("nothing known: keep what is in place").isNull();

        Rollout first = plan(waiting, NEW, Identities.of("d1", NEW), null).rollout();
        assertThat(first.stage()).as("a first list goes through the stages too").isEqualTo(Rollout.Stage.Canary);
        assertThat(first.previous()).isNull();
        assertThat(first.assignment("n2", NEW).identity()).isNull();

        assertThat(plan(first, NEW, Identities.of(null, NEW), null).rollout()).isEqualTo(first);
    }

    @Test
    void theIdentityCoversTheListAndTheNodeLevelSettingsButNotTheClustersRanges() {
        Rollout.Identity base = Identities.of("d1", OLD);
        assertThat(Identities.of("d1", OLD)).isEqualTo(base);
        assertThat(Identities.of("d2", OLD).identity()).isNotEqualTo(base.identity());
        assertThat(Identities.of("d1", NEW).identity()).as("the whitelist").isNotEqualTo(base.identity());
        assertThat(Identities.of("d1", config(Mode.DryRun, "10.9.9.9")).identity()).as("the mode")
                .isNotEqualTo(base.identity());
        AgentConfig hook = config(Mode.Enforcing, "10.9.9.9");
        hook.spec().getEnforcement().setHook(com.sikkerapi.guard.api.EnforcementSpec.Hook.INPUT);
        assertThat(Identities.of("d1", hook).identity()).as("the hook").isNotEqualTo(base.identity());
        AgentConfig interval = config(Mode.Enforcing, "10.9.9.9");
        interval.spec().setPullInterval("1h");
        assertThat(Identities.of("d1", interval)).as("hub-only settings change the digest, not this").isEqualTo(base);
    }

    @Test
    void batchesAreACountOrAShareOfTheNodes() {
        RolloutSpec spec = new RolloutSpec();
        assertThat(spec.batchSize(10)).isEqualTo(3);
        assertThat(spec.batchSize(1)).isEqualTo(1);
        spec.setBatch("100%");
        assertThat(spec.batchSize(7)).isEqualTo(7);
        spec.setBatch("3");
        assertThat(spec.batchSize(2)).isEqualTo(3);
        assertThat("25%").matches(RolloutSpec.BATCH_PATTERN);
        assertThat("0").doesNotMatch(RolloutSpec.BATCH_PATTERN);
        assertThat("101%").doesNotMatch(RolloutSpec.BATCH_PATTERN);
    }
}
