package com.sikkerapi.guard.bench;

import com.sikkerapi.guard.agent.ConfigWatch;
import com.sikkerapi.guard.agent.KubeApi;
import com.sikkerapi.guard.feed.ListCollector;
import com.sikkerapi.guard.feed.ListValidator;
import com.sikkerapi.guard.feed.PlainTextParser;
import com.sikkerapi.guard.feed.RejectedLines;
import com.sikkerapi.guard.feed.ValidationPolicy;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.ListEncoding;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM with the agent's flags (AgentMemoryBench starts it): what the agent holds resident.
 * {@code encode FEED OUT} plays the hub (parse, validate, encode: not the agent's work, so not in its process);
 * {@code jvm} is the JVM alone; {@code client URL TOKEN} adds the agent's API client, its two watches started and a
 * read over TLS from a real API server; {@code agent URL TOKEN OUT} adds a published list: the hub's bytes decoded
 * and verified, the last good list written and read back. Prints VmRSS and VmHWM.
 */
public final class AgentMemoryProbe {
    private AgentMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "encode" -> encode(Path.of(args[1]), Path.of(args[2]));
            case "jvm" -> printMemory();
            case "client" -> client(args[1], args[2]).close();
            case "agent" -> {
                try (ConfigWatch watch = client(args[1], args[2])) {
                    holdList(Path.of(args[3]));
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void encode(Path feed, Path out) throws Exception {
        ListCollector collector = new ListCollector(8, 32, RejectedLines.IGNORE);
        try (InputStream in = Files.newInputStream(feed)) {
            new PlainTextParser().parse(in, collector);
        }
        var result = (ValidationResult.Accepted) ListValidator.validate(collector, ValidationPolicy.DEFAULTS, -1);
        Files.write(out, ListEncoding.encode(result.blocked()));
    }

    /** The agent's client as on a node: the configuration and the pointer watched, one object read. */
    private static ConfigWatch client(String url, String token) throws Exception {
        KubeApi api = KubeApi.of(java.net.URI.create(url), token, null);
        ConfigWatch watch = new ConfigWatch().start(api, "default", "probe-agent", "probe-list");
        api.get(KubeApi.path(io.fabric8.kubernetes.api.model.ConfigMap.class, "default", "probe-list-a-1"),
                io.fabric8.kubernetes.api.model.ConfigMap.class);
        Thread.sleep(500); // the watches connected
        printMemory();
        return watch;
    }

    private static void holdList(Path published) throws Exception {
        byte[] encoded = Files.readAllBytes(published);
        AddressSet list = ListEncoding.decode(ListEncoding.join(List.of(encoded), ListEncoding.digest(encoded)));
        encoded = null;
        Path state = Files.createTempDirectory("probe");
        var saved = new com.sikkerapi.guard.agent.LastGoodList(state);
        saved.save(new com.sikkerapi.guard.agent.LastGoodList.Saved(list, "probe", "probe",
                new com.sikkerapi.guard.api.EnforcementSpec()));
        var again = saved.load().orElseThrow();
        FirewallBench.deleteTree(state);
        System.out.println("entries " + list.cidrCountV4() + " / " + again.list().cidrCountV4());
        printMemory();
    }

    private static void printMemory() throws java.io.IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                System.out.println(line.replaceAll("\\s+", " "));
            }
        }
    }
}
