package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.Durations;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.SikkerApiSource;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.feed.AutoWhitelist;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.ipset.Naming;
import com.sikkerapi.guard.report.BulkReporter;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jboss.logging.Logger;

/**
 * {@code sikkerguard agent}: one node's agent for one blocklist, as the DaemonSet runs it. Restores the last good
 * list at once, then pulls every pullInterval and at once when the operator changes its configuration, reporting
 * each cycle in the node's ThreatBlocklistNode. On SIGTERM it removes everything it made only when its blocklist is
 * gone or this node is no longer selected; on a plain restart or an upgrade it leaves the rules for its successor.
 */
public final class AgentCommand {
    private static final Logger LOG = Logger.getLogger(AgentCommand.class);
    /** A failed pull is tried again after this, or after the pull interval when that is shorter. */
    static final Duration RETRY = Duration.ofMinutes(5);

    private final AgentEnvironment env;
    private final KubernetesClient client;
    private final IpsetFirewall firewall;
    private final AgentLoop loop;
    private final NodeReporter reporter;
    private final BlockedObserver observer;
    private final AttackReports reports;
    private final AgentMetrics metrics = new AgentMetrics();
    private final AgentHealth health = new AgentHealth();
    private volatile HealthServer healthServer;
    private final ConfigWatch watch = new ConfigWatch();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    AgentCommand(AgentEnvironment env, KubernetesClient client, Commands commands) {
        this.env = env;
        this.client = client;
        this.firewall = new IpsetFirewall(commands, Naming.of(env.namespace(), env.blocklist()),
                IptablesFlavour.detect(commands), env.stateDir());
        this.loop = new AgentLoop(firewall, new FeedPuller(new FeedClient(FeedClient.Settings.DEFAULTS, Optional.empty()),
                env.stateDir().resolve("feeds")), new LastGoodList(env.stateDir()),
                env.apiKeyFile().orElse(env.stateDir().resolve("no-api-key")), AutoWhitelist.Sources.NODE,
                endpoints -> new SelfTest(commands, AutoWhitelist.gateways(AutoWhitelist.Sources.NODE), endpoints),
                metrics);
        this.reporter = new NodeReporter(client, env.namespace(), env.node());
        // ulogd's configuration goes to the scratch folder (the root file system is read-only).
        this.observer = BlockedObserver.toLog(commands, firewall.names(), env.scratchDir(), env.blockedLogInterval(),
                metrics);
        this.reports = new AttackReports(new BulkReporter(BulkReporter.Settings.DEFAULTS), observer::drainForReports,
                LOG::info, LOG::warn, metrics);
    }

    public static int main() {
        com.sikkerapi.guard.cli.ConsoleLogging.configure(System.getenv("SIKKERGUARD_LOG_LEVEL"));
        AgentEnvironment env = AgentEnvironment.from(System.getenv());
        KubernetesClient client = kubernetesClient(new ConfigBuilder().build());
        AgentCommand agent = new AgentCommand(env, client, Commands.local());
        Runtime.getRuntime().addShutdownHook(new Thread(agent::shutdown, "sikkerguard-shutdown"));
        agent.run();
        return 0;
    }

    /** The agent's client (in-cluster account or kubeconfig) on the JDK's HTTP client: see pom.xml. */
    public static KubernetesClient kubernetesClient(Config config) {
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }

