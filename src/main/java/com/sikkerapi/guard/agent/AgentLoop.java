package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.EntryCounts;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.AutoWhitelist;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.feed.ValidationPolicy;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.firewall.Firewall;
import com.sikkerapi.guard.firewall.FirewallException;
import com.sikkerapi.guard.net.AddressSet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One node's work for one blocklist: pull, validate, apply, self-test, and roll back when the self-test says the new
 * list cut the node off. Each step that fails leaves the last good list live; nothing here ever leaves the node
 * with no list where it had one.
 */
public final class AgentLoop {
    private static final Logger LOG = Logger.getLogger(AgentLoop.class);

    /** The operator's configuration for this agent: the validated spec, its mode, and the cluster's ranges. */
    public record Config(AgentConfig agent, List<String> protectedRanges) {
        public ThreatBlocklistSpec spec() {
            return agent.spec();
        }
    }

    /** What a cycle did, for the node report and the logs. */
    public record Outcome(NodePhase phase, EntryCounts entries, String pullResult, String errorReason,
            String errorMessage, boolean rolledBack) {
        public static Outcome error(NodePhase phase, EntryCounts entries, String pullResult, String reason,
                String message) {
            return new Outcome(phase, entries, pullResult, reason, message, false);
        }
    }

    private final Firewall firewall;
    private final FeedPuller puller;
    private final LastGoodList lastGood;
    private final Path apiKeyFile;
    private final AutoWhitelist.Sources nodeFacts;
    private final Function<List<URI>, SelfTest> selfTests;
    private final AgentMetrics metrics;
    private EntryCounts enforced;
    private volatile AddressSet lastWhitelist = AddressSet.EMPTY;

    public AgentLoop(Firewall firewall, FeedPuller puller, LastGoodList lastGood, Path apiKeyFile,
            AutoWhitelist.Sources nodeFacts, Function<List<URI>, SelfTest> selfTests, AgentMetrics metrics) {
        this.firewall = firewall;
        this.puller = puller;
        this.lastGood = lastGood;
        this.apiKeyFile = apiKeyFile;
        this.nodeFacts = nodeFacts;
        this.selfTests = selfTests;
        this.metrics = metrics;
    }

    /**
     * At start-up, before the agent has heard from the API server: the last good list goes live again as it was
     * enforced (after a reboot), or is adopted into the live sets (after a restart or a crash). A dry-run node has
     * no saved list, so this changes nothing there.
     */
    public Optional<Outcome> restore() throws IOException {
        Optional<LastGoodList.Saved> saved = lastGood.load();
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        firewall.apply(saved.get().list(), saved.get().enforcement());
        enforced = counts(saved.get().list());
        LOG.infof("Restored the last good list (%d entries) before the first pull", enforced.total());
        return Optional.of(new Outcome(NodePhase.Enforcing, enforced, "Restored", null, null, false));
    }

