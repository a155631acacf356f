package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Durations;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.Rollout;
import com.sikkerapi.guard.api.RolloutSpec;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The staged rollout as a pure function: from the last rollout, the identity the nodes should enforce now, the
 * selected nodes and their reports, to the next rollout (which nodes are told the target) and what to say about it.
 * A new identity goes to the canaries first, then to the rest in batches; a stage passes when each of its Ready
 * nodes reports the target identity, healthy, and has held it for the soak time; it fails when one of its nodes
 * reports a failed apply or self-test on the target, or when its Ready nodes do not all get there in time. A failed
 * stage halts the rollout and every node goes back to (or stays on) the previous identity.
 */
final class RolloutPlanner {
    static final String CANARY_LABEL = com.sikkerapi.guard.api.ThreatBlocklist.GROUP + "/canary";
    static final String RETRY_ANNOTATION = com.sikkerapi.guard.api.ThreatBlocklist.GROUP + "/rollout-retry";
    /** What a node reports when the target itself failed on it (not a list it could not read yet). */
    private static final Set<String> FAILURES = Set.of("SelfTestFailed", "ApplyFailed");

    private RolloutPlanner() {
    }

    /** A selected node as the planner sees it; {@code report} is null while its agent has not reported. */
    record NodeView(String name, boolean ready, boolean canary, ThreatBlocklistNodeSpec report) {
    }

    record Event(boolean warning, String reason, String message) {
    }

    /** @param recheck when to look again without an event (a soak or a deadline ends); null: nothing pending */
    record Result(Rollout rollout, List<Event> events, Duration recheck, String message) {
    }

    /** The settings of one blocklist's rollouts; {@code immediate} skips the stages (canary 0, or the namespace policy). */
    record Settings(int canary, RolloutSpec batches, Duration soak, Duration timeout, boolean immediate) {
        static Settings of(RolloutSpec spec, boolean forceImmediate) {
            RolloutSpec defaults = new RolloutSpec();
            RolloutSpec s = spec == null ? defaults : spec;
            int canary = Objects.requireNonNullElse(s.getCanary(), defaults.getCanary());
            return new Settings(canary, s, Durations.parse(Objects.requireNonNullElse(s.getSoak(), defaults.getSoak())),
                    Durations.parse(Objects.requireNonNullElse(s.getTimeout(), defaults.getTimeout())),
                    forceImmediate || canary == 0);
        }
    }

    /**
     * @param last the rollout as last written, null before the first
     * @param lastConfig the configuration last handed to the agents (that of {@code last}'s target)
     * @param target what the nodes should enforce now; its digest is null before the hub's first list
     * @param retry the retry annotation's value, null when absent
     */
    static Result plan(Rollout last, AgentConfig lastConfig, Rollout.Identity target, List<NodeView> nodes,
            Settings settings, String retry, Heartbeats heartbeats, Instant now) {
        if (target.digest() == null) {
            if (last != null && last.target().digest() != null) {
                return new Result(last, List.of(), null, "the hub's record is missing; the rollout stays as it is");
            }
            Rollout waiting = new Rollout(target, null, List.of(), Rollout.Stage.Waiting, 0, 0,
                    last == null ? Rfc3339.format(now) : last.stageStarted(), null, retry);
            return new Result(waiting, List.of(), null, "waiting for the hub's first list");
        }
        if (last == null || last.stage() == Rollout.Stage.Waiting) {
            return start(target, null, nodes, settings, retry, now, "first list " + target.version());
        }
        if (!last.target().identity().equals(target.identity())) {
            Rollout.Previous stable = last.stage() == Rollout.Stage.Complete
                    ? new Rollout.Previous(last.target().identity(), last.target().digest(), lastConfig)
                    : last.previous();
            if (stable != null && stable.identity().equals(target.identity())) {
                Rollout back = new Rollout(target, null, null, Rollout.Stage.Complete, 0, 1, Rfc3339.format(now),
                        null, retry);
                return new Result(back, List.of(new Event(false, "RolloutReverted", "back to identity "
                        + target.identity() + " (list " + target.version() + "), which every node not yet moved "
                        + "enforces: at once")), null, "reverted to the previous identity");
            }
            return start(target, stable, nodes, settings, retry, now, "identity " + target.identity() + " (list "
                    + target.version() + ") replaces " + (stable == null ? "what the nodes have" : stable.identity()));
        }
        return switch (last.stage()) {
            case Complete -> new Result(withRetry(last, retry), List.of(), null, "every node is told identity "
                    + target.identity());
            case Halted -> retry != null && !retry.equals(last.retried())
                    ? start(target, last.previous(), nodes, settings, retry, now, "retry of identity "
                            + target.identity())
                    : new Result(last, List.of(), null, halted(last));
            default -> advance(last, nodes, settings, retry, heartbeats, now);
        };
    }

