package com.sikkerapi.guard.testing;

import com.sikkerapi.guard.firewall.Commands;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kubernetes cluster on this machine, as src/scripts/cluster.sh makes it: a control plane (etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler) and nodes (containerd and a kubelet each, the product's
 * image imported), every one in network namespaces of its own, plus an attacker namespace on a link to each node.
 * The script lives as long as its standard input: closing this (or this JVM dying) stops and removes everything.
 * Each node's logs, and the control plane's, are copied to target/e2e-logs/ on close.
 */
public final class KubeCluster implements AutoCloseable {
    /** The product's image as `make image` tags it; the nodes import it from target/image. */
    public static final String IMAGE = "localhost/sikkerguard:dev";
    public static final String SERVICE_CIDR = "10.200.0.0/24";
    /** Where pods reach ports exposed from this machine's loopback ({@link #expose}); the nodes themselves do not. */
    public static final String EXPOSED_ADDRESS = "10.202.0.1";

    private final Process process;
    private final BufferedReader answers;
    private final Writer commands;
    private final Path dir;
    private final String url;
    private final String token;
    private final double startSeconds;
    private final String id;

    private KubeCluster(Process process, BufferedReader answers, Path dir, String url, double startSeconds)
            throws IOException {
        this.process = process;
        this.answers = answers;
        this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.dir = dir;
        this.url = url;
        this.startSeconds = startSeconds;
        this.token = Files.readAllLines(dir.resolve("cp/tokens.csv")).get(0).split(",")[0];
        this.id = Files.readString(dir.resolve("id")).strip();
    }