    /** One pull cycle. @param configChanged validate even when no feed changed */
    public Outcome cycle(Config config, boolean configChanged) throws IOException {
        ThreatBlocklistSpec spec = config.spec();
        boolean dryRun = config.agent().mode() == Mode.DryRun;
        if (dryRun && firewall.exists()) {
            // Dry-run means this node's firewall is as it was without us.
            firewall.remove();
            lastGood.delete();
            enforced = null;
        }
        List<FeedPuller.Source> sources = FeedPuller.sources(spec, apiKeyFile);
        lastWhitelist = whitelist(config, sources);
        ValidationPolicy policy = ValidationPolicy.of(spec.getSafety(), lastWhitelist);
        long previous = lastGood.listedEntries();
        List<String> rejectedLines = new ArrayList<>();
        long pullStart = System.nanoTime();
        FeedPuller.Pull pull = puller.pull(sources, policy, previous, (source, line, reason, text) -> {
            if (rejectedLines.size() < 20) {
                rejectedLines.add(source + " line " + line + ": " + reason + ": " + text);
            }
        }, configChanged);
        metrics.pulled(Duration.ofNanos(System.nanoTime() - pullStart));
        rejectedLines.forEach(line -> LOG.warnf("Skipped %s", line));
        NodePhase failed = dryRun ? NodePhase.DryRun : enforced != null ? NodePhase.Degraded : NodePhase.Failed;
        if (pull.failure() != null) {
            LOG.warnf("Pull failed, keeping the last good list: %s", pull.failure());
            return Outcome.error(failed, enforced, "Failed", "PullFailed", pull.failure());
        }
        if (pull.unchanged()) {
            return new Outcome(dryRun ? NodePhase.DryRun : enforced != null ? NodePhase.Enforcing : NodePhase.Pending,
                    enforced, "NotModified", null, null, false);
        }
        if (pull.result() instanceof ValidationResult.Rejected rejected) {
            LOG.warnf("List refused, keeping the last good list: %s", rejected.reason());
            return Outcome.error(failed, enforced, "Rejected", "ListRejected", rejected.reason());
        }
        AddressSet list = ((ValidationResult.Accepted) pull.result()).blocked();
        long listed = pull.result().counts().entries();
        if (dryRun) {
            EntryCounts wouldBlock = counts(list);
            LOG.infof("Dry-run: would block %d IPv4 and %d IPv6 entries", wouldBlock.v4(), wouldBlock.v6());
            return new Outcome(NodePhase.DryRun, wouldBlock, "Success", null, null, false);
        }
        return apply(config, sources, list, listed);
    }

    private Outcome apply(Config config, List<FeedPuller.Source> sources, AddressSet list, long listed)
            throws IOException {
        boolean selfTest = Boolean.TRUE.equals(config.spec().getSafety().getSelfTest());
        SelfTest checks = selfTests.apply(sources.stream().map(FeedPuller.Source::uri).toList());
        Map<String, Boolean> before = selfTest ? checks.run() : Map.of();
        long applyStart = System.nanoTime();
        try {
            firewall.apply(list, config.spec().getEnforcement());
            metrics.applied(Duration.ofNanos(System.nanoTime() - applyStart));
        } catch (FirewallException e) {
            LOG.errorf("Apply failed, the live list is unchanged: %s", e.getMessage());
            return Outcome.error(enforced != null ? NodePhase.Degraded : NodePhase.Failed, enforced, "Success",
                    "ApplyFailed", e.getMessage());
        }
        List<String> broken = selfTest ? SelfTest.newlyFailing(before, checks.run()) : List.of();
        if (!broken.isEmpty()) {
            rollBack(config);
            lastGood.saveRejected(list);
            String message = "the new list broke " + String.join(", ", broken) + "; rolled back";
            LOG.errorf("Self-test failed: %s", message);
            return new Outcome(enforced != null ? NodePhase.Degraded : NodePhase.Failed, enforced, "Success",
                    "SelfTestFailed", message, true);
        }
        lastGood.save(list, listed, config.spec().getEnforcement());
        enforced = counts(list);
        LOG.infof("Enforcing %d IPv4 and %d IPv6 entries", enforced.v4(), enforced.v6());
        return new Outcome(NodePhase.Enforcing, enforced, "Success", null, null, false);
    }

    /** The saved list is still the one from before this apply: it is replaced only after the self-test passed. */
    private void rollBack(Config config) throws IOException {
        Optional<LastGoodList.Saved> previous = lastGood.load();
        if (previous.isPresent()) {
            firewall.apply(previous.get().list(), config.spec().getEnforcement());
        } else {
            firewall.remove();
        }
    }

    /** What the last cycle would never block (the spec's whitelist and the auto-whitelist): never reported either. */
    AddressSet whitelist() {
        return lastWhitelist;
    }

    private AddressSet whitelist(Config config, List<FeedPuller.Source> sources) {
        List<String> entries = new ArrayList<>(config.spec().getWhitelist());
        if (Boolean.TRUE.equals(config.spec().getSafety().getAutoWhitelist())) {
            entries.addAll(AutoWhitelist.collect(nodeFacts, sources.stream().map(FeedPuller.Source::uri).toList(),
                    config.protectedRanges()));
        }
        return AddressSet.of(entries);
    }

    private static EntryCounts counts(AddressSet list) {
        return EntryCounts.of(list.cidrCountV4(), list.cidrCountV6());
    }
}