    /** Whether a node report is recent enough to count. */
    interface Heartbeats {
        boolean fresh(ThreatBlocklistNodeSpec report, Instant now);
    }

    private static Result start(Rollout.Identity target, Rollout.Previous previous, List<NodeView> nodes,
            Settings settings, String retry, Instant now, String what) {
        String at = Rfc3339.format(now);
        if (settings.immediate() || previous == null && nodes.isEmpty()) {
            Rollout all = new Rollout(target, null, null, Rollout.Stage.Complete, 0, 1, at, null, retry);
            return new Result(all, List.of(new Event(false, "RolloutComplete", what + ": every node at once"
                    + (settings.immediate() ? " (no staging)" : ""))), null, "every node is told identity "
                    + target.identity());
        }
        List<String> order = order(nodes);
        List<String> canaries = order.subList(0, Math.min(Math.max(settings.canary(), 1), order.size()));
        int stages = 1 + batches(order.size() - canaries.size(), settings.batches().batchSize(order.size()));
        Rollout canary = new Rollout(target, previous, List.copyOf(canaries), Rollout.Stage.Canary, 0, stages, at,
                null, retry);
        return new Result(canary, List.of(new Event(false, "RolloutStarted", what + ": canary " + String.join(", ",
                canaries) + " first, then " + (stages - 1) + " batch(es)")), settings.timeout(),
                "canary " + String.join(", ", canaries));
    }

