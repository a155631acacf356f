package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.EntryCounts;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.api.ListBounds;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.AutoWhitelist;
import com.sikkerapi.guard.firewall.Firewall;
import com.sikkerapi.guard.firewall.FirewallException;
import com.sikkerapi.guard.hub.ListPublication;
import com.sikkerapi.guard.net.AddressSet;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One node's work for one blocklist: take the list the hub published (already validated for the cluster), leave out
 * what this node must always reach (its gateways, DNS servers and own addresses, the API server, the cluster's
 * ranges), apply it, self-test, and roll back when the self-test says the new list cut the node off. Each step that
 * fails leaves the last good list live; nothing here ever leaves the node with no list where it had one. A cycle
 * whose inputs (the list's digest, the node's own addresses, the enforcement, the mode) are those in place changes
 * nothing, so the agent can look again often (a new node address is left out within a heartbeat).
 */
public final class AgentLoop {
    private static final Logger LOG = Logger.getLogger(AgentLoop.class);

    /**
     * The operator's configuration for this agent: the validated spec, its mode, the cluster's ranges, and the
     * rollout that says which identity each node enforces (null where the operator said nothing of one).
     */
    public record Config(AgentConfig agent, List<String> protectedRanges, com.sikkerapi.guard.api.Rollout rollout,
            ListBounds bounds) {
        public Config(AgentConfig agent, List<String> protectedRanges) {
            this(agent, protectedRanges, null);
        }

        public Config(AgentConfig agent, List<String> protectedRanges, com.sikkerapi.guard.api.Rollout rollout) {
            this(agent, protectedRanges, rollout, ListBounds.DEFAULTS);
        }

        /** This configuration with another identity's settings (a node not yet moved by a rollout). */
        public Config with(AgentConfig assigned) {
            return new Config(assigned, protectedRanges, rollout, bounds);
        }

        public ThreatBlocklistSpec spec() {
            return agent.spec();
        }

        /** What no output of this blocklist may list or report: the spec's whitelist and the cluster's ranges. */
        public List<String> neverBlocked() {
            List<String> entries = new ArrayList<>(spec().getWhitelist());
            entries.addAll(protectedRanges);
            return entries;
        }
    }

    /**
     * What a cycle did, for the node report and the logs.
     *
     * @param digest the published list this node enforces (or dry-runs), null when it has none
     * @param result Restored, Applied, Unchanged, DryRun, NotPublished, Waiting (for a rollout stage) or Failed
     */
    public record Outcome(NodePhase phase, EntryCounts entries, String digest, String result, String errorReason,
            String errorMessage, boolean rolledBack) {
        public static Outcome error(NodePhase phase, EntryCounts entries, String digest, String reason,
                String message) {
            return new Outcome(phase, entries, digest, "Failed", reason, message, false);
        }
    }

    private final Firewall firewall;
    private final LastGoodList lastGood;
    private final AutoWhitelist.Sources nodeFacts;
    private final List<URI> apiServer;
    private final Function<List<URI>, SelfTest> selfTests;
    private final AgentMetrics metrics;
    private final NodeInvariants invariants = new NodeInvariants();
    /** What is in place: the enforced list's digest and entries, and the inputs it was made from. */
    private EntryCounts enforced;
    private String enforcedDigest;
    private String basis;
    /** A list the self-test refused, and what was said of it: not applied again while its inputs stay the same. */
    private String refusedBasis;
    private Outcome refused;

    /** @param apiServer the API server's address as this agent reaches it: never blocked, and self-tested */
    public AgentLoop(Firewall firewall, LastGoodList lastGood, AutoWhitelist.Sources nodeFacts, List<URI> apiServer,
            Function<List<URI>, SelfTest> selfTests, AgentMetrics metrics) {
        this.firewall = firewall;
        this.lastGood = lastGood;
        this.nodeFacts = nodeFacts;
        this.apiServer = List.copyOf(apiServer);
        this.selfTests = selfTests;
        this.metrics = metrics;
    }

