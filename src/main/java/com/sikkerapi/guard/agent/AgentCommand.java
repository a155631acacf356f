package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.Durations;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.feed.AutoWhitelist;
import com.sikkerapi.guard.firewall.Backends;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.hub.ListPublication;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jboss.logging.Logger;

/**
 * {@code sikkerguard agent}: one node's agent for one blocklist, as the DaemonSet runs it. Restores the last good
 * list at once, then enforces the list the blocklist's hub publishes (read through the API server and verified by
 * its digest), looking again at once when the hub publishes or the operator changes its configuration and at every
 * heartbeat, reporting each cycle in the node's ThreatBlocklistNode. It pulls no feed and holds no key. On SIGTERM
 * it removes everything it made only when its blocklist is gone or this node is no longer selected; on a plain
 * restart or an upgrade it leaves the rules for its successor.
 */
public final class AgentCommand {
    private static final Logger LOG = Logger.getLogger(AgentCommand.class);
    /** A published list that could not be read whole (the hub rewriting a slot) is read again this soon. */
    static final Duration RETRY = Duration.ofSeconds(10);

    private final AgentEnvironment env;
    private final KubeApi api;
    private final Backends firewall;
    private final AgentLoop loop;
    private final NodeReporter reporter;
    private final BlockedObserver observer;
    private final BlockedSources sources;
    private final AgentMetrics metrics = new AgentMetrics();
    private final AgentHealth health = new AgentHealth();
    private volatile HealthServer healthServer;
    private final ConfigWatch watch = new ConfigWatch();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private final PublishedLists lists;
    private final DriftRepairs repairs;
    private final NodeEvents events;
    /** What the restore at start-up did, until the first contact reports it. */
    private Optional<AgentLoop.Outcome> restored = Optional.empty();
    /** What the rollout assigned this node in the last cycle; null without a rollout. */
    private volatile com.sikkerapi.guard.api.Rollout.Assignment assignment;

    AgentCommand(AgentEnvironment env, KubeApi api, Commands commands) {
        this.env = env;
        this.api = api;
        Naming names = Naming.of(env.namespace(), env.blocklist());
        this.firewall = new Backends(commands, names, env.stateDir());
        List<URI> apiServer = List.of(api.server());
        this.loop = new AgentLoop(firewall, new LastGoodList(env.stateDir()), AutoWhitelist.Sources.NODE, apiServer,
                endpoints -> new SelfTest(commands, AutoWhitelist.gateways(AutoWhitelist.Sources.NODE), endpoints),
                metrics);
        this.reporter = new NodeReporter(api, env.namespace(), env.node());
        this.lists = new PublishedLists(api, env.namespace(), env.blocklist());
        // ulogd's configuration goes to the scratch folder (the root file system is read-only).
        this.observer = BlockedObserver.toLog(commands, names, env.scratchDir(), env.blockedLogInterval(),
                metrics);
        this.events = new NodeEvents(api, env.node());
        this.repairs = new DriftRepairs(loop, reporter, metrics, events);
        this.sources = new BlockedSources(observer::drainForReports, this::blockedSources);
    }

    public static int main() {
        com.sikkerapi.guard.cli.ConsoleLogging.configure(System.getenv("SIKKERGUARD_LOG_LEVEL"));
        AgentEnvironment env = AgentEnvironment.from(System.getenv());
        AgentCommand agent = new AgentCommand(env, KubeApi.fromEnvironment(System.getenv()), Commands.local());
        Runtime.getRuntime().addShutdownHook(new Thread(agent::shutdown, "sikkerguard-shutdown"));
        agent.run();
        return 0;
    }

