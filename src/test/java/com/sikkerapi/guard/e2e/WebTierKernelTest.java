package com.sikkerapi.guard.e2e;

import static com.sikkerapi.guard.e2e.Scenario.NAMESPACE;
import static com.sikkerapi.guard.e2e.SimulatedCluster.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.NginxOutputStatus;
import com.sikkerapi.guard.nginx.NginxPublication;
import com.sikkerapi.guard.testing.InProcessHub;
import com.sikkerapi.guard.testing.Kubelet;
import com.sikkerapi.guard.testing.Nginx;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.outputs.nginx from end to end: the blocklist's hub (in this JVM, with its own account's token; on real nodes
 * it is a pod) publishes SikkerAPI's list in two tiers into ConfigMaps on the real API server and the block tier
 * into ingress-nginx's ConfigMap, and a real Nginx with the published include and snippet (mounted as a kubelet
 * would) answers 403, the challenge and 200; a new publication changes the answers after a reload; a list too big
 * for its ConfigMaps is refused, never cut, and fits once it may use more; removing the output, or the blocklist,
 * takes it all back.
 */
@Tag("kernel")
@Tag("real-apiserver")
class WebTierKernelTest {
    private static final String WEB = "web-tier";
    private static final String BLOCKED = "45.67.1.1";
    private static final String CHALLENGED = "45.67.2.2";
    private static final String CLEAN = "45.67.3.3";

    @TempDir
    Path dir;

