package com.sikkerapi.guard.testing;

import com.sikkerapi.guard.firewall.Commands;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays the kubelet of one simulated node (no kubelet runs here): reads a DaemonSet's or Deployment's pod
 * template and starts its container's command with its arguments, its environment (field references resolved),
 * its volumes as folders (hostPath per node, emptyDir, Secrets and ConfigMaps written to files) and the pod's
 * ServiceAccount token, as a process inside the node's network namespace. So the template itself is what runs.
 * The built launcher stands in for the image's /opt/sikkerguard/bin/sikkerguard.
 */
public final class Kubelet {
    public static final Path LAUNCHER = Path.of("target/sikkerguard/bin/sikkerguard").toAbsolutePath();

    private final KubeApiServer server;
    private final String nodeName;
    private final NetNs ns;
    private final Path dir;
    private final Map<String, Map<String, String>> environments = new HashMap<>();
    private final Map<String, Container> containers = new HashMap<>();
    private final Map<String, Process> agents = new LinkedHashMap<>();

    /** @param dir this node's folder: its hostPaths, the pods' volumes and logs, the bridges' sockets */
    public Kubelet(KubeApiServer server, String nodeName, NetNs ns, Path dir) {
        this.server = server;
        this.nodeName = nodeName;
        this.ns = ns;
        this.dir = dir;
    }

    public String nodeName() {
        return nodeName;
    }

    public NetNs ns() {
        return ns;
    }

    /** 127.0.0.1:port of the machine, reachable from the node (the API server, a feed); closing cuts it. */
    public AutoCloseable bridge(int port) {
        return ns.bridgeHostPort(port, dir);
    }

    /** The API server, reachable from the node. */
    public AutoCloseable bridgeApiServer() {
        return bridge(URI.create(server.url()).getPort());
    }

    /**
     * Starts the pod of this DaemonSet on this node; {@code pod} names it (its volumes and log), {@code extraEnv}
     * adds variables the test needs and the template leaves at their defaults.
     */
    public Process start(DaemonSet daemonSet, String pod, Map<String, String> extraEnv) {
        return start(daemonSet.getMetadata().getNamespace(), daemonSet.getSpec().getTemplate().getSpec(), pod, extraEnv);
    }

    /** The one pod of a single-replica Deployment, scheduled on this node. */
    public Process start(Deployment deployment, String pod, Map<String, String> extraEnv) {
        return start(deployment.getMetadata().getNamespace(), deployment.getSpec().getTemplate().getSpec(), pod,
                extraEnv);
    }

    private Process start(String namespace, PodSpec spec, String pod, Map<String, String> extraEnv) {
        Container container = spec.getContainers().get(0);
        if (!container.getCommand().equals(List.of(com.sikkerapi.guard.operator.OperatorSettings.Agent.LAUNCHER_IN_IMAGE))) {
            throw new IllegalStateException("the pod template runs " + container.getCommand() + ", not the launcher");
        }
        Path podDir = dir.resolve(pod);
        Map<String, String> mounts = new HashMap<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = spec.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow();
            Path local = volume(namespace, volume, podDir);
            if (local != null) {
                mounts.put(mount.getMountPath(), local.toString());
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : container.getEnv()) {
            String value = var.getValue();
            if (var.getValueFrom() != null) {
                String field = var.getValueFrom().getFieldRef().getFieldPath();
                value = switch (field) {
                    case "metadata.namespace" -> namespace;
                    case "spec.nodeName" -> nodeName;
                    default -> throw new IllegalStateException("a field this kubelet does not fill: " + field);
                };
            }
            env.put(var.getName(), mapped(value, mounts));
        }
        if (mounts.containsKey("/tmp")) {
            env.put("TMPDIR", mounts.get("/tmp")); // the process shares the machine's /tmp: point it at the pod's
        }
        env.put("KUBECONFIG", kubeconfig(namespace, spec.getServiceAccountName(), podDir).toString());
        env.putAll(extraEnv);
        environments.put(pod, env);
        containers.put(pod, container);
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(container.getArgs());
        Process process = ns.start(env, ProcessBuilder.Redirect.appendTo(logFile(pod).toFile()), command);
        agents.put(pod, process);
        return process;
    }

