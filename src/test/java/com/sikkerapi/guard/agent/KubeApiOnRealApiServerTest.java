package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own API client against a real kube-apiserver: get, server-side apply and delete, a watch by name that
 * sees its object come, change and go (and no other object), a refusal with its code, TLS verified against the
 * server's CA or not at all, and a kubeconfig read as kubectl would.
 */
@Tag("real-apiserver")
class KubeApiOnRealApiServerTest {
    private static final KubeApiServer SERVER = KubeApiServer.shared();
    private static final String NAMESPACE = "kube-api";
    private static KubernetesClient admin;

    @TempDir
    Path dir;

    @BeforeAll
    static void namespace() {
        SERVER.kubectlStdin(Manifests.namespace(NAMESPACE), "apply", "-f", "-").check();
        admin = SERVER.client();
    }

    @AfterAll
    static void close() {
        admin.namespaces().withName(NAMESPACE).delete();
        admin.close();
    }

    private static KubeApi api() {
        return KubeApi.of(URI.create(SERVER.url()), SERVER.token(), null);
    }

    private static ConfigMap configMap(String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withData(Map.of("k", value)).build();
    }

    @Test
    void getsAppliesAndDeletes() {
        KubeApi api = api();
        String path = KubeApi.path(ThreatBlocklistNode.class, NAMESPACE, "edge.node-1");
        assertThat(path).isEqualTo("/apis/guard.sikkerapi.com/v1alpha1/namespaces/kube-api/threatblocklistnodes/edge.node-1");
        assertThat(api.get(path, ThreatBlocklistNode.class)).isEmpty();

        ThreatBlocklistNode report = new ThreatBlocklistNode();
        report.setMetadata(new ObjectMetaBuilder().withName("edge.node-1").withNamespace(NAMESPACE).build());
        report.getSpec().setNodeName("node-1");
        report.getSpec().setPhase(NodePhase.Enforcing);
        api.apply(path, report, NodeReporter.FIELD_MANAGER);
        ThreatBlocklistNode stored = admin.resources(ThreatBlocklistNode.class).inNamespace(NAMESPACE)
                .withName("edge.node-1").get();
        assertThat(stored.getSpec().getPhase()).isEqualTo(NodePhase.Enforcing);
        assertThat(stored.getMetadata().getManagedFields()).extracting(field -> field.getManager())
                .containsExactly(NodeReporter.FIELD_MANAGER);
        assertThat(api.get(path, ThreatBlocklistNode.class).orElseThrow().getSpec().getNodeName()).isEqualTo("node-1");

        api.delete(path);
        assertThat(api.get(path, ThreatBlocklistNode.class)).isEmpty();
        api.delete(path); // gone already: no failure
    }

    @Test
    void aWatchByNameSeesItsObjectComeChangeAndGo() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ObjectWatch<ConfigMap> watch = new ObjectWatch<>(api(), ConfigMap.class, NAMESPACE, "watched",
                configMap -> seen.add(configMap == null ? "deleted" : configMap.getData().get("k")), "a test")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("deleted"));
            admin.resource(configMap("watched", "one")).create();
            admin.resource(configMap("other", "not this one")).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("one"));
            admin.resource(configMap("watched", "two")).update();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("two"));
            admin.configMaps().inNamespace(NAMESPACE).withName("watched").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 4);
            assertThat(seen).containsExactly("deleted", "one", "two", "deleted");
        }
    }

    @Test
    void aRefusalCarriesItsCodeAndNoToken() {
        KubeApi stranger = KubeApi.of(URI.create(SERVER.url()), "not-a-token", null);
        assertThatThrownBy(() -> stranger.get(KubeApi.path(ConfigMap.class, NAMESPACE, "x"), ConfigMap.class))
                .isInstanceOfSatisfying(KubeApi.Failure.class, failure -> assertThat(failure.code()).isEqualTo(401))
                .message().doesNotContain("not-a-token");
    }

    @Test
    void verifiesTheServerAgainstItsCaAndReadsAKubeconfig() throws Exception {
        Path certs = SERVER.kubeconfig().resolveSibling("certs");
        byte[] ownCertificate = Files.readAllBytes(certs.resolve("apiserver.crt"));
        KubeApi verified = KubeApi.of(URI.create(SERVER.url()), SERVER.token(), ownCertificate);
        assertThat(verified.get(KubeApi.path(ConfigMap.class, NAMESPACE, "nothing"), ConfigMap.class)).isEmpty();

        byte[] otherCa = Files.readAllBytes(Path.of("/etc/ssl/certs/ca-certificates.crt"));
        KubeApi wrongCa = KubeApi.of(URI.create(SERVER.url()), SERVER.token(), otherCa);
        assertThatThrownBy(() -> wrongCa.get(KubeApi.path(ConfigMap.class, NAMESPACE, "nothing"), ConfigMap.class))
                .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);

        Path tokenFile = Files.writeString(dir.resolve("token"), SERVER.token() + "\n");
        Path kubeconfig = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: '%s', certificate-authority: %s}}]
                users: [{name: u, user: {tokenFile: token}}]
                contexts: [{name: other, context: {cluster: nowhere, user: nobody}}, {name: c, context: {cluster: c, user: u}}]
                current-context: c
                """.formatted(SERVER.url(), certs.resolve("apiserver.crt")));
        KubeApi fromFile = KubeApi.fromEnvironment(Map.of("KUBECONFIG", kubeconfig.toString()));
        assertThat(fromFile.server()).isEqualTo(URI.create(SERVER.url()));
        AtomicReference<ConfigMap> read = new AtomicReference<>();
        admin.resource(configMap("read-me", "yes")).create();
        read.set(fromFile.get(KubeApi.path(ConfigMap.class, NAMESPACE, "read-me"), ConfigMap.class).orElseThrow());
        assertThat(read.get().getData()).containsEntry("k", "yes");
    }
}
