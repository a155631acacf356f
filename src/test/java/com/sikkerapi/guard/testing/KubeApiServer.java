package com.sikkerapi.guard.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real kube-apiserver with etcd per test JVM, started through src/scripts/kube-apiserver.sh (the same script the
 * demo uses). The script lives as long as its standard input: closing it (or this JVM dying) stops both servers.
 */
public final class KubeApiServer implements AutoCloseable {
    private static KubeApiServer shared;

    private final Process process;
    private final Path dir;
    private final String url;
    private final String token;

    private KubeApiServer(Process process, Path dir, String url, String token) {
        this.process = process;
        this.dir = dir;
        this.url = url;
        this.token = token;
    }

    public static synchronized KubeApiServer shared() {
        if (shared == null) {
            shared = startWithCrds();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /**
     * A server of the caller's own, with the CRDs installed, for a test or demo that runs the operator as a process
     * (an operator in the test JVM must not see it). Closing it stops both servers and deletes their data.
     */
    public static KubeApiServer startWithCrds() {
        KubeApiServer server = start();
        try {
            server.kubectl("apply", "--server-side", "-f", Path.of("crds").toAbsolutePath().toString()).check();
            server.kubectl("wait", "--for=condition=Established", "--timeout=30s",
                    "crd/threatblocklists.guard.sikkerapi.com", "crd/threatblocklistnodes.guard.sikkerapi.com",
                    "crd/threatblocklistpolicies.guard.sikkerapi.com").check();
            return server;
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /**
     * Tried twice: the script picks its three ports at random among the free ones, and another process of the machine
     * may take one in the moment between (seen once in a full run); the script prints the servers' last log lines.
     */
    private static KubeApiServer start() {
        try {
            return startOnce();
        } catch (IllegalStateException first) {
            System.err.println("kube-apiserver did not start, trying once more: " + first.getMessage());
            return startOnce();
        }
    }

    private static KubeApiServer startOnce() {
        try {
            Path dir = Files.createTempDirectory("sikkerguard-apiserver");
            Process process = new ProcessBuilder("bash", "src/scripts/kube-apiserver.sh", "run", dir.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("READY ")) {
                process.destroy();
                throw new IllegalStateException("kube-apiserver did not start: " + line);
            }
            String token = Files.readAllLines(dir.resolve("tokens.csv")).get(0).split(",")[0];
            return new KubeApiServer(process, dir, line.substring("READY ".length()).strip(), token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (IOException | InterruptedException e) {
            process.destroy();
        }
    }

    public String url() {
        return url;
    }

    public String token() {
        return token;
    }

    public Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    public KubernetesClient client() {
        return adminClient(url, token);
    }

    /** A client as the admin of the server at {@code url} (its certificate is self-signed). */
    static KubernetesClient adminClient(String url, String token) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url).withOauthToken(token)
                .withTrustCerts(true).withNamespace("default").build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Runs the machine's real kubectl against this server. */
    public Result kubectl(String... args) {
        return kubectl(kubeconfig(), null, args);
    }

    /** Runs kubectl with a manifest on standard input ({@code -f -}). */
    public Result kubectlStdin(String stdin, String... args) {
        return kubectl(kubeconfig(), stdin, args);
    }

    /** The machine's kubectl with this kubeconfig, and this standard input (null for none). */
    static Result kubectl(Path kubeconfig, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return run(command, stdin);
    }

    static Result run(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            var stdout = p.getInputStream().readAllBytes();
            var stderr = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(String.join(" ", command), p.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                    // kubectl 1.32 warns about the skew to a 1.20 server on every call; that is not the answer.
                    new String(stderr, StandardCharsets.UTF_8).lines()
                            .filter(l -> !l.contains("version difference")).reduce("", (a, b) -> a + b + "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Result(String command, int exit, String stdout, String stderr) {
        public Result check() {
            if (exit != 0) {
                throw new AssertionError(command + " exited " + exit + ": " + stderr + stdout);
            }
            return this;
        }
    }
}
