package com.sikkerapi.guard.nginx;

import com.sikkerapi.guard.agent.AgentCommand;
import com.sikkerapi.guard.agent.AgentEnvironment;
import com.sikkerapi.guard.agent.AgentLoop;
import com.sikkerapi.guard.agent.ConfigWatch;
import com.sikkerapi.guard.api.Durations;
import com.sikkerapi.guard.api.NginxOutputSpec;
import com.sikkerapi.guard.api.NginxOutputStatus;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.feed.FeedPuller;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * {@code sikkerguard publish-nginx}: the web-tier publisher, one replica per blocklist with spec.outputs.nginx (a
 * Deployment the operator makes). It reads the same agent ConfigMap as the nodes (the last valid spec, the cluster's
 * ranges) and publishes every pull interval and at once on a change. The key is a mounted file, as for the agents;
 * the operator never reads it.
 */
public final class PublishCommand {
    private static final Logger LOG = Logger.getLogger(PublishCommand.class);
    public static final String FIELD_MANAGER = "sikkerguard-nginx-publisher";
    /** A failed cycle is tried again after this, or after the pull interval when that is shorter. */
    static final Duration RETRY = Duration.ofMinutes(5);

    /** What the Deployment's pod template tells the publisher. */
    record Environment(String blocklist, String namespace, String configMap, Optional<Path> apiKeyFile, Path cache) {
        static Environment from(Map<String, String> env) {
            return new Environment(AgentEnvironment.required(env, "SIKKERGUARD_BLOCKLIST"),
                    AgentEnvironment.required(env, "POD_NAMESPACE"),
                    AgentEnvironment.required(env, "SIKKERGUARD_CONFIGMAP"),
                    Optional.ofNullable(env.get("SIKKERGUARD_API_KEY_FILE")).map(Path::of),
                    Path.of(env.getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir")), "sikkerguard-nginx"));
        }
    }

    private final Environment env;
    private final KubernetesClient client;
    private final NginxPublisher publisher;
    private final ConfigWatch watch = new ConfigWatch();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    PublishCommand(Environment env, KubernetesClient client) {
        this.env = env;
        this.client = client;
        FeedClient feeds = new FeedClient(FeedClient.Settings.DEFAULTS, Optional.empty());
        this.publisher = new NginxPublisher(client, env.apiKeyFile().orElse(env.cache().resolve("no-api-key")),
                new FeedPuller(feeds, env.cache().resolve("block")), new FeedPuller(feeds, env.cache().resolve("challenge")));
    }

    public static int main() {
        com.sikkerapi.guard.cli.ConsoleLogging.configure(System.getenv("SIKKERGUARD_LOG_LEVEL"));
        Environment env = Environment.from(System.getenv());
        PublishCommand command = new PublishCommand(env,
                AgentCommand.kubernetesClient(new ConfigBuilder().build()));
        Runtime.getRuntime().addShutdownHook(new Thread(command::shutdown, "sikkerguard-shutdown"));
        command.run();
        return 0;
    }

    void run() {
        LOG.infof("sikkerguard nginx publisher for %s/%s", env.namespace(), env.blocklist());
        watch.start(client, env.namespace(), env.configMap());
        long generation = -1;
        try {
            while (running) {
                long seen = watch.version();
                Optional<ConfigWatch.Snapshot> snapshot = watch.current();
                if (snapshot.isEmpty() || output(snapshot.get()) == null) {
                    watch.awaitChange(seen, Duration.ofSeconds(10));
                    continue;
                }
                AgentLoop.Config config = snapshot.get().config();
                Duration interval = Durations.parse(config.spec().getPullInterval());
                Duration wait = interval;
                try {
                    NginxOutputStatus status = publisher.cycle(config, config.agent().generation() != generation);
                    generation = config.agent().generation();
                    if (!"Published".equals(status.result()) && !"DryRun".equals(status.result())) {
                        wait = interval.compareTo(RETRY) < 0 ? interval : RETRY;
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.errorf(e, "Publication cycle failed; the last publication stays");
                    wait = interval.compareTo(RETRY) < 0 ? interval : RETRY;
                }
                Instant next = Instant.now().plus(wait);
                while (running && watch.version() == seen && Instant.now().isBefore(next)) {
                    watch.awaitChange(seen, Duration.between(Instant.now(), next));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private static NginxOutputSpec output(ConfigWatch.Snapshot snapshot) {
        var outputs = snapshot.config().spec().getOutputs();
        return outputs == null ? null : outputs.getNginx();
    }

    /**
     * SIGTERM: the publication stays as it is. When the blocklist or its output goes, the operator takes it back
     * (this pod's account goes at the same time, so it could not).
     */
    void shutdown() {
        running = false;
        watch.wake();
        try {
            stopped.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Stopping: the publication stays in place");
        watch.close();
        client.close();
    }
}