    private static Result advance(Rollout last, List<NodeView> nodes, Settings settings, String retry,
            Heartbeats heartbeats, Instant now) {
        String target = last.target().identity();
        Instant started = Optional.ofNullable(Rfc3339.parse(last.stageStarted())).orElse(now);
        List<NodeView> stage = nodes.stream().filter(node -> last.told(node.name())).toList();
        for (NodeView node : stage) {
            ThreatBlocklistNodeSpec report = node.report();
            if (report != null && target.equals(report.getLastErrorIdentity())
                    && FAILURES.contains(report.getLastErrorReason())) {
                return halt(last, node.name(), report.getLastErrorReason(), String.valueOf(
                        report.getLastErrorMessage()), retry, now);
            }
        }
        List<String> behind = stage.stream().filter(NodeView::ready)
                .filter(node -> !holds(node.report(), target, heartbeats, now)).map(NodeView::name).toList();
        if (!behind.isEmpty()) {
            Instant deadline = started.plus(settings.timeout());
            if (now.isAfter(deadline)) {
                return halt(last, behind.get(0), "Timeout", "did not report enforcing identity " + target
                        + " within " + settings.timeout().toSeconds() + "s", retry, now);
            }
            return new Result(withRetry(last, retry), List.of(), Duration.between(now, deadline),
                    stageLabel(last) + ": waiting for " + String.join(", ", behind.subList(0,
                            Math.min(3, behind.size()))) + (behind.size() > 3 ? " and more" : ""));
        }
        Instant held = stage.stream().filter(NodeView::ready)
                .map(node -> Rfc3339.parse(node.report().getIdentitySince())).filter(java.util.Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(started);
        // Reports and stage starts are whole seconds: the soak counts from the end of that second, so that every
        // node of the stage held the identity for at least the soak.
        Instant soakEnd = (held.isAfter(started) ? held : started).plusSeconds(1).plus(settings.soak());
        if (now.isBefore(soakEnd)) {
            return new Result(withRetry(last, retry), List.of(), Duration.between(now, soakEnd),
                    stageLabel(last) + ": soaking until " + Rfc3339.format(soakEnd));
        }
        return next(last, nodes, settings, retry, now);
    }

    private static Result next(Rollout last, List<NodeView> nodes, Settings settings, String retry, Instant now) {
        Set<String> told = new TreeSet<>(last.onTargetSet());
        List<String> order = order(nodes);
        List<String> remaining = order.stream().filter(name -> !told.contains(name)).toList();
        String target = last.target().identity();
        if (remaining.isEmpty()) {
            Rollout done = new Rollout(last.target(), null, null, Rollout.Stage.Complete, last.stages(),
                    last.stages(), Rfc3339.format(now), null, retry);
            return new Result(done, List.of(new Event(false, "RolloutComplete", "every node holds identity "
                    + target + " (list " + last.target().version() + ")")), null, "every node is told identity "
                    + target);
        }
        int size = settings.batches().batchSize(order.size());
        List<String> batch = remaining.subList(0, Math.min(size, remaining.size()));
        int index = last.stageIndex() + 1;
        int stages = index + 1 + batches(remaining.size() - batch.size(), size);
        List<String> onTarget = new ArrayList<>(order.stream().filter(told::contains).toList());
        onTarget.addAll(batch);
        Rollout moved = new Rollout(last.target(), last.previous(), List.copyOf(onTarget), Rollout.Stage.Batch,
                index, stages, Rfc3339.format(now), null, retry);
        return new Result(moved, List.of(new Event(false, "RolloutStage", stageLabel(moved) + " of identity " + target
                + ": " + String.join(", ", batch.subList(0, Math.min(5, batch.size())))
                + (batch.size() > 5 ? " and " + (batch.size() - 5) + " more" : ""))), settings.timeout(),
                stageLabel(moved) + ": " + batch.size() + " node(s) told");
    }

    private static Result halt(Rollout last, String node, String reason, String message, String retry, Instant now) {
        Rollout.Halt halt = new Rollout.Halt(node, reason, message, Rfc3339.format(now));
        // Every node goes back to the previous identity: the canaries roll back, no batch moves.
        Rollout halted = new Rollout(last.target(), last.previous(), List.of(), Rollout.Stage.Halted,
                last.stageIndex(), last.stages(), last.stageStarted(), halt, retry);
        return new Result(halted, List.of(new Event(true, "RolloutHalted", halted(halted))), null, halted(halted));
    }

    static String halted(Rollout rollout) {
        Rollout.Halt halt = rollout.halted();
        return "identity " + rollout.target().identity() + " (list " + rollout.target().version() + ") halted at "
                + stageLabel(rollout) + ": node " + halt.node() + " " + halt.reason() + ": " + halt.message()
                + "; nodes keep " + (rollout.previous() == null ? "what they had"
                : "identity " + rollout.previous().identity());
    }

    private static String stageLabel(Rollout rollout) {
        return rollout.stageIndex() == 0 ? "canary stage" : "batch " + rollout.stageIndex() + "/"
                + (rollout.stages() - 1);
    }

    /** A node holds the target: reports it, healthy, without an error, recently. */
    private static boolean holds(ThreatBlocklistNodeSpec report, String target, Heartbeats heartbeats, Instant now) {
        return report != null && target.equals(report.getIdentity()) && report.getPhase() != null
                && report.getPhase().isHealthy() && report.getLastErrorReason() == null
                && heartbeats.fresh(report, now);
    }

    /**
     * Ready nodes first (a NotReady one proves nothing), labelled canaries first among them, each by name: the same
     * nodes go first every time.
     */
    static List<String> order(List<NodeView> nodes) {
        return nodes.stream().sorted(Comparator.comparing((NodeView node) -> !node.ready())
                .thenComparing(node -> !node.canary()).thenComparing(NodeView::name)).map(NodeView::name).toList();
    }

    private static int batches(int nodes, int size) {
        return nodes <= 0 ? 0 : (nodes + size - 1) / size;
    }

    private static Rollout withRetry(Rollout last, String retry) {
        return java.util.Objects.equals(last.retried(), retry) ? last : new Rollout(last.target(), last.previous(),
                last.onTarget(), last.stage(), last.stageIndex(), last.stages(), last.stageStarted(), last.halted(),
                retry);
    }
}
