package com.sikkerapi.guard.hub;

import com.sikkerapi.guard.agent.AgentLoop;
import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.EntryCounts;
import com.sikkerapi.guard.api.ListStatus;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.feed.AutoWhitelist;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.feed.ValidationPolicy;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.ListEncoding;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One pull of the hub: every source fetched once for the whole cluster (conditionally), validated at feed level
 * (special ranges, minimum prefixes, the growth and empty rules, the spec's whitelist, the cluster's protected ranges
 * and the feed endpoints themselves, which the hub must keep reaching from whatever node it runs on), and published
 * for the nodes when its digest is new. Whatever fails, the published list stays as it is; the hub's record says
 * what happened.
 */
final class ListHub {
    private static final Logger LOG = Logger.getLogger(ListHub.class);
    /** How long a slot still enforced by some node is spared before it is rewritten anyway. */
    static final Duration MAX_WAIT_FOR_NODES = Duration.ofMinutes(10);

    /**
     * What a pull gave, for the web-tier output of the same pull: the validated list, null when the feeds did not
     * change or the pull failed.
     */
    record Pulled(ListStatus record, AddressSet list, long listed) {
        Pulled(ListStatus record, AddressSet list) {
            this(record, list, -1);
        }
    }

    private final KubernetesClient client;
    private final FeedPuller puller;
    private final Path apiKeyFile;
    private final HubRecord records;

    ListHub(KubernetesClient client, FeedPuller puller, Path apiKeyFile, HubRecord records) {
        this.client = client;
        this.puller = puller;
        this.apiKeyFile = apiKeyFile;
        this.records = records;
    }