    @Test
    void publishesTwoTiersThatNginxAndIngressNginxEnforce() throws IOException, InterruptedException {
        assertThat(Kubelet.LAUNCHER).as("make build").isExecutable();
        assertThat(Nginx.BINARY).as("make nginx").isExecutable();
        try (SimulatedCluster cluster = new SimulatedCluster(System.out::println)) {
            cluster.start();
            endpoint = cluster.api().endpoint();
            cluster.api().list(BLOCKED, 95).list(CHALLENGED, 86).list(CLEAN, 20);
            cluster.startOperator();
            // ingress-nginx as installed, with a setting of the admin's, and the sample's grant to the publisher.
            cluster.apply("""
                    apiVersion: v1
                    kind: Namespace
                    metadata: {name: ingress-nginx}
                    ---
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                    data: {use-forwarded-headers: "true"}
                    """);
            cluster.kubectl("apply", "-f", "deploy/samples/ingress-nginx/publisher-rbac.yaml");
            Path mount = Files.createDirectories(dir.resolve("etc-nginx-sikkerguard"));
            cluster.apply(Scenario.keySecret(NAMESPACE) + "---\n" + webTier(mount, 90, 2));
            Path key = Files.writeString(dir.resolve("api-key"), Scenario.KEY + "\n");
            await().atMost(WAIT).until(() -> cluster.client().serviceAccounts().inNamespace(NAMESPACE)
                    .withName(WEB + "-hub").get() != null);
            InProcessHub hub = InProcessHub.start(cluster.server(), NAMESPACE, WEB, dir.resolve("hub"), key);

            NginxOutputStatus first = awaitPublished(cluster, s -> true);
            assertThat(first.blockEntries()).isPositive();
            assertThat(first.challengeEntries()).isPositive();
            assertThat(first.configMaps()).containsExactly("web-tier-nginx-1", "web-tier-nginx-2");
            assertThat(first.ingressNginx()).startsWith("wrote " + first.blockEntries() + " networks");
            System.out.println(cluster.kubectl("-n", NAMESPACE, "get", "tbl", WEB, "-o", "jsonpath={.status.nginx}"));

            // ingress-nginx: the block tier in block-cidrs, the admin's setting untouched, and only that key ours.
            ConfigMap controller = cluster.client().configMaps().inNamespace("ingress-nginx")
                    .withName("ingress-nginx-controller").get();
            assertThat(controller.getData()).containsEntry("use-forwarded-headers", "true");
            assertThat(controller.getData().get("block-cidrs").split(",")).contains(BLOCKED).doesNotContain(CHALLENGED);
            assertThat(controller.getMetadata().getManagedFields()).filteredOn(f -> f.getManager().equals(
                    "sikkerguard-nginx-publisher")).singleElement().satisfies(f -> assertThat(
                            f.getFieldsV1().getAdditionalProperties().toString()).contains("block-cidrs")
                            .doesNotContain("use-forwarded-headers"));

            // A real Nginx with what was published, mounted as a kubelet mounts the ConfigMaps (one folder).
            mountPublication(cluster, mount);
            try (Nginx nginx = new Nginx(dir.resolve("nginx"), Files.readString(mount.resolve(
                    NginxPublication.HTTP_SNIPPET)), Files.readString(mount.resolve(NginxPublication.SERVER_SNIPPET)))) {
                assertThat(nginx.get(BLOCKED).statusCode()).isEqualTo(403);
                assertThat(nginx.get(CHALLENGED).statusCode()).isEqualTo(429);
                assertThat(nginx.get(CHALLENGED).body()).contains("sikkerguard challenge");
                assertThat(nginx.get(CLEAN).statusCode()).isEqualTo(200);
                assertThat(nginx.get("127.0.0.1").statusCode()).isEqualTo(200);

                // The block tier from 85: the challenged address (86) is blocked now, once Nginx reloads.
                cluster.apply(webTier(mount, 85, 2));
                // (Seen by what was published: the record's times are whole seconds, and the hub may take the change
                // within the second of its first publication.)
                awaitPublished(cluster, s -> s.blockEntries() > first.blockEntries());
                mountPublication(cluster, mount);
                nginx.reload(Files.readString(mount.resolve(NginxPublication.HTTP_SNIPPET)),
                        Files.readString(mount.resolve(NginxPublication.SERVER_SNIPPET)));
                await().atMost(WAIT).until(() -> nginx.get(CHALLENGED).statusCode() == 403);
                assertThat(nginx.get(CLEAN).statusCode()).isEqualTo(200);
            }

            // Too big for one ConfigMap (80,000 more networks, listed only at score 1): refused, never cut; the
            // last publication stays. With two ConfigMaps it fits, and the API server takes both.
            for (int i = 0; i < 80_000; i++) {
                cluster.api().list("61." + (i >> 8 & 0xff) + "." + (i & 0xff) + "." + (1 + 2 * (i >> 16)), 1);
            }
            cluster.apply(big(1));
            await().atMost(WAIT).until(() -> cluster.client().serviceAccounts().inNamespace(NAMESPACE)
                    .withName("big-hub").get() != null);
            InProcessHub bigHub = InProcessHub.start(cluster.server(), NAMESPACE, "big", dir.resolve("big-hub"), key);
            NginxOutputStatus refused = awaitStatus(cluster, "big", s -> "DoesNotFit".equals(s.result()));
            assertThat(refused.message()).contains("need 2 ConfigMaps", "allows 1");
            assertThat(refused.published()).isNull();
            ConfigMap empty = cluster.client().configMaps().inNamespace(NAMESPACE).withName("big-nginx-1").get();
            assertThat(empty.getData()).as("nothing published, only the record").isNullOrEmpty();
            cluster.apply(big(2));
            NginxOutputStatus split = awaitStatus(cluster, "big", s -> "Published".equals(s.result()));
            assertThat(split.blockEntries()).isGreaterThan(80_000);
            for (String name : split.configMaps()) {
                ConfigMap part = cluster.client().configMaps().inNamespace(NAMESPACE).withName(name).get();
                long bytes = part.getData().values().stream().mapToLong(String::length).sum();
                assertThat(bytes).isGreaterThan(100_000).isLessThan(1024 * 1024);
            }

            bigHub.close();
            // The output removed from the spec: the hub stops publishing it, and the operator takes back its
            // ConfigMaps and its key in ingress-nginx.
            cluster.kubectl("-n", NAMESPACE, "patch", "tbl", WEB, "--type=json", "-p",
                    "[{\"op\": \"remove\", \"path\": \"/spec/outputs\"}]");
            await().atMost(WAIT).until(() -> cluster.client().configMaps().inNamespace(NAMESPACE)
                    .withLabel(NginxPublication.OUTPUT_LABEL, "nginx").list().getItems().stream()
                    .noneMatch(c -> c.getMetadata().getName().startsWith(WEB + "-")));
            assertThat(cluster.client().configMaps().inNamespace("ingress-nginx").withName("ingress-nginx-controller")
                    .get().getData()).containsOnlyKeys("use-forwarded-headers");
            cluster.awaitBlocklist(NAMESPACE, WEB, "no nginx status", b -> b.getStatus() != null
                    && b.getStatus().getNginx() == null);

            // The output back, then the blocklist deleted: the operator takes block-cidrs back (owner references
            // cannot reach another namespace, and the operator puts no finalizer on what Git owns).
            cluster.apply(webTier(mount, 85, 2));
            await().atMost(WAIT).until(() -> cluster.client().configMaps().inNamespace("ingress-nginx")
                    .withName("ingress-nginx-controller").get().getData().containsKey("block-cidrs"));
            hub.close();
            cluster.kubectl("-n", NAMESPACE, "delete", "tbl", WEB);
            await().atMost(WAIT).until(() -> cluster.client().configMaps().inNamespace("ingress-nginx")
                    .withName("ingress-nginx-controller").get().getData().keySet().equals(
                            java.util.Set.of("use-forwarded-headers")));
        }
    }