    /**
     * At start-up, before the agent has heard from the API server: the last good list goes live again as it was
     * enforced (after a reboot), or is adopted into the live sets (after a restart or a crash). A dry-run node has
     * no saved list, so this changes nothing there.
     */
    public Optional<Outcome> restore() throws IOException {
        Optional<LastGoodList.Saved> saved;
        try {
            saved = lastGood.load();
        } catch (LastGoodList.Damaged e) {
            return Optional.of(refusedAtRestore(e.getMessage()));
        }
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        String refusal = NodeInvariants.saved(saved.get().list());
        if (refusal != null) {
            return Optional.of(refusedAtRestore(refusal));
        }
        // What a restarted agent's predecessor left is taken as it is when the cheap check finds it intact: nothing
        // is loaded again, and the next change can be a difference. After a reboot, or when it is not intact, the
        // list is loaded whole, and self-tested as any list is: a node that it cuts off is left with none.
        boolean adopted = firewall.adopt(saved.get().list(), saved.get().enforcement());
        if (!adopted) {
            SelfTest checks = selfTests.apply(apiServer);
            Map<String, Boolean> before = checks.run();
            firewall.apply(saved.get().list(), saved.get().enforcement());
            List<String> broken = SelfTest.newlyFailing(before, checks.run());
            if (!broken.isEmpty()) {
                firewall.remove();
                String message = "the last good list broke " + String.join(", ", broken) + " when restored; removed";
                LOG.errorf("Self-test failed: %s", message);
                return Optional.of(new Outcome(NodePhase.Pending, null, null, "Failed", "SelfTestFailed", message,
                        true));
            }
        }
        enforced = counts(saved.get().list());
        enforcedDigest = saved.get().digest();
        basis = saved.get().basis();
        LOG.infof("%s the last good list (%d entries, %s) before the first contact", adopted ? "Adopted"
                : "Restored", enforced.total(), com.sikkerapi.guard.api.ListStatus.version(enforcedDigest));
        return Optional.of(new Outcome(NodePhase.Enforcing, enforced, enforcedDigest, "Restored", null, null, false));
    }

    private static Outcome refusedAtRestore(String refusal) {
        String message = "the last good list on this node's disk is refused: " + refusal;
        LOG.errorf("%s; nothing is restored before the first contact", message);
        return Outcome.error(NodePhase.Pending, null, null, "ListRefused", message);
    }

    /**
     * No identity is known for this node yet (a rollout's first stages on a cluster that had none): whatever is in
     * place stays, and nothing new is applied.
     */
    public Outcome hold() {
        return enforced != null ? new Outcome(NodePhase.Enforcing, enforced, enforcedDigest, "Waiting", null, null,
                false) : new Outcome(NodePhase.Pending, null, null, "Waiting", null, null, false);
    }

    /** One cycle. @param published the hub's list as read and verified, empty before its first publication */
    public Outcome cycle(Config config, Optional<ListPublication.Loaded> published) throws IOException {
        boolean dryRun = config.agent().mode() == Mode.DryRun;
        if (dryRun && firewall.exists()) {
            // Dry-run means this node's firewall is as it was without us.
            firewall.remove();
            lastGood.delete();
            enforced = null;
            enforcedDigest = null;
            basis = null;
        }
        List<String> whitelist = whitelist(config);
        if (published.isEmpty()) {
            return enforced != null ? new Outcome(NodePhase.Enforcing, enforced, enforcedDigest, "NotPublished", null,
                    null, false) : new Outcome(dryRun ? NodePhase.DryRun : NodePhase.Pending, null, null,
                    "NotPublished", "NotPublished", "the hub has not published a list yet", false);
        }
        String digest = published.get().digest();
        // The hub checked these; a node checks them again on whatever it is handed (see NodeInvariants).
        NodeInvariants.Checked checked = invariants.published(published.get(), config.bounds());
        AddressSet publishedList = checked.list();
        String outOfBounds = checked.refusal();
        if (outOfBounds != null) {
            String message = "the list " + com.sikkerapi.guard.api.ListStatus.version(digest) + " is refused: "
                    + outOfBounds;
            LOG.errorf("%s; the list in place stays", message);
            return Outcome.error(enforced != null ? NodePhase.Degraded : NodePhase.Failed, enforced, enforcedDigest,
                    "ListRefused", message);
        }
        String next = basis(digest, whitelist, config);
        if (next.equals(refusedBasis)) {
            return refused;
        }
        // Asked for something else (back to the previous identity): the refusal is over, so that a rollout's
        // retry tries that list again.
        refusedBasis = null;
        refused = null;
        if (next.equals(basis)) {
            return new Outcome(dryRun ? NodePhase.DryRun : NodePhase.Enforcing, enforced, enforcedDigest,
                    "Unchanged", null, null, false);
        }
        AddressSet list = publishedList.except(AddressSet.of(whitelist));
        if (dryRun) {
            EntryCounts wouldBlock = counts(list);
            LOG.infof("Dry-run: would block %d IPv4 and %d IPv6 entries", wouldBlock.v4(), wouldBlock.v6());
            basis = next;
            enforced = wouldBlock;
            enforcedDigest = digest;
            return new Outcome(NodePhase.DryRun, wouldBlock, digest, "DryRun", null, null, false);
        }
        return apply(config, list, digest, next);
    }