    /** A pod's output so far. */
    public String log(String pod) {
        try {
            return Files.exists(logFile(pod)) ? Files.readString(logFile(pod)) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path logFile(String pod) {
        return dir.resolve(pod + ".log");
    }

    /**
     * The DaemonSet's readiness probe, as the kubelet runs it: an HTTP GET from the node's network to the host, port
     * and path the pod template names; ok for a 2xx answer, as the kubelet counts it.
     */
    public Commands.Result probe(String pod) {
        return get(pod, containers.get(pod).getReadinessProbe().getHttpGet().getPath());
    }

    /** Another path on the probe's host and port (the agent's /status, /metrics). */
    public Commands.Result get(String pod, String path) {
        var get = containers.get(pod).getReadinessProbe().getHttpGet();
        return ns.run("curl", "-sf", "--max-time", "3", "http://" + get.getHost() + ":" + get.getPort().getIntVal() + path);
    }

    /** Stops a pod as the kubelet does: SIGTERM, then SIGKILL after the grace period. Returns its exit code. */
    public int stop(String pod, String signal, long graceSeconds) {
        Process process = agents.remove(pod);
        try {
            new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
            if (!process.waitFor(graceSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean running(String pod) {
        Process process = agents.get(pod);
        return process != null && process.isAlive();
    }

    /** The launcher's other commands on this node (cleanup, validate), as an admin would run them there. */
    public Commands.Result launcher(String... args) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return ns.run(command.toArray(String[]::new));
    }

    /** Where a volume lives for the pod; null for the ones the process needs no folder for (the xtables lock). */
    private Path volume(String namespace, Volume volume, Path podDir) {
        try {
            if (volume.getHostPath() != null) {
                if (!"DirectoryOrCreate".equals(volume.getHostPath().getType())) {
                    return null; // a host file shared as it is (the xtables lock): the same file here
                }
                return Files.createDirectories(dir.resolve("host" + volume.getHostPath().getPath()));
            }
            Path local = Files.createDirectories(podDir.resolve("volumes").resolve(volume.getName()));
            if (volume.getSecret() != null) {
                Secret secret = server.client().secrets().inNamespace(namespace)
                        .withName(volume.getSecret().getSecretName()).get();
                for (var entry : secret.getData().entrySet()) {
                    Path file = local.resolve(entry.getKey());
                    Files.write(file, Base64.getDecoder().decode(entry.getValue()));
                    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(
                            "r--------"));
                }
            } else if (volume.getConfigMap() != null) {
                ConfigMap configMap = server.client().configMaps().inNamespace(namespace)
                        .withName(volume.getConfigMap().getName()).get();
                for (var entry : configMap.getData().entrySet()) {
                    Files.writeString(local.resolve(entry.getKey()), entry.getValue(), StandardCharsets.UTF_8);
                }
            } else if (volume.getEmptyDir() == null) {
                throw new IllegalStateException("a volume kind this kubelet does not mount: " + volume);
            }
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value naming a path under a mount, as the same path in the folder standing in for that mount. */
    private static String mapped(String value, Map<String, String> mounts) {
        for (var mount : mounts.entrySet()) {
            if (value.equals(mount.getKey()) || value.startsWith(mount.getKey() + "/")) {
                return mount.getValue() + value.substring(mount.getKey().length());
            }
        }
        return value;
    }

    /** The pod's ServiceAccount, as a kubeconfig (what the projected token volume gives a pod). */
    private Path kubeconfig(String namespace, String account, Path podDir) {
        String token = server.kubectl("-n", namespace, "create", "token", account).check().stdout().strip();
        try {
            Files.createDirectories(podDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Kubeconfig.write(podDir.resolve("kubeconfig"), server.url(), token, namespace);
    }
}
