package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.EntryCounts;
import com.sikkerapi.guard.api.FailingNode;
import com.sikkerapi.guard.api.ListStatus;
import com.sikkerapi.guard.api.ReportStatus;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodeCounts;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import com.sikkerapi.guard.api.ThreatBlocklistStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Folds the agents' node reports into the blocklist's status (the Keycloak operator's status aggregator, fed by Node
 * Feature Discovery style per-node objects). A pure function of its inputs, so that an unchanged cluster gives an
 * equal status and the operator writes nothing.
 */
public final class StatusAggregator {
    public static final String READY = "Ready";
    public static final String DEGRADED = "Degraded";
    public static final String PUBLISHED = "Published";
    public static final String ENFORCING = "Enforcing";
    public static final String ROLLOUT_HALTED = "RolloutHalted";
    public static final Duration HEARTBEAT_INTERVAL = ThreatBlocklistNode.HEARTBEAT_INTERVAL;
    static final Duration STALE_AFTER = HEARTBEAT_INTERVAL.multipliedBy(3);

    private StatusAggregator() {
    }

    /**
     * What the operator knows of the blocklist's hub.
     *
     * @param record the hub's record of its last pull, null before its first
     * @param reports the hub's last report round, null before its first
     * @param available whether the hub's Deployment has a running replica (null: not known yet)
     */
    public record Hub(ListStatus record, ReportStatus reports, Boolean available) {
        public static final Hub UNKNOWN = new Hub(null, null, null);
    }

    /**
     * @param problems spec problems from {@link SpecValidator}; non-empty means the nodes keep the last good spec
     * @param selectedNodes names of the nodes the blocklist covers: reports from any other node are left out
     * @param desired how many nodes should run the agent (see {@link DesiredNodes#desiredCount})
     */
    public static ThreatBlocklistStatus fold(ThreatBlocklist blocklist, List<String> problems, Mode mode,
            ModeReason modeReason, Set<String> selectedNodes, int desired, Collection<ThreatBlocklistNode> reports,
            Hub hub, Instant now) {
        String published = hub.record() == null ? null : hub.record().digest();
        int onList = 0;
        long generation = AgentDependent.generation(blocklist);
        int ready = 0;
        List<FailingNode> failing = new ArrayList<>();
        for (ThreatBlocklistNode report : reports) {
            ThreatBlocklistNodeSpec node = report.getSpec();
            if (node == null || node.getNodeName() == null || !selectedNodes.contains(node.getNodeName())) {
                continue;
            }
            boolean stale = isStale(node.getHeartbeat(), now);
            if (stale) {
                failing.add(new FailingNode(node.getNodeName(), "AgentNotReporting",
                        "no report since " + node.getHeartbeat()));
            } else if (node.getPhase() == NodePhase.Failed || node.getPhase() == NodePhase.Degraded) {
                failing.add(new FailingNode(node.getNodeName(),
                        Objects.requireNonNullElse(node.getLastErrorReason(), node.getPhase().name()),
                        Objects.requireNonNullElse(node.getLastErrorMessage(), "")));
            } else if (node.getPhase() != null && node.getPhase().isHealthy()) {
                boolean onPublished = published != null && published.equals(node.getListDigest());
                if (onPublished) {
                    onList++;
                }
                // Ready: the current generation, and the list the hub published (a node that took a new spec
                // before the hub published its list is still on the way).
                if (Objects.equals(node.getObservedGeneration(), generation) && (published == null || onPublished)) {
                    ready++;
                }
            }
        }
        failing.sort(Comparator.comparing(FailingNode::node));

        ThreatBlocklistStatus old = blocklist.getStatus();
        ThreatBlocklistStatus status = new ThreatBlocklistStatus();
        status.setObservedGeneration(generation);
        status.setMode(mode);
        status.setModeReason(modeReason);
        status.setNodes(NodeCounts.of(desired, ready, failing.size()));
        ListStatus record = hub.record();
        String hubState = hub.available() == null ? null : hub.available() ? "Available" : "Unavailable";
        status.setList(record == null ? null : record.withCluster(onList, hubState));
        status.setEntries(record != null && record.entries() != null ? record.entries()
                : old == null ? null : old.getEntries());
        status.setLastPull(latest(record == null ? null : record.lastPull(), old == null ? null : old.getLastPull()));
        status.setReporting(hub.reports());
        status.setLastReport(latest(hub.reports() == null ? null : hub.reports().lastReport(),
                old == null ? null : old.getLastReport()));
        status.setFailingNodes(failing.isEmpty() ? null
                : failing.stream().limit(ThreatBlocklistStatus.MAX_FAILING_NODES).toList());
        List<Condition> previous = old == null || old.getConditions() == null ? List.of() : old.getConditions();
        status.setConditions(List.of(
                carryOver(ready(problems, mode, desired, ready, failing.size(), generation), previous, now),
                carryOver(degraded(failing, generation), previous, now),
                carryOver(published(record, hubState, onList, desired, generation), previous, now),
                carryOver(enforcing(modeReason, blocklist.getMetadata().getNamespace(), generation), previous, now)));
        return status;
    }

