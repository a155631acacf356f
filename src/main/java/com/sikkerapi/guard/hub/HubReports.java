package com.sikkerapi.guard.hub;

import com.sikkerapi.guard.agent.AgentLoop;
import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.BlockedSource;
import com.sikkerapi.guard.api.ReportStatus;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.SikkerApiSource;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidr;
import com.sikkerapi.guard.observe.BlockedTally;
import com.sikkerapi.guard.report.BulkReporter;
import com.sikkerapi.guard.report.ReportQueue;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Every reporting interval, the attackers all nodes blocked go to SikkerAPI in one bulk report: each node's latest
 * interval (from its node report) is merged, so an address blocked on fifty nodes is sent once, with its packets
 * added up; private, special-purpose and whitelisted addresses never leave, and neither does an address the list the
 * node says it enforces does not hold, or anything of a report that is not named after its node. What the API did not answer for (a
 * spent quota, a 429, an error) waits for the next round; nothing is sent twice.
 */
final class HubReports {
    private static final Logger LOG = Logger.getLogger(HubReports.class);
    /** Addresses waiting at most; a quiet API for days must not grow the hub. */
    static final int MAX_PENDING = 100_000;

    private final KubernetesClient client;
    private final BulkReporter reporter;
    private final Path keyFile;
    private final HubRecord records;
    private final ReportQueue queue = new ReportQueue(MAX_PENDING);
    private final EnforcedLists lists;
    /** The nodes whose intervals were taken since the last round. */
    private final java.util.Set<String> collectedNodes = new java.util.HashSet<>();
    private long acceptedTotal;
    private String lastReport;

    HubReports(KubernetesClient client, BulkReporter reporter, Path keyFile, HubRecord records) {
        this.client = client;
        this.reporter = reporter;
        this.keyFile = keyFile;
        this.records = records;
        this.lists = new EnforcedLists(client);
    }

    /**
     * Takes each node's latest interval into the queue, once. A node's report holds an interval only until its next
     * one replaces it, one reporting interval later: the hub looks more often than it sends (see HubCommand). What it
     * took is marked in the hub's record, so that a hub that replaces this one does not send it again (what was
     * taken but not sent when a hub stops is lost with it, as its queue is).
     */
    synchronized void collect(AgentLoop.Config config) {
        AgentConfig agent = config.agent();
        AddressSet excluded = AddressSet.of(config.neverBlocked());
        SortedMap<String, String> taken = records.taken(agent);
        SortedMap<String, String> marks = new TreeMap<>(); // of the nodes that have a report: a removed node's go
        for (ThreatBlocklistNode report : client.resources(ThreatBlocklistNode.class).inNamespace(agent.namespace())
                .withLabel(ThreatBlocklistNode.BLOCKLIST_LABEL, agent.blocklist()).list().getItems()) {
            ThreatBlocklistNodeSpec node = report.getSpec();
            if (node == null || node.getNodeName() == null || !com.sikkerapi.guard.api.NodeReports.genuine(report, agent.blocklist())) {
                continue;
            }
            String mark = taken.get(node.getNodeName());
            if (node.getBlockedSources() != null && node.getBlockedSourcesUntil() != null
                    && !node.getBlockedSourcesUntil().equals(mark)) {
                Optional<AddressSet> enforced = lists.list(agent.namespace(), agent.blocklist(), node.getListDigest());
                queue.add(summary(node.getBlockedSources(), enforced), excluded);
                collectedNodes.add(node.getNodeName());
                mark = node.getBlockedSourcesUntil();
            }
            if (mark != null) {
                marks.put(node.getNodeName(), mark);
            }
        }
        if (!marks.equals(taken)) {
            records.write(agent, marks);
        }
    }

    /** What the nodes' reports hold that was not taken yet, and what waits, to SikkerAPI in one bulk report. */
    synchronized ReportStatus round(AgentLoop.Config config) {
        AgentConfig agent = config.agent();
        collect(config);
        int nodes = collectedNodes.size();
        collectedNodes.clear();
        List<BulkReporter.Report> reports = queue.reports();
        if (reports.isEmpty()) {
            return records.write(agent, new ReportStatus("Nothing", "no node blocked an inbound attempt",
                    lastReport, 0, 0, nodes, 0, null, acceptedTotal));
        }
        SikkerApiSource sikkerapi = agent.spec().getSource().getSikkerapi();
        BulkReporter.Result result = reporter.send(URI.create(sikkerapi.getEndpoint()), this::key, reports);
        Map<String, Integer> byCategory = queue.accepted(reports, result.sent());
        acceptedTotal += result.accepted();
        if (result.accepted() > 0) {
            lastReport = Rfc3339.format(Instant.now());
            LOG.infof("Reported %d blocked IPs from %d node(s), %d accepted (%s)", result.sent(), nodes,
                    result.accepted(), byCategory);
        }
        Long quota = result.quotaRemaining() < 0 ? null : result.quotaRemaining();
        if (result.stopped() != null) {
            LOG.warnf("Reporting stopped: %s; %d blocked IPs wait for the next round", result.stopped(),
                    queue.size());
            return records.write(agent, new ReportStatus("Stopped", result.stopped(), lastReport, result.sent(),
                    result.accepted(), nodes, queue.size(), quota, acceptedTotal));
        }
        return records.write(agent, new ReportStatus("Reported", result.accepted() + " of " + result.sent()
                + " addresses accepted", lastReport, result.sent(), result.accepted(), nodes, queue.size(), quota,
                acceptedTotal));
    }

    /** A report's sources that the list it says it enforces holds (none when that list is not published). */
    private static BlockedTally.Summary summary(List<BlockedSource> sources, Optional<AddressSet> enforced) {
        List<BlockedTally.SourceSummary> summaries = new ArrayList<>();
        for (BlockedSource source : sources) {
            try {
                Cidr address = Cidr.parse(source.source());
                if (enforced.isEmpty() || !EnforcedLists.contains(enforced.get(), address)) {
                    LOG.debugf("Skipping a source the node's list does not hold: %s", address);
                    continue;
                }
                summaries.add(new BlockedTally.SourceSummary(address, source.packets(),
                        source.protocol(), source.port(), source.service(), 0, 0));
            } catch (IllegalArgumentException e) {
                LOG.debugf("Skipping an unreadable source in a node report: %s", e.getMessage());
            }
        }
        return new BlockedTally.Summary(summaries, 0);
    }

    private String key() {
        try {
            return com.sikkerapi.guard.feed.ApiKey.read(keyFile);
        } catch (IOException e) {
            // The path is the mount point, not the key.
            throw new UncheckedIOException("cannot read the API key file " + keyFile, e);
        }
    }
}
