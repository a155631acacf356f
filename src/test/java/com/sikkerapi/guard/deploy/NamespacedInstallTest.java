package com.sikkerapi.guard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.Kubeconfig;
import com.sikkerapi.guard.testing.Kubelet;
import com.sikkerapi.guard.testing.Manifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kubectl apply -k deploy/namespaced/` on a real API server of its own, and the built operator run as its
 * Deployment runs it (its ServiceAccount's token, the namespace list from the Deployment's environment): it serves
 * the blocklists of its namespaces with Roles there and ignores every other, which its account cannot touch anyway.
 */
@Tag("real-apiserver")
class NamespacedInstallTest {
    private static final String SERVED = "sikkerguard";
    private static final String OTHER = "elsewhere";
    private static final String OPERATOR = "system:serviceaccount:sikkerguard-system:sikkerguard-operator";

    @TempDir
    Path dir;

    @Test
    void anOperatorLimitedToItsNamespacesServesThemAndIgnoresTheRest() throws Exception {
        assertThat(Kubelet.LAUNCHER).as("the launcher (make build)").isExecutable();
        try (KubeApiServer server = KubeApiServer.startWithCrds(); KubernetesClient client = server.client()) {
            server.kubectlStdin(Manifests.namespace(SERVED) + "---\n" + Manifests.namespace(OTHER), "apply", "-f", "-")
                    .check();
            server.kubectl("apply", "--server-side", "-k", "deploy/namespaced/").check();
            String namespaces = server.kubectl("-n", "sikkerguard-system", "get", "deployment", "sikkerguard-operator",
                    "-o", "jsonpath={.spec.template.spec.containers[0].env[?(@.name==\"QUARKUS_OPERATOR_SDK_NAMESPACES\")]"
                            + ".value}").check().stdout().strip();
            assertThat(namespaces).isEqualTo(SERVED);
            assertThat(server.kubectl("get", "clusterrole", "sikkerguard-operator").exit())
                    .as("no cluster-wide role for namespaced objects").isNotZero();

            // What the account may do: its namespaces, and only reads cluster-wide.
            assertThat(can(server, "create", "daemonsets.apps", "-n", SERVED)).isEqualTo("yes");
            assertThat(can(server, "patch", "threatblocklists.guard.sikkerapi.com", "--subresource=status", "-n",
                    SERVED)).isEqualTo("yes");
            assertThat(can(server, "create", "daemonsets.apps", "-n", OTHER)).isEqualTo("no");
            assertThat(can(server, "list", "threatblocklists.guard.sikkerapi.com", "-n", OTHER)).isEqualTo("no");
            assertThat(can(server, "create", "configmaps", "-n", OTHER)).isEqualTo("no");
            assertThat(can(server, "list", "secrets", "-n", SERVED)).isEqualTo("no");
            assertThat(can(server, "list", "nodes")).isEqualTo("yes");
            assertThat(can(server, "patch", "nodes")).isEqualTo("no");

            String token = server.kubectl("-n", "sikkerguard-system", "create", "token", "sikkerguard-operator").check()
                    .stdout().strip();
            Path kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), server.url(), token, null);
            Path log = dir.resolve("operator.log");
            ProcessBuilder builder = new ProcessBuilder(Kubelet.LAUNCHER.toString(), "operator")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(Map.of("KUBECONFIG", kubeconfig.toString(), "QUARKUS_HTTP_HOST", "127.0.0.1",
                    "QUARKUS_HTTP_PORT", "0", "SIKKERGUARD_CLUSTER_SERVICE_CIDRS", "10.96.0.0/12",
                    "QUARKUS_OPERATOR_SDK_NAMESPACES", namespaces));
            Process operator = builder.start();
            try {
                for (String namespace : new String[] {SERVED, OTHER}) {
                    server.kubectlStdin(Manifests.blocklist(namespace, "edge", ""), "apply", "--server-side", "-f", "-")
                            .check();
                }
                try {
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    ThreatBlocklist served = client.resources(ThreatBlocklist.class).inNamespace(SERVED)
                            .withName("edge").get();
                    return served.getStatus() != null && served.getStatus().getNodes() != null
                            && client.apps().deployments().inNamespace(SERVED).withName("edge-hub").get() != null
                            && client.apps().daemonSets().inNamespace(SERVED).withName("edge-agent").get() != null;
                    });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("the served blocklist was not reconciled; the operator's log:\n"
                            + new LogTail(log), e);
                }
                Thread.sleep(3000); // a reconcile of the other one would have shown by now
                assertThat(client.resources(ThreatBlocklist.class).inNamespace(OTHER).withName("edge").get()
                        .getStatus()).as("a blocklist outside its namespaces: untouched").satisfiesAnyOf(
                                status -> assertThat(status).isNull(),
                                status -> assertThat(status.getConditions()).isNullOrEmpty());
                assertThat(client.apps().daemonSets().inNamespace(OTHER).list().getItems()).isEmpty();
                assertThat(client.configMaps().inNamespace(OTHER).list().getItems())
                        .noneMatch(c -> c.getMetadata().getName().startsWith("edge-"));
                assertThat(Files.readString(log)).doesNotContain("Forbidden").doesNotContain(" 403 ");
            } finally {
                operator.destroy();
                operator.waitFor();
            }
        }
    }

    /** The operator's log, read when the message is shown (a failed wait). */
    private record LogTail(Path log) {
        @Override
        public String toString() {
            try {
                var lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (java.io.IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }
    }

    private static String can(KubeApiServer server, String... question) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("auth", "can-i"));
        args.addAll(java.util.List.of(question));
        args.addAll(java.util.List.of("--as", OPERATOR));
        return server.kubectl(args.toArray(String[]::new)).stdout().strip();
    }
}
