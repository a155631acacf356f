package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes this node's ThreatBlocklistNode with server-side apply under the agent's own field manager. An API server
 * that cannot be reached costs a log line, never a blocked loop: the node keeps blocking and the next report catches
 * up. Reports carry no credential: the agent has none (the hub alone holds the key).
 */
public final class NodeReporter {
    public static final String FIELD_MANAGER = "sikkerguard-agent";
    private static final Logger LOG = Logger.getLogger(NodeReporter.class);

    private final KubeApi api;
    private final String namespace;
    private final String node;
    private final ThreatBlocklistNodeSpec report = new ThreatBlocklistNodeSpec();
    private long rollbacks;
    private long repairs;

    public NodeReporter(KubeApi api, String namespace, String node) {
        this.api = api;
        this.namespace = namespace;
        this.node = node;
    }

    /**
     * Folds a cycle's outcome into the report (times and counters accumulate).
     *
     * @param identity the rollout identity the cycle was to enforce; null when none is known (the report keeps the
     *        identity it names)
     */
    public synchronized void record(AgentConfig config, AgentLoop.Outcome outcome, String identity, Instant now) {
        String at = Rfc3339.format(now);
        if (identity != null && outcome.errorReason() == null && outcome.phase().isHealthy()
                && !identity.equals(report.getIdentity())) {
            report.setIdentity(identity);
            report.setIdentitySince(at);
        }
        report.setBlocklist(config.blocklist());
        report.setNodeName(node);
        report.setPhase(outcome.phase());
        report.setEntries(outcome.entries());
        report.setListDigest(outcome.digest());
        report.setLastResult(outcome.result());
        if (!"Failed".equals(outcome.result()) && !"Restored".equals(outcome.result())) {
            report.setObservedGeneration(config.generation());
        }
        if ("Applied".equals(outcome.result())) {
            report.setLastApply(at);
        }
        if (outcome.rolledBack()) {
            rollbacks++;
        }
        report.setRollbacks(rollbacks);
        if (outcome.errorReason() != null) {
            report.setLastErrorReason(outcome.errorReason());
            report.setLastErrorMessage(outcome.errorMessage());
            report.setLastErrorTime(at);
            report.setLastErrorIdentity(identity);
        } else if (outcome.phase().isHealthy()) {
            report.setLastErrorReason(null);
            report.setLastErrorMessage(null);
            report.setLastErrorTime(null);
            report.setLastErrorIdentity(null);
        }
    }

    /** The backend this node's agent uses and why (null before its first apply). */
    public synchronized void backend(com.sikkerapi.guard.firewall.Backends.Choice choice) {
        report.setBackend(choice == null ? null : choice.backend().name().toLowerCase(java.util.Locale.ROOT));
        report.setBackendReason(choice == null ? null : choice.reason());
    }

    /** A drift repair: counted, and what was found; @return repairs so far */
    public synchronized long repaired(String found, Instant now) {
        report.setRepairs(++repairs);
        report.setLastRepair(Rfc3339.format(now));
        report.setLastRepairFound(found);
        return repairs;
    }

    /** Packets this node's rules dropped (exact, -1 unknown). */
    public synchronized void observed(long droppedPackets) {
        report.setBlockedPackets(droppedPackets < 0 ? null : droppedPackets);
    }

    /** The attackers of the interval that ended {@code until}, for the hub to report (empty: none, or not reporting). */
    public synchronized void blockedSources(java.util.List<com.sikkerapi.guard.api.BlockedSource> sources,
            Instant until) {
        report.setBlockedSources(sources.isEmpty() ? null : sources);
        report.setBlockedSourcesUntil(sources.isEmpty() ? null : Rfc3339.format(until));
    }

    /** The report as last recorded (for the agent's /status). */
    ThreatBlocklistNodeSpec snapshot() {
        return report;
    }

    /** Writes the report (and the heartbeat); false when the API server could not be reached. */
    public synchronized boolean publish(AgentConfig config, Instant now) {
        report.setHeartbeat(Rfc3339.format(now));
        report.setAgentVersion(com.sikkerapi.guard.cli.Main.version());
        String name = com.sikkerapi.guard.api.ObjectNames.nodeReport(config.blocklist(), node);
        ThreatBlocklistNode object = new ThreatBlocklistNode();
        object.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(Map.of(ThreatBlocklistNode.BLOCKLIST_LABEL, config.blocklist(),
                        ThreatBlocklistNode.NODE_LABEL, node))
                .addNewOwnerReference().withApiVersion(ThreatBlocklist.GROUP + "/" + ThreatBlocklist.VERSION)
                .withKind("ThreatBlocklist").withName(config.blocklist()).withUid(config.uid()).endOwnerReference()
                .build());
        object.setSpec(report);
        try {
            api.apply(KubeApi.path(ThreatBlocklistNode.class, namespace, name), object, FIELD_MANAGER);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("Could not write the node report (will retry): %s", e.getMessage());
            return false;
        }
    }

    /** Removes this node's report, when the agent leaves the node (the blocklist's deletion removes it anyway). */
    public void delete(AgentConfig config) {
        try {
            api.delete(KubeApi.path(ThreatBlocklistNode.class, namespace,
                    com.sikkerapi.guard.api.ObjectNames.nodeReport(config.blocklist(), node)));
        } catch (RuntimeException e) {
            LOG.warnf("Could not delete the node report: %s", e.getMessage());
        }
    }
}
