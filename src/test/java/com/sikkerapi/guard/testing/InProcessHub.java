package com.sikkerapi.guard.testing;

import com.sikkerapi.guard.agent.KubeApi;
import com.sikkerapi.guard.feed.DestinationPolicy;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.hub.HubCommand;
import com.sikkerapi.guard.report.BulkReporter;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A blocklist's hub run in the test JVM as its Deployment would run it, with its own ServiceAccount's token (so its
 * RBAC is the real one), against feeds on loopback (which the operator's rules refuse: here any destination is
 * allowed). For tests on the real API server without kubelets; on real nodes the hub is a pod.
 */
public final class InProcessHub implements AutoCloseable {
    private final HubCommand hub;
    private final Thread thread;

    private InProcessHub(HubCommand hub) {
        this.hub = hub;
        this.thread = new Thread(hub::run, "in-process-hub");
        thread.start();
    }

    /** @param apiKeyFile the mounted key, or null for a feeds-only blocklist */
    public static InProcessHub start(KubeApiServer server, String namespace, String blocklist, Path cache,
            Path apiKeyFile) {
        String token = server.kubectl("-n", namespace, "create", "token", blocklist + "-hub").check().stdout().strip();
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url()).withOauthToken(token)
                .withTrustCerts(true).withNamespace(namespace).build();
        Map<String, String> env = new HashMap<>(Map.of("SIKKERGUARD_BLOCKLIST", blocklist, "POD_NAMESPACE", namespace,
                "SIKKERGUARD_CONFIGMAP", blocklist + "-agent", "TMPDIR", cache.toString()));
        if (apiKeyFile != null) {
            env.put("SIKKERGUARD_API_KEY_FILE", apiKeyFile.toString());
        }
        return new InProcessHub(new HubCommand(HubCommand.Environment.from(env), HubCommand.kubernetesClient(config),
                KubeApi.of(java.net.URI.create(server.url()), token, null),
                new FeedClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(10), 1 << 24, 0,
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofSeconds(1), "test"),
                BulkReporter.Settings.DEFAULTS, Optional.of(DestinationPolicy.ANY)));
    }

    @Override
    public void close() throws InterruptedException {
        hub.shutdown();
        thread.join(20_000);
    }
}
