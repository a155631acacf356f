package com.sikkerapi.guard.e2e;

import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.testing.FakeSikkerApi;
import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.Kubeconfig;
import com.sikkerapi.guard.testing.Kubelet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The control plane without nodes, for the web-tier test (the end-to-end test of the agents and the hub runs on real
 * nodes, {@link RealNodes}): a real kube-apiserver and etcd of its own, `kubectl apply -k deploy/`, the built
 * operator as a local process acting with its own ServiceAccount's token, and SikkerAPI on loopback serving FireHOL
 * level1. Closing it stops every process and deletes every folder and server it made.
 */
final class SimulatedCluster implements AutoCloseable {
    static final String SERVICE_CIDR = "10.96.0.0/12";
    static final Duration WAIT = Duration.ofSeconds(90);
    private static final String OPERATOR_ACCOUNT = "system:serviceaccount:sikkerguard-system:sikkerguard-operator";

    private final Path dir;
    private final Consumer<String> say;
    private final FakeSikkerApi api = new FakeSikkerApi(Scenario.KEY);
    private KubeApiServer server;
    private KubernetesClient client;
    private Process operator;
    private int operatorRuns;
    private boolean closed;

    /**
     * Nothing runs yet but SikkerAPI: {@link #start} brings the rest up. Made first so that whoever holds it (a
     * try-with-resources, the demo's Ctrl-C hook) can stop everything even while it starts.
     *
     * @param say where the steps and what kubectl answers go
     */
    SimulatedCluster(Consumer<String> say) {
        this.say = say;
        try {
            this.dir = Files.createTempDirectory("sikkerguard-e2e");
        } catch (IOException e) {
            api.close();
            throw new UncheckedIOException(e);
        }
    }

    /** The API server with deploy/ applied; no operator or blocklist yet. */
    void start() {
        say.accept(Scenario.step("Starting etcd and kube-apiserver v1.20.2 on 127.0.0.1 (src/scripts/kube-apiserver.sh)"));
        synchronized (this) {
            checkOpen();
            server = KubeApiServer.startWithCrds();
            client = server.client();
        }
        say.accept("API server " + server.url() + ", kubeconfig " + server.kubeconfig() + "; CRDs installed");
        say.accept(Scenario.step("kubectl apply --server-side -k deploy/   (and the agents' namespace, "
                + "deploy/samples/00-namespace.yaml)"));
        say.accept(kubectl("apply", "--server-side", "-k", "deploy/").stripTrailing());
        say.accept(kubectl("apply", "--server-side", "-f", "deploy/samples/00-namespace.yaml").stripTrailing());
        say.accept(Scenario.step("SikkerAPI on " + api.endpoint() + ": FireHOL level1 from the test resources ("
                + api.listed(0) + " entries, bogons and private ranges included, each with a score), "
                + "and the test's addresses"));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the simulated cluster was closed");
        }
    }

    /** The operator as a process of the built launcher, with its ServiceAccount's token (so its ClusterRole). */
    void startOperator() {
        say.accept(Scenario.step("The operator: target/sikkerguard/bin/sikkerguard operator, a local process acting as "
                + "sikkerguard-system/sikkerguard-operator (its ClusterRole from deploy/)"));
        String token = kubectl("-n", "sikkerguard-system", "create", "token", "sikkerguard-operator").strip();
        Path kubeconfig = dir.resolve("operator-kubeconfig");
        Path log = dir.resolve("operator-" + ++operatorRuns + ".log");
        try {
            Kubeconfig.write(kubeconfig, server.url(), token, null);
            ProcessBuilder builder = new ProcessBuilder(Kubelet.LAUNCHER.toString(), "operator")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(Map.of("KUBECONFIG", kubeconfig.toString(),
                    "QUARKUS_HTTP_HOST", "127.0.0.1", "QUARKUS_HTTP_PORT", "0",
                    "SIKKERGUARD_CLUSTER_SERVICE_CIDRS", SERVICE_CIDR, "SIKKERGUARD_FEEDS_ALLOW_PLAIN_HTTP", "true",
                    "QUARKUS_LOG_CATEGORY__COM_SIKKERAPI_GUARD_OPERATOR__LEVEL", "DEBUG"));
            synchronized (this) {
                checkOpen();
                operator = builder.start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await().atMost(WAIT).until(() -> operatorLog().contains("started in") || !operator.isAlive());
        if (!operator.isAlive()) {
            throw new IllegalStateException("the operator did not start:\n" + operatorLog());
        }
        operatorLog().lines().filter(l -> l.contains("started in")).forEach(say);
    }

    /** SIGTERM, as a Deployment's rollout stops the old pod. */
    void stopOperator() {
        operator.destroy();
        try {
            operator.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The running operator's output. */
    String operatorLog() {
        try {
            return Files.readString(dir.resolve("operator-" + operatorRuns + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** kubectl apply --server-side, as an admin (or Argo CD) would. */
    void apply(String yaml) {
        server.kubectlStdin(yaml, "apply", "--server-side", "--field-manager=admin", "-f", "-").check();
    }

    /** The machine's kubectl as the cluster admin; fails on a non-zero exit. */
    String kubectl(String... args) {
        return server.kubectl(args).check().stdout();
    }

    KubeApiServer server() {
        return server;
    }

    ThreatBlocklist get(String namespace, String name) {
        return client.resources(ThreatBlocklist.class).inNamespace(namespace).withName(name).get();
    }

    ThreatBlocklist awaitBlocklist(String namespace, String name, String what, Predicate<ThreatBlocklist> condition) {
        return await(namespace + "/" + name + ": " + what).atMost(WAIT)
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> get(namespace, name), b -> b != null && condition.test(b));
    }

    FakeSikkerApi api() {
        return api;
    }

    KubernetesClient client() {
        return client;
    }

    /** The operator's and the pods' logs, kept under target/e2e-logs/ for a look after a failure. */
    private void keepLogs() {
        Path keep = Path.of("target", "e2e-logs", dir.getFileName().toString());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                Path target = keep.resolve(dir.relativize(log));
                Files.createDirectories(target.getParent());
                Files.copy(log, target);
            }
        } catch (IOException e) {
            say.accept("could not keep the logs: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (operator != null) {
            operator.destroyForcibly();
        }
        api.close();
        if (client != null) {
            client.close();
            server.close();
        }
        keepLogs();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