    void run() {
        LOG.infof("sikkerguard agent for %s/%s on node %s", env.namespace(), env.blocklist(), env.node());
        // The node is protected again first, from its own disk: the API server may be unreachable yet.
        restored = restore();
        restored.filter(outcome -> outcome.errorReason() == null).ifPresent(outcome -> health.restored());
        startHealthServer();
        watch.start(api, env.namespace(), env.configMap(), ListPublication.pointerName(env.blocklist()));
        try {
            while (running) {
                Optional<ConfigWatch.Snapshot> snapshot = watch.current();
                health.progressed();
                if (snapshot.isEmpty()) {
                    watch.awaitChange(watch.version(), Duration.ofSeconds(10));
                    continue;
                }
                long seen = watch.version();
                try {
                    step(snapshot.get().config(), seen);
                } catch (RuntimeException e) {
                    // Nothing handed to the node may end its agent: the rules in place stay, and it tries again.
                    LOG.errorf(e, "Agent step failed; the rules in place stay");
                    watch.awaitChange(seen, RETRY);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /** One turn of the loop on the configuration at hand: cycle, report, observe, then wait for a change. */
    private void step(AgentLoop.Config config, long seen) throws InterruptedException {
        restored.ifPresent(outcome -> report(config, outcome));
        restored.filter(outcome -> outcome.errorReason() != null).ifPresent(outcome -> {
            Instant now = Instant.now();
            events.warning(config.agent(), "restore", outcome.errorReason(), outcome.errorMessage(),
                    com.sikkerapi.guard.api.Rfc3339.format(now), 1, now);
        });
        restored = Optional.empty();
        // What this node is to enforce: the rollout's assignment (the target, or the previous identity).
        assignment = config.rollout() == null ? null
                : config.rollout().assignment(env.node(), config.agent());
        AgentLoop.Config assigned = assignment == null ? config : config.with(assignment.config());
        AgentLoop.Outcome outcome = cycle(assigned);
        metrics.cycle(outcome);
        health.cycle(outcome, assigned.agent().mode());
        report(assigned, outcome);
        observe(assigned);
        // Wake up for the heartbeat as well: a quiet node still shows it is alive, and its own addresses
        // are looked at again.
        Duration wait = "ListUnreadable".equals(outcome.errorReason()) ? RETRY
                : ThreatBlocklistNode.HEARTBEAT_INTERVAL;
        repairs.awaitChange(watch, seen, wait, assigned, () -> running, health::progressed);
    }

    /**
     * One cycle on what the rollout assigns this node ({@link #assignment}, whose settings {@code config} has): the
     * target or the previous identity, each with its own list; nothing new while no identity is known for it (it
     * keeps what is in place).
     */
    private AgentLoop.Outcome cycle(AgentLoop.Config config) {
        try {
            if (assignment != null && assignment.identity() == null) {
                return loop.hold();
            }
            Optional<ListPublication.Loaded> list;
            try {
                list = lists.wanted(watch.pointer(), assignment);
            } catch (ListPublication.Unreadable e) {
                LOG.warnf("The published list cannot be read whole yet (%s); keeping the list in place",
                        e.getMessage());
                return AgentLoop.Outcome.error(firewall.exists() ? NodePhase.Degraded : NodePhase.Pending,
                        null, null, "ListUnreadable", e.getMessage());
            }
            return loop.cycle(config, list);
        } catch (java.io.IOException | RuntimeException e) {
            // One bad cycle (a failing tool, an API server gone mid-read) must not end the agent: report it and
            // try again later; the rules in place stay as they are.
            LOG.errorf(e, "Cycle failed");
            return AgentLoop.Outcome.error(firewall.exists() ? NodePhase.Degraded : NodePhase.Failed, null, null,
                    "AgentError", String.valueOf(e.getMessage()));
        }
    }

    /** Probes, /status and /metrics on the port the operator gave this blocklist's agents, on loopback. */
    private void startHealthServer() {
        HealthServer.Endpoints endpoints = new HealthServer.Endpoints() {
            @Override
            public HealthServer.Answer healthz() {
                String problem = health.problem(Instant.now());
                return problem == null ? new HealthServer.Answer(200, "text/plain", "ok\n")
                        : new HealthServer.Answer(503, "text/plain", problem + "\n");
            }

            @Override
            public HealthServer.Answer livez() {
                return health.live(Instant.now()) ? new HealthServer.Answer(200, "text/plain", "ok\n")
                        : new HealthServer.Answer(503, "text/plain", "the loop is stuck\n");
            }

            @Override
            public HealthServer.Answer status() {
                return new HealthServer.Answer(200, "application/json", health.statusJson(reporter.snapshot(),
                        observer.observedPackets(), Instant.now()));
            }

            @Override
            public HealthServer.Answer metrics() {
                return new HealthServer.Answer(200, "text/plain; version=0.0.4", metrics.scrape());
            }
        };
        HealthServer.startWhenFree(env.healthPort(), endpoints, () -> running, server -> healthServer = server);
    }

    private Optional<AgentLoop.Outcome> restore() {
        try {
            return loop.restore();
        } catch (java.io.IOException | RuntimeException e) {
            // The first cycle applies a fresh list; until then the node has what it had (after a restart, the
            // live sets are still in place).
            LOG.errorf(e, "Could not restore the last good list");
            return Optional.empty();
        }
    }

    /**
     * Blocked packets are observed while this node enforces (a dry-run node drops nothing), and handed to the hub
     * for its reports when the blocklist pulls from SikkerAPI and reporting is on.
     */
    private void observe(AgentLoop.Config config) {
        boolean enforcing = config.agent().mode() == Mode.Enforcing && firewall.exists();
        EnforcementSpec.BlockedLog log = enforcing ? config.spec().getEnforcement().getBlockedLog()
                : EnforcementSpec.BlockedLog.NONE;
        observer.follow(log, config.spec().getReporting().getPortMap());
        boolean report = log != EnforcementSpec.BlockedLog.NONE && config.agent().reports();
        sources.configure(report ? Durations.parse(config.spec().getReporting().getInterval()) : null);
    }

    /** An interval's attackers into the node report, written at once for the hub. */
    private void blockedSources(List<com.sikkerapi.guard.api.BlockedSource> blocked, Instant until) {
        if (!blocked.isEmpty()) {
            LOG.infof("%d attacker(s) blocked in the last reporting interval, in the node report for the hub",
                    blocked.size());
        }
        reporter.blockedSources(blocked, until);
        watch.current().ifPresent(snapshot -> reporter.publish(snapshot.config().agent(), Instant.now()));
    }

    /** Exact drops from the rule counters, for the node report and the metrics. */
    private void observed() {
        long dropped = firewall.droppedPackets();
        metrics.dropped(dropped);
        reporter.observed(dropped);
    }

    private void report(AgentLoop.Config config, AgentLoop.Outcome outcome) {
        com.sikkerapi.guard.api.Rollout.Assignment assigned = assignment;
        reporter.record(config.agent(), outcome, assigned == null ? null : assigned.identity(), Instant.now());
        reporter.backend(firewall.current());
        observed();
        reporter.publish(config.agent(), Instant.now());
    }

    /** SIGTERM: leave the rules for a successor, unless this agent is leaving the node for good. */
    void shutdown() {
        running = false;
        watch.wake();
        try {
            stopped.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Optional<ConfigWatch.Snapshot> snapshot = watch.current();
        String leaving = Leaving.reason(api, env, snapshot);
        if (leaving != null) {
            LOG.infof("Removing this node's rules and sets: %s", leaving);
            firewall.remove();
            try {
                new LastGoodList(env.stateDir()).delete();
            } catch (java.io.IOException e) {
                LOG.warnf("Could not delete the saved list: %s", e.getMessage());
            }
            snapshot.ifPresent(s -> reporter.delete(s.config().agent()));
        } else {
            LOG.info("Stopping for a restart: the rules stay in place for the next agent");
        }
        if (healthServer != null) {
            healthServer.close();
        }
        sources.close();
        observer.flush();
        observer.close();
        try {
            java.nio.file.Files.deleteIfExists(env.scratchDir());
        } catch (java.io.IOException e) {
            LOG.debugf("scratch folder left: %s", e.getMessage()); // not empty: not ours to judge
        }
        watch.close();
    }
}
