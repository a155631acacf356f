package com.sikkerapi.guard.bench;

import com.sikkerapi.guard.testing.KubeApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * `make bench`: the agent's resident memory, step by step, each step a child JVM with the launcher's flags for the
 * agent under a 320 MiB container limit, its class path and class-data archive (AgentMemoryProbe): the JVM alone, with the agent's API client talking TLS
 * to a real kube-apiserver, and holding a published list of 5,000 and of 1,000,000 entries. Arguments: the two list
 * files (one address a line). Prints Markdown table rows. A benchmark, not a test.
 */
public final class AgentMemoryBench {
    /** As src/main/sh/sikkerguard starts the agent; MaxRAM plays the pod's memory limit. */
    static final List<String> AGENT_FLAGS = List.of("-XX:MaxRAM=320m", "-XX:MaxRAMPercentage=60", "-XX:+UseSerialGC",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private AgentMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        Path small = Path.of(args[0]);
        Path large = Path.of(args[1]);
        probe(false, "encode", small.toString(), encoded(small).toString());
        probe(false, "encode", large.toString(), encoded(large).toString());
        try (KubeApiServer server = KubeApiServer.startWithCrds()) {
            row("the JVM alone (the agent's flags)", probe(true, "jvm"));
            row("+ the agent's API client: two watches and a read over TLS (a real kube-apiserver)",
                    probe(true, "client", server.url(), server.token()));
            row("+ a published list of 5,000 entries (decoded, verified, saved and read back)",
                    probe(true, "agent", server.url(), server.token(), encoded(small).toString()));
            row("+ a published list of 1,000,000 entries", probe(true, "agent", server.url(), server.token(),
                    encoded(large).toString()));
        }
        System.exit(0);
    }

    private static Path encoded(Path list) {
        return list.resolveSibling(list.getFileName().toString().replace(".txt", ".sgl"));
    }

    private static void row(String what, long kib) {
        System.out.printf("| %s | %d MiB |%n", what, Math.round(kib / 1024.0));
    }

    /** Runs the probe; the peak resident size it printed last, in KiB. */
    private static long probe(boolean agentFlags, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (agentFlags) {
            command.addAll(AGENT_FLAGS);
        }
        // The launcher's class path and class-data archive (make build), and the probe's own classes.
        Path app = Path.of("target/sikkerguard/app").toAbsolutePath();
        command.addAll(List.of("-XX:SharedArchiveFile=" + app.resolve("sikkerguard-tools.jsa"), "-Xshare:auto",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp",
                Path.of("target/test-classes").toAbsolutePath() + ":" + app + "/app/*:" + app + "/lib/main/*:" + app
                        + "/lib/boot/*", AgentMemoryProbe.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("probe " + String.join(" ", args) + " failed: " + out);
        }
        return out.lines().filter(line -> line.startsWith("VmHWM")).map(line -> line.split(" ")[1])
                .mapToLong(Long::parseLong).reduce((first, last) -> last).orElse(-1);
    }
}