    private String webTier(Path mount, int blockScore, int configMaps) {
        return """
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklist
                metadata: {name: %s, namespace: %s}
                spec:
                  source:
                    sikkerapi: {endpoint: '%s', apiKeySecretRef: {name: sikkerapi-key, key: api-key}, scoreMinimum: 90}
                  pullInterval: 1h
                  outputs:
                    nginx:
                      tiers: two
                      blockScoreMinimum: %d
                      challengeScoreMinimum: 50
                      configMaps: %d
                      includePath: %s
                      trustedProxies: [127.0.0.1]
                      ingressNginx: {namespace: ingress-nginx}
                """.formatted(WEB, NAMESPACE, endpoint, blockScore, configMaps, mount);
    }

    private String endpoint;

    private String big(int configMaps) {
        return """
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklist
                metadata: {name: big, namespace: %s}
                spec:
                  source:
                    sikkerapi: {endpoint: '%s', apiKeySecretRef: {name: sikkerapi-key, key: api-key}, scoreMinimum: 1}
                  pullInterval: 1h
                  outputs:
                    nginx: {configMaps: %d}
                """.formatted(NAMESPACE, endpoint, configMaps);
    }

    private NginxOutputStatus awaitPublished(SimulatedCluster cluster, java.util.function.Predicate<NginxOutputStatus> more) {
        return awaitStatus(cluster, WEB, s -> "Published".equals(s.result()) && more.test(s));
    }

    private NginxOutputStatus awaitStatus(SimulatedCluster cluster, String name,
            java.util.function.Predicate<NginxOutputStatus> condition) {
        return cluster.awaitBlocklist(NAMESPACE, name, "nginx status", b -> b.getStatus() != null
                && b.getStatus().getNginx() != null && condition.test(b.getStatus().getNginx())).getStatus().getNginx();
    }

    /** Every published ConfigMap's keys as files in one folder: what a projected volume gives the Nginx pod. */
    private static void mountPublication(SimulatedCluster cluster, Path mount) throws IOException {
        for (ConfigMap configMap : cluster.client().configMaps().inNamespace(NAMESPACE)
                .withLabel(NginxPublication.OUTPUT_LABEL, "nginx").list().getItems()) {
            if (configMap.getMetadata().getName().startsWith(WEB + "-") && configMap.getData() != null) {
                for (Map.Entry<String, String> file : configMap.getData().entrySet()) {
                    Files.writeString(mount.resolve(file.getKey()), file.getValue());
                }
            }
        }
    }
}