    /**
     * @param configChanged validate even when no source changed (a new spec, new cluster ranges)
     * @param fetch ask the sources (their interval is due, or the spec changed); without, the bodies at hand are
     *        validated again, so a node joining the cluster costs no request
     */
    Pulled cycle(AgentLoop.Config config, boolean configChanged, boolean fetch) throws IOException {
        AgentConfig agent = config.agent();
        ConfigMap pointerMap = com.sikkerapi.guard.api.Owners.ownedBy(client.configMaps().inNamespace(agent.namespace())
                .withName(ListPublication.pointerName(agent.blocklist())).get(), agent.uid());
        Optional<ListPublication.Pointer> current = ListPublication.pointer(pointerMap);
        String now = Rfc3339.format(Instant.now());
        List<FeedPuller.Source> sources;
        try {
            sources = FeedPuller.sources(agent.spec(), apiKeyFile);
        } catch (com.sikkerapi.guard.feed.ApiKey.Invalid e) {
            LOG.warnf("Pull not tried, the published list stays: %s", e.getMessage());
            return new Pulled(write(agent, ListStatus.kept(records.list(agent), "PullFailed", e.getMessage(), now,
                    false, null)), null);
        }
        ValidationPolicy policy = ValidationPolicy.of(agent.spec().getSafety(), config.bounds(),
                whitelist(config, sources));
        List<String> rejected = new ArrayList<>();
        String asked = FeedPuller.identity(sources);
        // The growth rule compares with the published list only while the same is asked: a spec change of the
        // sources (a lower score minimum, a new feed) starts a new baseline. A pointer from an older hub says
        // nothing of its sources and keeps its baseline.
        long previous = current.filter(pointer -> pointer.sources() == null || pointer.sources().equals(asked))
                .map(ListPublication.Pointer::listed).orElse(-1L);
        if (current.isPresent() && previous < 0 && current.get().listed() >= 0) {
            LOG.infof("The sources changed: the growth rule starts again from the next list (%d listed before)",
                    current.get().listed());
        }
        com.sikkerapi.guard.feed.RejectedLines onRejected = (source, line, reason, text) -> {
            if (rejected.size() < 20) {
                rejected.add(source + " line " + line + ": " + reason); // never the line itself
            }
        };
        Optional<FeedPuller.Pull> again = fetch ? Optional.empty()
                : puller.revalidate(sources, policy, previous, onRejected);
        // A changed config validates again even when no feed changed; so does a hub with nothing published yet.
        FeedPuller.Pull pull = again.isPresent() ? again.get()
                : puller.pull(sources, policy, previous, onRejected, configChanged || current.isEmpty());
        rejected.forEach(line -> LOG.warnf("Skipped %s", line));
        if (pull.failure() != null) {
            LOG.warnf("Pull failed, the published list stays: %s", pull.failure());
            return new Pulled(write(agent, keep(agent, pull.refused() ? "DestinationRefused" : "PullFailed",
                    pull.failure(), now, false, pull)), null);
        }
        if (pull.unchanged()) {
            return new Pulled(write(agent, keep(agent, "Unchanged", "no source changed", now, true, pull)), null);
        }
        boolean pulled = again.isEmpty();
        if (pull.result() instanceof ValidationResult.Rejected refused) {
            LOG.warnf("List refused, the published list stays: %s", refused.reason());
            return new Pulled(write(agent, keep(agent, "ListRejected", refused.reason(), now, false, pull)), null);
        }
        AddressSet list = ((ValidationResult.Accepted) pull.result()).blocked();
        long listed = pull.result().counts().entries();
        byte[] encoded = ListEncoding.encode(list);
        String digest = ListEncoding.digest(encoded);
        EntryCounts entries = EntryCounts.of(list.cidrCountV4(), list.cidrCountV6());
        if (current.isPresent() && current.get().digest().equals(digest)) {
            if (!asked.equals(current.get().sources())) {
                // The same list from other sources: the pointer records them, so that the baseline moves with it.
                ListPublication.Pointer same = current.get();
                apply(ListPublication.pointer(agent, new ListPublication.Pointer(digest, same.slot(), same.parts(),
                        listed, asked, same.other())));
            }
            return new Pulled(write(agent, keep(agent, "Unchanged", "the list is the one published", now, pulled,
                    pull)), list,
                    listed);
        }
        List<byte[]> parts = ListEncoding.split(encoded, ListPublication.MAX_PART_BYTES);
        if (parts.size() > ListPublication.MAX_PARTS) {
            return new Pulled(write(agent, keep(agent, "DoesNotFit", encoded.length + " bytes need " + parts.size()
                    + " parts of " + ListPublication.MAX_PART_BYTES / 1024 + " KiB, at most "
                    + ListPublication.MAX_PARTS + " are published", now, pulled, pull)), list, listed);
        }
        char slot = slot(config.rollout(), current);
        String waiting = config.rollout() != null ? null : stillEnforced(agent, slot);
        if (waiting != null) {
            return new Pulled(write(agent, keep(agent, "Waiting", waiting, now, pulled, pull)), list, listed);
        }
        ListPublication.Located untouched = current.map(pointer -> pointer.slot() != slot ? pointer.current()
                : pointer.other()).orElse(null);
        try {
            publish(agent, slot, parts, digest, listed, asked, untouched);
        } catch (KubernetesClientException e) {
            return new Pulled(write(agent, keep(agent, "WriteFailed", e.getMessage(), now, pulled, pull)), list, listed);
        }
        ListStatus before = records.list(agent);
        LOG.infof("Published %d IPv4 and %d IPv6 entries for the nodes: %s (%d bytes in %d part(s))", entries.v4(),
                entries.v6(), ListStatus.version(digest), encoded.length, parts.size());
        return new Pulled(write(agent, ListStatus.published(entries.total() + " entries in " + parts.size()
                + " part(s)", digest, entries, encoded.length, parts.size(), now,
                pulled || before == null ? now : before.lastPull(), pull.sources())), list, listed);
    }

    /** Parts first (into the slot no node is told to read), then the pointer: a reader never sees a half. */
    private void publish(AgentConfig agent, char slot, List<byte[]> parts, String digest, long listed,
            String sources, ListPublication.Located untouched) {
        for (int index = 1; index <= parts.size(); index++) {
            apply(ListPublication.part(agent, slot, index, parts.size(), digest, parts.get(index - 1)));
        }
        for (int index = parts.size() + 1; index <= ListPublication.MAX_PARTS; index++) {
            client.configMaps().inNamespace(agent.namespace())
                    .withName(ListPublication.partName(agent.blocklist(), slot, index)).delete();
        }
        apply(ListPublication.pointer(agent, new ListPublication.Pointer(digest, slot, parts.size(), listed,
                sources, untouched)));
    }