    private Outcome apply(Config config, AddressSet list, String digest, String next) throws IOException {
        boolean selfTest = Boolean.TRUE.equals(config.spec().getSafety().getSelfTest());
        SelfTest checks = selfTests.apply(apiServer);
        Map<String, Boolean> before = selfTest ? checks.run() : Map.of();
        long applyStart = System.nanoTime();
        NodePhase failed = enforced != null ? NodePhase.Degraded : NodePhase.Failed;
        Firewall.Change change;
        try {
            change = firewall.apply(list, config.spec().getEnforcement());
            metrics.applied(Duration.ofNanos(System.nanoTime() - applyStart), change.incremental());
        } catch (FirewallException e) {
            LOG.errorf("Apply failed, the live list is unchanged: %s", e.getMessage());
            return Outcome.error(failed, enforced, enforcedDigest, "ApplyFailed", e.getMessage());
        }
        List<String> broken = selfTest ? SelfTest.newlyFailing(before, checks.run()) : List.of();
        if (!broken.isEmpty()) {
            rollBack();
            lastGood.saveRejected(list);
            String message = "the list " + com.sikkerapi.guard.api.ListStatus.version(digest) + " broke "
                    + String.join(", ", broken) + "; rolled back";
            LOG.errorf("Self-test failed: %s", message);
            // Not tried again until something changes: the same inputs would cut the node off again.
            refusedBasis = next;
            refused = new Outcome(failed, enforced, enforcedDigest, "Failed", "SelfTestFailed", message, false);
            return new Outcome(failed, enforced, enforcedDigest, "Failed", "SelfTestFailed", message, true);
        }
        lastGood.save(new LastGoodList.Saved(list, digest, next, config.spec().getEnforcement()));
        enforced = counts(list);
        enforcedDigest = digest;
        basis = next;
        LOG.infof("Enforcing %d IPv4 and %d IPv6 entries (list %s; %s in %d ms)", enforced.v4(), enforced.v6(),
                com.sikkerapi.guard.api.ListStatus.version(digest), change,
                (System.nanoTime() - applyStart) / 1_000_000);
        return new Outcome(NodePhase.Enforcing, enforced, digest, "Applied", null, null, false);
    }

    /**
     * The drift check: what the firewall found changed since its last apply and put back from the list it holds
     * (nothing on a dry-run node, or before a list was applied).
     */
    public List<String> repair() {
        return firewall.repair();
    }

    /** The saved list is still the one from before this apply: it is replaced only after the self-test passed. */
    private void rollBack() throws IOException {
        Optional<LastGoodList.Saved> previous;
        try {
            previous = lastGood.load();
        } catch (LastGoodList.Damaged e) {
            // Nothing trustworthy to go back to: no list is safer than the one that cut the node off.
            LOG.errorf("The last good list %s; removing the list instead", e.getMessage());
            previous = Optional.empty();
        }
        if (previous.isPresent()) {
            firewall.apply(previous.get().list(), previous.get().enforcement());
        } else {
            firewall.remove();
        }
    }

    /** What this node never blocks: the spec's whitelist and, with the auto-whitelist, its own facts. */
    private List<String> whitelist(Config config) {
        List<String> entries = new ArrayList<>(config.spec().getWhitelist());
        if (Boolean.TRUE.equals(config.spec().getSafety().getAutoWhitelist())) {
            entries.addAll(AutoWhitelist.collect(nodeFacts, apiServer, config.protectedRanges()));
        }
        return entries;
    }

    /** Everything an applied list was made from: a cycle with the same basis has nothing to do. */
    private static String basis(String digest, List<String> whitelist, Config config) {
        String text = digest + "\n" + config.agent().mode() + "\n" + Json.write(
                config.spec().getEnforcement()) + "\n" + String.join("\n", new TreeSet<>(whitelist));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static EntryCounts counts(AddressSet list) {
        return EntryCounts.of(list.cidrCountV4(), list.cidrCountV6());
    }
}