    void run() {
        LOG.infof("sikkerguard agent for %s/%s on node %s", env.namespace(), env.blocklist(), env.node());
        // The node is protected again first, from its own disk: the API server may be unreachable yet.
        Optional<AgentLoop.Outcome> restored = restore();
        restored.filter(outcome -> outcome.errorReason() == null).ifPresent(outcome -> health.restored());
        startHealthServer();
        watch.start(client, env.namespace(), env.configMap());
        long seen = -1;
        long generation = -1;
        try {
            while (running) {
                Optional<ConfigWatch.Snapshot> snapshot = watch.current();
                health.progressed();
                if (snapshot.isEmpty()) {
                    watch.awaitChange(watch.version(), Duration.ofSeconds(10));
                    continue;
                }
                seen = watch.version();
                AgentLoop.Config config = snapshot.get().config();
                restored.ifPresent(outcome -> report(config, outcome));
                restored = Optional.empty();
                AgentLoop.Outcome outcome;
                try {
                    boolean changed = config.agent().generation() != generation;
                    outcome = loop.cycle(config, changed);
                    generation = config.agent().generation();
                } catch (java.io.IOException | RuntimeException e) {
                    // One bad cycle (an unreadable key file, a failing tool) must not end the agent: report it and
                    // try again later; the rules in place stay as they are.
                    LOG.errorf(e, "Cycle failed");
                    outcome = AgentLoop.Outcome.error(firewall.exists() ? NodePhase.Degraded : NodePhase.Failed, null,
                            "Failed", "AgentError", String.valueOf(e.getMessage()));
                }
                Duration interval = Durations.parse(config.spec().getPullInterval());
                metrics.cycle(outcome);
                health.cycle(outcome, config.agent().mode());
                report(config, outcome);
                observe(config);
                Duration wait = outcome.errorReason() == null ? interval : min(interval, RETRY);
                // Wake up for the heartbeat as well, so a quiet node still shows it is alive.
                Instant next = Instant.now().plus(wait);
                while (running && watch.version() == seen && Instant.now().isBefore(next)) {
                    watch.awaitChange(seen, min(Duration.between(Instant.now(), next),
                            ThreatBlocklistNode.HEARTBEAT_INTERVAL));
                    if (watch.version() == seen) {
                        health.progressed();
                        observed();
                        reporter.publish(config.agent(), Instant.now());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Probes, /status and /metrics on the port the operator gave this blocklist's agents. The port may still be
     * held for a moment (the previous agent of a restarting pod): binding is tried again until it succeeds, and
     * the agent protects the node meanwhile (its probes fail, which shows).
     */
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
                        observer.observedPackets(), reports.reported(), Instant.now()));
            }

            @Override
            public HealthServer.Answer metrics() {
                return new HealthServer.Answer(200, "text/plain; version=0.0.4", metrics.scrape());
            }
        };
        Thread binder = new Thread(() -> {
            for (int attempt = 0; running && healthServer == null; attempt++) {
                try {
                    healthServer = HealthServer.start(env.healthPort(), endpoints);
                } catch (java.io.IOException e) {
                    if (attempt % 12 == 0) {
                        LOG.errorf("Cannot listen on 127.0.0.1:%d for the probes (%s); trying again",
                                env.healthPort(), e.getMessage());
                    }
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }, "sikkerguard-health-bind");
        binder.setDaemon(true);
        binder.start();
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
     * Blocked packets are observed while this node enforces (a dry-run node drops nothing), and reported when the
     * blocklist pulls from SikkerAPI and reporting is on.
     */
    private void observe(AgentLoop.Config config) {
        boolean enforcing = config.agent().mode() == Mode.Enforcing && firewall.exists();
        EnforcementSpec.BlockedLog log = enforcing ? config.spec().getEnforcement().getBlockedLog()
                : EnforcementSpec.BlockedLog.NONE;
        observer.follow(log, config.spec().getReporting().getPortMap());
        SikkerApiSource sikkerapi = config.spec().getSource().getSikkerapi();
        boolean report = log != EnforcementSpec.BlockedLog.NONE && sikkerapi != null && env.apiKeyFile().isPresent()
                && Boolean.TRUE.equals(config.spec().getReporting().getEnabled());
        reports.configure(report ? new AttackReports.Plan(URI.create(sikkerapi.getEndpoint()),
                env.apiKeyFile().get(), loop.whitelist(), Durations.parse(config.spec().getReporting().getInterval()))
                : null);
    }

    /** Exact drops from the rule counters, for the node report and the metrics. */
    private void observed() {
        long dropped = firewall.droppedPackets();
        metrics.dropped(dropped);
        reporter.observed(dropped, reports.lastReport());
    }

    private void report(AgentLoop.Config config, AgentLoop.Outcome outcome) {
        reporter.record(config.agent(), outcome, Instant.now());
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
        String leaving = leavingReason(snapshot);
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
        reports.close();
        observer.flush();
        observer.close();
        try {
            java.nio.file.Files.deleteIfExists(env.scratchDir());
        } catch (java.io.IOException e) {
            LOG.debugf("scratch folder left: %s", e.getMessage()); // not empty: not ours to judge
        }
        watch.close();
        client.close();
    }

    /** What the API server says of this agent's blocklist. */
    enum BlocklistState { PRESENT, GONE, NO_ACCESS, UNREACHABLE }

    /**
     * Why this agent leaves its node for good (then it removes what it made), or null when it stops for a restart,
     * an upgrade or a drain (then the rules stay for its successor). Deleting a blocklist lets the garbage collector
     * delete the agent's account, Role and binding in the same wave as its DaemonSet, so the agent may no longer be
     * allowed to ask; those are owned by the blocklist, so a refusal means it is being deleted. (Waiting for the
     * configuration's deletion on the agent's watch instead left a node's rules behind on real nodes: a watch that
     * lapses cannot come back without the access that is gone.) An API server it cannot reach is never taken as a
     * deletion.
     */
    String leavingReason(Optional<ConfigWatch.Snapshot> snapshot) {
        boolean deselected = snapshot.flatMap(ConfigWatch.Snapshot::selectedNodes)
                .map(nodes -> !nodes.contains(env.node())).orElse(false);
        if (deselected) {
            return "this node is no longer selected";
        }
        return switch (blocklistState()) {
            case GONE -> "the blocklist was deleted";
            case NO_ACCESS -> "the blocklist was deleted (its agent's access went with it)";
            case PRESENT, UNREACHABLE -> null;
        };
    }

    /** Deleted, or being deleted, is GONE; a refusal (403, or 401 for a deleted account) is NO_ACCESS. */
    private BlocklistState blocklistState() {
        try {
            ThreatBlocklist blocklist = client.resources(ThreatBlocklist.class).inNamespace(env.namespace())
                    .withName(env.blocklist()).get();
            return blocklist == null || blocklist.getMetadata().getDeletionTimestamp() != null ? BlocklistState.GONE
                    : BlocklistState.PRESENT;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 401 || e.getCode() == 403) {
                LOG.infof("The API server refuses this agent its blocklist (%d): its access may have been deleted"
                        + " with the blocklist", e.getCode());
                return BlocklistState.NO_ACCESS;
            }
            LOG.warnf("Cannot tell whether the blocklist still exists (%s); leaving the rules in place",
                    e.getMessage());
            return BlocklistState.UNREACHABLE;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