    /**
     * The slot the next version goes into. During a rollout the nodes not yet moved enforce the version the operator
     * retains: it is never overwritten (the target it replaces may be; the operator then rolls out the new list
     * instead). Once a rollout is complete, the version it assigns every node is never overwritten either, however
     * many lists follow while the operator is away: the next one goes into the other slot, or, when that slot holds
     * it, over the pointer's version, which no node is then told to enforce.
     */
    static char slot(com.sikkerapi.guard.api.Rollout rollout, Optional<ListPublication.Pointer> current) {
        if (current.isEmpty()) {
            return 'a';
        }
        ListPublication.Pointer pointer = current.get();
        Optional<String> retained = rollout == null ? Optional.empty() : rollout.retainedDigest();
        Optional<ListPublication.Located> kept = retained.flatMap(pointer::locate);
        if (kept.isPresent()) {
            return other(kept.get().slot());
        }
        String assigned = rollout == null || rollout.target() == null ? null : rollout.target().digest();
        boolean nextHoldsIt = assigned != null && pointer.other() != null
                && assigned.equals(pointer.other().digest());
        return nextHoldsIt ? pointer.slot() : other(pointer.slot());
    }

    private static char other(char slot) {
        return slot == 'a' ? 'b' : 'a';
    }

    /**
     * Without a rollout that retains a version, the previous version stays readable while a node still enforces
     * it (one that lags may still be reading this slot): the slot about to be rewritten is spared while a live
     * node's report names its digest, for at most {@link #MAX_WAIT_FOR_NODES} after the last publication.
     */
    private String stillEnforced(AgentConfig agent, char slot) {
        ConfigMap first = client.configMaps().inNamespace(agent.namespace())
                .withName(ListPublication.partName(agent.blocklist(), slot, 1)).get();
        String digest = first == null || first.getData() == null ? null : first.getData().get(ListPublication.DIGEST);
        if (digest == null) {
            return null;
        }
        ListStatus last = records.list(agent);
        Instant published = last == null ? null : Rfc3339.parse(last.published());
        if (published == null || published.plus(MAX_WAIT_FOR_NODES).isBefore(Instant.now())) {
            return null;
        }
        Instant fresh = Instant.now().minus(ThreatBlocklistNode.HEARTBEAT_INTERVAL.multipliedBy(3));
        long nodes = client.resources(ThreatBlocklistNode.class).inNamespace(agent.namespace())
                .withLabel(ThreatBlocklistNode.BLOCKLIST_LABEL, agent.blocklist()).list().getItems().stream()
                .filter(report -> report.getSpec() != null && digest.equals(report.getSpec().getListDigest()))
                .filter(report -> {
                    Instant heartbeat = Rfc3339.parse(report.getSpec().getHeartbeat());
                    return heartbeat != null && heartbeat.isAfter(fresh);
                }).count();
        return nodes == 0 ? null : nodes + " node(s) still enforce " + ListStatus.version(digest)
                + ", the version before the published one; publishing when they move on";
    }

    /**
     * The spec's whitelist and the cluster's ranges; with the auto-whitelist, also the feed endpoints' addresses
     * (the hub's pod runs on some node that enforces this list).
     */
    private static AddressSet whitelist(AgentLoop.Config config, List<FeedPuller.Source> sources) {
        List<String> entries = config.neverBlocked();
        if (Boolean.TRUE.equals(config.spec().getSafety().getAutoWhitelist())) {
            entries.addAll(AutoWhitelist.endpoints(sources.stream().map(FeedPuller.Source::uri).toList()));
        }
        return AddressSet.of(entries);
    }

    /** A pull that published nothing new: the last publication's facts stay, with this attempt's result. */
    private ListStatus keep(AgentConfig agent, String result, String message, String now, boolean pulled,
            FeedPuller.Pull pull) {
        return ListStatus.kept(records.list(agent), result, message, now, pulled, pull.sources());
    }

    private ListStatus write(AgentConfig agent, ListStatus record) {
        return records.write(agent, record);
    }

    private void apply(ConfigMap configMap) {
        ListPublication.apply(client, configMap);
    }
}