    /** Whether the nodes may block, and when not, who decided it: the spec, the namespace or the cluster policy. */
    private static Condition enforcing(ModeReason reason, String namespace, long generation) {
        return switch (reason == null ? ModeReason.Spec : reason) {
            case Spec -> condition(ENFORCING, true, "Spec", "the nodes block the list", generation);
            case SpecDryRun -> condition(ENFORCING, false, "SpecDryRun", "spec.dryRun is true: the nodes log what "
                    + "they would block", generation);
            case NamespacePolicy -> condition(ENFORCING, false, "NamespacePolicy", "namespace " + namespace
                    + " carries " + Names.DRY_RUN_NAMESPACE_LABEL + "=true: the nodes only log", generation);
            case Policy -> condition(ENFORCING, false, "Policy", "the cluster's ThreatBlocklistPolicy "
                    + com.sikkerapi.guard.api.ThreatBlocklistPolicy.NAME + " does not admit namespace " + namespace
                    + " to enforce (spec.enforceNamespaces): the nodes only log", generation);
        };
    }

    /**
     * Adds the rollout to a folded status: its view, the RolloutHalted condition, and Ready says so when the
     * rollout is halted (the nodes keep the previous identity: not ready on the current one, but not failing).
     */
    public static void rollout(ThreatBlocklistStatus status, ThreatBlocklistStatus old,
            com.sikkerapi.guard.api.Rollout rollout, com.sikkerapi.guard.api.RolloutStatus view, Instant now) {
        status.setRollout(view);
        if (rollout == null) {
            return;
        }
        long generation = status.getObservedGeneration();
        boolean halted = rollout.stage() == com.sikkerapi.guard.api.Rollout.Stage.Halted;
        List<Condition> previous = old == null || old.getConditions() == null ? List.of() : old.getConditions();
        List<Condition> conditions = new ArrayList<>(status.getConditions());
        if (halted) {
            conditions.replaceAll(c -> READY.equals(c.getType()) && "False".equals(c.getStatus())
                    ? carryOver(condition(READY, false, ROLLOUT_HALTED, view.message(), generation), previous, now)
                    : c);
        }
        conditions.add(carryOver(halted ? condition(ROLLOUT_HALTED, true, "StageFailed", view.message(), generation)
                : condition(ROLLOUT_HALTED, false, rollout.stage().name(), view.stage() + ": " + view.message(),
                        generation), previous, now));
        status.setConditions(conditions);
    }

    /** Whether the hub publishes: its last pull's result, and how many nodes enforce what it published. */
    private static Condition published(ListStatus record, String hubState, int onList, int desired, long generation) {
        if ("Unavailable".equals(hubState)) {
            return condition(PUBLISHED, false, "HubUnavailable", "the hub has no running replica; nodes keep "
                    + "enforcing " + (record == null || record.version() == null ? "what they have"
                    : "list " + record.version()), generation);
        }
        if (record == null || record.digest() == null) {
            return condition(PUBLISHED, false, record == null ? "NotPublished" : record.result(),
                    record == null ? "the hub has not published a list yet" : record.message(), generation);
        }
        String onIt = onList + "/" + desired + " nodes on list " + record.version();
        if (record.failed()) {
            return condition(PUBLISHED, false, record.result(), record.message() + "; " + onIt
                    + " (the last published list)", generation);
        }
        return condition(PUBLISHED, true, record.result(), onIt, generation);
    }

    private static Condition ready(List<String> problems, Mode mode, int desired, int ready, int failed, long generation) {
        if (!problems.isEmpty()) {
            return condition(READY, false, "InvalidSpec", String.join("; ", problems)
                    + " (nodes keep the last valid configuration)", generation);
        }
        if (desired == 0) {
            return condition(READY, false, "NoNodes", "no node matches spec.nodeSelector and tolerations", generation);
        }
        String doing = mode == Mode.DryRun ? "dry-running" : "enforcing";
        if (ready == desired) {
            return condition(READY, true, "AllNodesReady",
                    ready + "/" + desired + " nodes " + doing + " generation " + generation, generation);
        }
        return condition(READY, false, failed > 0 ? "NodesFailing" : "RollingOut",
                ready + "/" + desired + " nodes " + doing + " generation " + generation
                        + (failed > 0 ? ", " + failed + " failing" : ""), generation);
    }

    private static Condition degraded(List<FailingNode> failing, long generation) {
        if (failing.isEmpty()) {
            return condition(DEGRADED, false, "AsExpected", "no node reports a failure", generation);
        }
        String named = failing.stream().limit(3).map(f -> f.node() + " (" + f.reason() + ")")
                .collect(Collectors.joining(", "));
        String more = failing.size() > 3 ? " and " + (failing.size() - 3) + " more" : "";
        return condition(DEGRADED, true, "NodesFailing",
                failing.size() + " node(s) failing: " + named + more, generation);
    }

    private static Condition condition(String type, boolean status, String reason, String message, long generation) {
        return new ConditionBuilder().withType(type).withStatus(status ? "True" : "False").withReason(reason)
                .withMessage(message).withObservedGeneration(generation).build();
    }

    /** Keeps lastTransitionTime when the condition's status did not change, as the Kubernetes convention asks. */
    private static Condition carryOver(Condition next, List<Condition> previous, Instant now) {
        String since = previous.stream()
                .filter(c -> next.getType().equals(c.getType()) && next.getStatus().equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst()
                .orElse(Rfc3339.format(now));
        next.setLastTransitionTime(since);
        return next;
    }

    public static Condition find(ThreatBlocklistStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    static boolean isStale(String heartbeat, Instant now) {
        Instant at = Rfc3339.parse(heartbeat);
        return at == null || at.plus(STALE_AFTER).isBefore(now);
    }

    private static String latest(String a, String b) {
        Instant x = Rfc3339.parse(a);
        Instant y = Rfc3339.parse(b);
        if (x == null) {
            return y == null ? null : b;
        }
        return y == null || !y.isAfter(x) ? a : b;
    }
}