    /** Starts the cluster with nodes sg-node-1..N, each Ready; fails (and cleans up) if that does not happen. */
    public static KubeCluster start(int nodes) {
        Path dir;
        try {
            dir = Files.createTempDirectory("sikkerguard-cluster");
            Process process = new ProcessBuilder("bash", "src/scripts/cluster.sh", "run", dir.toString(),
                    Integer.toString(nodes)).redirectError(dir.resolveSibling(dir.getFileName() + ".log").toFile())
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("READY ")) {
                process.getOutputStream().close();
                process.waitFor(120, TimeUnit.SECONDS);
                String log = Files.readString(dir.resolveSibling(dir.getFileName() + ".log"));
                throw new IllegalStateException("the cluster did not start: " + line + "\n" + log);
            }
            String[] ready = line.split(" ");
            return new KubeCluster(process, out, dir, ready[1], Double.parseDouble(ready[2]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private synchronized String command(String line) {
        try {
            commands.write(line + "\n");
            commands.flush();
            String answer = answers.readLine();
            if (answer == null || !answer.startsWith("OK")) {
                throw new IllegalStateException(line + ": " + answer);
            }
            return answer.substring(2).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seconds from the script's start to every node Ready. */
    public double startSeconds() {
        return startSeconds;
    }

    /** Starts node sg-node-K (and its attacker) and waits until it is Ready. */
    public void nodeUp(int k) {
        command("node-up " + k);
    }

    /** Stops node K as a machine that is switched off: kubelet, containerd and its pods go, its Node object stays. */
    public void nodeDown(int k) {
        command("node-down " + k);
    }

    /** This machine's 127.0.0.1:PORT, reachable from the pods (not the nodes themselves) at {@link #EXPOSED_ADDRESS}:PORT. */
    public String expose(int port) {
        return command("expose " + port);
    }

    public static String nodeName(int k) {
        return "sg-node-" + k;
    }

    public static String nodeAddress(int k) {
        return "10.201." + k + ".2";
    }

    /** The attacker's own address, and the node's address on the attacker's link. */
    public static String attackerAddress(int k) {
        return "100.128." + k + ".2";
    }

    public static String nodeAddressTowardsAttacker(int k) {
        return "100.128." + k + ".1";
    }

    /** Node K's network namespace: its firewall, as its agents see it. */
    public NetNs node(int k) {
        return NetNs.existing("sg" + id + "n" + k);
    }

    public NetNs attacker(int k) {
        return NetNs.existing("sg" + id + "a" + k);
    }

    /** containerd's own client on node K (its containers, images and tasks: what the kubelet runs). */
    public KubeApiServer.Result ctr(int k, String... args) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address",
                "/run/sikkerguard-cluster/" + id + "/n" + k + "/containerd.sock", "-n", "k8s.io"));
        command.addAll(List.of(args));
        return KubeApiServer.run(command, null);
    }

    /** The host's process id of a running container on node K (containerd's task), for reading its /proc. */
    public String containerPid(int k, String containerId) {
        String id = containerId.replace("containerd://", "");
        return ctr(k, "task", "ls").check().stdout().lines().filter(l -> l.startsWith(id))
                .map(l -> l.split("\\s+")[1]).findFirst()
                .orElseThrow(() -> new IllegalStateException("no task " + id + " on node " + k));
    }

    /** The agent's state folder on node K (its hostPath, per node). */
    public Path nodeStateDir(int k) {
        return dir.resolve("n" + k + "/host/var/lib/sikkerguard");
    }

    public Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    public String url() {
        return url;
    }

    public KubernetesClient client() {
        return KubeApiServer.adminClient(url, token);
    }

    public KubeApiServer.Result kubectl(String... args) {
        return KubeApiServer.kubectl(kubeconfig(), null, args);
    }

    public KubeApiServer.Result kubectlStdin(String stdin, String... args) {
        return KubeApiServer.kubectl(kubeconfig(), stdin, args);
    }

    /** A kubectl that keeps running (logs -f, get -w), its output going to a file. */
    public record Follow(Process process, Path output) {
        /** Its output once it ended by itself, or after {@code timeout} (then it is stopped). */
        public String output(java.time.Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroy();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
                String text = Files.readString(output);
                Files.deleteIfExists(output);
                return text;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public Follow follow(String... args) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig().toString()));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile(dir, "follow", ".out");
            return new Follow(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What this test must leave as it was on the machine itself: the root namespace's firewall (iptables through
     * nf_tables, nft, ipsets, which legacy tables the kernel has registered), interfaces, addresses, routes, rules,
     * named network namespaces (their list, not /run/netns, which the first {@code ip netns add} makes and leaves
     * empty), and the host-wide sysctls a kubelet writes unless patched. Read-only: the legacy tables are read from
     * /proc, never listed (listing one registers it).
     */
    public static String hostState() {
        Commands host = Commands.local();
        StringBuilder state = new StringBuilder();
        for (String[] command : new String[][] {{"iptables-nft-save"}, {"ip6tables-nft-save"}, {"nft", "list", "ruleset"},
                {"ipset", "list", "-n"}, {"cat", "/proc/net/ip_tables_names"}, {"cat", "/proc/net/ip6_tables_names"},
                {"ip", "-o", "link"}, {"ip", "-o", "addr"}, {"ip", "route", "show", "table", "all"},
                {"ip", "-6", "route", "show", "table", "all"}, {"ip", "rule"}, {"ip", "netns", "list"},
                {"sysctl", "vm.overcommit_memory", "kernel.panic", "kernel.panic_on_oops", "net.ipv4.ip_forward"}}) {
            Commands.Result result = host.run(command);
            state.append("$ ").append(String.join(" ", command)).append('\n').append(result.output().lines()
                    .filter(l -> !l.startsWith("#"))
                    .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", "[0:0]"))
                    // a link's counters and an address's remaining lifetime change on their own
                    .map(l -> l.replaceAll("valid_lft \\S+ preferred_lft \\S+", ""))
                    .reduce("", (a, b) -> a + b + "\n"));
        }
        return state.toString();
    }

    @Override
    public void close() {
        try {
            Path logs = Path.of("target", "e2e-logs", "cluster-" + id);
            Files.createDirectories(logs);
            try (Stream<Path> files = Files.walk(dir)) {
                // The components' logs and the pods' (under each node's log/), not what lies in the images' files.
                for (Path log : files.filter(p -> p.toString().endsWith(".log") && Files.isRegularFile(p))
                        .filter(p -> !dir.relativize(p).toString().contains("/containerd/")).toList()) {
                    Path target = logs.resolve(dir.relativize(log).toString().replace('/', '_'));
                    Files.copy(log, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // The logs are for diagnosis only.
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(60, TimeUnit.SECONDS);
            }
            Path scriptLog = dir.resolveSibling(dir.getFileName() + ".log");
            Files.copy(scriptLog, Path.of("target", "e2e-logs", "cluster-" + id, "cluster.sh.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(scriptLog);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
