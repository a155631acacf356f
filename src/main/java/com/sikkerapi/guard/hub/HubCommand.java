package com.sikkerapi.guard.hub;

import com.sikkerapi.guard.agent.AgentEnvironment;
import com.sikkerapi.guard.agent.AgentLoop;
import com.sikkerapi.guard.agent.ConfigWatch;
import com.sikkerapi.guard.agent.KubeApi;
import com.sikkerapi.guard.api.Durations;
import com.sikkerapi.guard.api.ListStatus;
import com.sikkerapi.guard.api.NginxOutputStatus;
import com.sikkerapi.guard.feed.DestinationPolicy;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.nginx.NginxPublisher;
import com.sikkerapi.guard.report.BulkReporter;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * {@code sikkerguard hub}: the blocklist's one puller (a Deployment of one replica the operator makes). It reads the
 * agent ConfigMap (the last valid spec, the cluster's ranges), pulls every source once per pull interval for the
 * whole cluster, publishes the validated list for the nodes ({@link ListPublication}) and, when the spec asks for
 * it, the web-tier output from the same pull; every reporting interval it reports what all nodes blocked, once
 * ({@link HubReports}). The key is a mounted file in this pod alone; no node holds it.
 */
public final class HubCommand {
    private static final Logger LOG = Logger.getLogger(HubCommand.class);
    public static final String FIELD_MANAGER = "sikkerguard-hub";
    /** A failed cycle is tried again after this, or after the pull interval when that is shorter. */
    static final Duration RETRY = Duration.ofMinutes(5);
    /** A publication waiting for lagging nodes looks again this soon. */
    static final Duration WAITING_RETRY = Duration.ofSeconds(30);
    /** How often the report timer looks whether a round is due. */
    static final Duration REPORT_TICK = Duration.ofSeconds(5);

    /**
     * What the Deployment's pod template tells the hub.
     *
     * @param refusedRanges the operator's ranges the hub never connects to (besides loopback, link-local, the
     *        private ranges and the cluster's own)
     * @param allowedRanges the operator's exceptions to the private ranges (an internal mirror)
     */
    public record Environment(String blocklist, String namespace, String configMap, Optional<Path> apiKeyFile,
            Path cache, boolean allowPlainHttp, List<String> refusedRanges, List<String> allowedRanges) {
        public static Environment from(Map<String, String> env) {
            return new Environment(AgentEnvironment.required(env, "SIKKERGUARD_BLOCKLIST"),
                    AgentEnvironment.required(env, "POD_NAMESPACE"),
                    AgentEnvironment.required(env, "SIKKERGUARD_CONFIGMAP"),
                    Optional.ofNullable(env.get("SIKKERGUARD_API_KEY_FILE")).map(Path::of),
                    Path.of(env.getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir")), "sikkerguard-hub"),
                    Boolean.parseBoolean(env.getOrDefault("SIKKERGUARD_ALLOW_PLAIN_HTTP", "false")),
                    ranges(env.get("SIKKERGUARD_REFUSED_RANGES")), ranges(env.get("SIKKERGUARD_ALLOWED_RANGES")));
        }

        private static List<String> ranges(String commaSeparated) {
            return commaSeparated == null ? List.of() : java.util.Arrays.stream(commaSeparated.split(","))
                    .map(String::strip).filter(range -> !range.isEmpty()).toList();
        }
    }

    private final Environment env;
    private final KubernetesClient client;
    private final KubeApi api;
    private final ListHub nodes;
    private final NginxPublisher nginx;
    private final HubReports reports;
    private final java.util.concurrent.ScheduledExecutorService reportTimer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "sikkerguard-hub-reports");
                thread.setDaemon(true);
                return thread;
            });
    private Instant nextReport;
    private Instant nextCollect;
    private final ConfigWatch watch = new ConfigWatch();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * @param destinations where the hub may connect; empty for the operator's rules from the environment (the
     *        Deployment's way), a fixed policy for a hub driven in-process against feeds on loopback (tests)
     * @param api the same account for the watch of the agent configuration, which the hub shares with the agents
     */
    public HubCommand(Environment env, KubernetesClient client, KubeApi api, FeedClient.Settings feedSettings,
            BulkReporter.Settings reportSettings, Optional<DestinationPolicy> destinations) {
        this.env = env;
        this.client = client;
        this.api = api;
        FeedClient feeds = new FeedClient(feedSettings, Optional.empty(),
                () -> destinations.orElseGet(this::destinations));
        Path keyFile = env.apiKeyFile().orElse(env.cache().resolve("no-api-key"));
        HubRecord records = new HubRecord(client);
        this.nodes = new ListHub(client, new FeedPuller(feeds, env.cache().resolve("nodes")), keyFile, records);
        this.reports = new HubReports(client, new BulkReporter(reportSettings), keyFile, records);
        this.nginx = new NginxPublisher(client, keyFile, new FeedPuller(feeds, env.cache().resolve("nginx-block")),
                new FeedPuller(feeds, env.cache().resolve("nginx-challenge")));
    }

    public static int main() {
        com.sikkerapi.guard.cli.ConsoleLogging.configure(System.getenv("SIKKERGUARD_LOG_LEVEL"));
        DestinationPolicy.pinLookups();
        Environment env = Environment.from(System.getenv());
        HubCommand command = new HubCommand(env, kubernetesClient(new ConfigBuilder().build()),
                KubeApi.fromEnvironment(System.getenv()), FeedClient.Settings.DEFAULTS, BulkReporter.Settings.DEFAULTS,
                Optional.empty());
        Runtime.getRuntime().addShutdownHook(new Thread(command::shutdown, "sikkerguard-shutdown"));
        command.run();
        return 0;
    }

    /** The hub's client (in-cluster account or kubeconfig) on the JDK's HTTP client: see pom.xml. */
    public static KubernetesClient kubernetesClient(Config config) {
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }

    public void run() {
        LOG.infof("sikkerguard hub for %s/%s", env.namespace(), env.blocklist());
        watch.start(api, env.namespace(), env.configMap());
        reportTimer.scheduleWithFixedDelay(this::reportTick, REPORT_TICK.toMillis(), REPORT_TICK.toMillis(),
                TimeUnit.MILLISECONDS);
        String spec = null;
        List<String> ranges = null;
        Instant nextPull = Instant.MIN;
        boolean waiting = false; // the last list pulled waits for the nodes to leave the slot it goes into
        try {
            while (running) {
                long seen = watch.version();
                Optional<ConfigWatch.Snapshot> snapshot = watch.current();
                if (snapshot.isEmpty()) {
                    watch.awaitChange(seen, Duration.ofSeconds(10));
                    continue;
                }
                AgentLoop.Config config = snapshot.get().config();
                // What the hub's work depends on: the spec (its generation) and mode, and the cluster's ranges.
                // Anything else in the ConfigMap (the nodes selected) needs nothing of the hub.
                String specNow = config.agent().generation() + "/" + config.agent().mode();
                boolean specChanged = !specNow.equals(spec);
                boolean rangesChanged = !config.protectedRanges().equals(ranges);
                boolean due = !Instant.now().isBefore(nextPull);
                if (specChanged || rangesChanged || due) {
                    Duration interval = pullInterval(config.spec().getPullInterval());
                    try {
                        // New cluster ranges alone are applied to the bodies at hand: no request to any source. So
                        // is a list that waited for the nodes to move on: it was pulled already.
                        boolean retry = due && waiting && !specChanged;
                        ListHub.Pulled pulled = nodes.cycle(config, specChanged || rangesChanged || retry,
                                (specChanged || due) && !retry);
                        if (specChanged || due) {
                            nextPull = Instant.now().plus(retryAfter(pulled.record(), interval));
                            waiting = "Waiting".equals(pulled.record().result());
                        }
                        publishNginx(config, specChanged || rangesChanged, pulled);
                    } catch (java.io.IOException | RuntimeException e) {
                        LOG.errorf(e, "Hub cycle failed; the published list stays");
                        nextPull = Instant.now().plus(min(interval, RETRY));
                        waiting = false;
                    }
                    spec = specNow;
                    ranges = config.protectedRanges();
                }
                while (running && watch.version() == seen && Instant.now().isBefore(nextPull)) {
                    watch.awaitChange(seen, Duration.between(Instant.now(), nextPull));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private void publishNginx(AgentLoop.Config config, boolean changed, ListHub.Pulled pulled)
            throws java.io.IOException {
        var outputs = config.spec().getOutputs();
        if (outputs == null || outputs.getNginx() == null) {
            return;
        }
        ListStatus record = pulled.record();
        boolean failed = pulled.list() == null && record.failed();
        NginxOutputStatus status = nginx.cycle(config, changed, new NginxPublisher.NodeList(pulled.list(),
                pulled.listed(), failed ? record.result() : null, failed ? record.message() : null));
        LOG.debugf("Web-tier output: %s", status.result());
    }

    /**
     * One report round per reporting interval (looked at every {@link #REPORT_TICK}, so a changed interval takes
     * effect without a restart), while the blocklist reports at all.
     */
    private void reportTick() {
        try {
            Optional<ConfigWatch.Snapshot> snapshot = watch.current();
            if (snapshot.isEmpty() || !snapshot.get().config().agent().reports()) {
                nextReport = null;
                return;
            }
            AgentLoop.Config config = snapshot.get().config();
            Duration interval = Durations.parse(config.spec().getReporting().getInterval());
            Instant now = Instant.now();
            if (nextReport == null || nextReport.isAfter(now.plus(interval))) {
                nextReport = now.plus(interval);
            }
            if (now.isBefore(nextReport)) {
                // A node's interval stays in its report for one interval: looking twice as often as the nodes
                // publish sees each one, whatever the phase of their timers and this one (which lags a tick at
                // most each round); looking once per interval lost one now and then.
                if (nextCollect == null || !now.isBefore(nextCollect)) {
                    nextCollect = now.plus(interval.dividedBy(2));
                    reports.collect(config);
                }
                return;
            }
            nextReport = now.plus(interval);
            nextCollect = now.plus(interval.dividedBy(2));
            reports.round(config);
        } catch (RuntimeException e) {
            LOG.warnf("Reporting failed: %s", e.getMessage());
        }
    }

    /** The operator's rules, with the cluster's ranges as the configuration names them now. */
    private DestinationPolicy destinations() {
        List<String> refused = new java.util.ArrayList<>(env.refusedRanges());
        watch.current().ifPresent(snapshot -> refused.addAll(snapshot.config().protectedRanges()));
        return DestinationPolicy.of(env.allowPlainHttp(), refused, env.allowedRanges());
    }

    /**
     * The spec's pull interval within the bounds the operator validates (the configuration reaches the hub through
     * an object others may write); unreadable, an hour.
     */
    static Duration pullInterval(String text) {
        return com.sikkerapi.guard.api.DurationBounds.PULL_INTERVAL.clamp(text, Duration.ofHours(1));
    }

    static Duration retryAfter(ListStatus record, Duration interval) {
        if ("Waiting".equals(record.result())) {
            return min(interval, WAITING_RETRY);
        }
        return record.failed() ? min(interval, RETRY) : interval;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * SIGTERM: the publications stay as they are (the nodes keep enforcing). When the blocklist goes, its owner
     * references take them; when only the web-tier output goes, the operator takes it back.
     */
    public void shutdown() {
        running = false;
        watch.wake();
        try {
            stopped.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reportTimer.shutdownNow();
        LOG.info("Stopping: the publications stay in place");
        watch.close();
        client.close();
    }
}
