package com.sikkerapi.guard.bench;

import com.sikkerapi.guard.agent.AgentCommand;
import com.sikkerapi.guard.feed.ListCollector;
import com.sikkerapi.guard.feed.ListValidator;
import com.sikkerapi.guard.feed.PlainTextParser;
import com.sikkerapi.guard.feed.RejectedLines;
import com.sikkerapi.guard.feed.ValidationPolicy;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.ListEncoding;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM with the agent's flags: what the agent holds with a published list of a million entries.
 * {@code encode FEED OUT} plays the hub (parse, validate, encode: not the agent's work, so not in its process);
 * {@code agent OUT} plays the agent: the Kubernetes client with its event loop started, the published bytes
 * decoded, the last good list written and read back. Prints VmRSS and VmHWM.
 */
public final class AgentMemoryProbe {
    private AgentMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("encode")) {
            ListCollector collector = new ListCollector(8, 32, RejectedLines.IGNORE);
            try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
                new PlainTextParser().parse(in, collector);
            }
            var result = (ValidationResult.Accepted) ListValidator.validate(collector, ValidationPolicy.DEFAULTS, -1);
            Files.write(Path.of(args[2]), ListEncoding.encode(result.blocked()));
            return;
        }
        try (KubernetesClient client = AgentCommand.kubernetesClient(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:1").withRequestTimeout(200).withRequestRetryBackoffLimit(0).build())) {
            try {
                client.configMaps().inNamespace("x").withName("y").get();
            } catch (RuntimeException expected) {
                // Nothing listens there; the point is a started client, as in the agent.
            }
            byte[] encoded = Files.readAllBytes(Path.of(args[1]));
            AddressSet list = ListEncoding.decode(ListEncoding.join(List.of(encoded), ListEncoding.digest(encoded)));
            encoded = null;
            Path state = Files.createTempDirectory("probe");
            var saved = new com.sikkerapi.guard.agent.LastGoodList(state);
            saved.save(new com.sikkerapi.guard.agent.LastGoodList.Saved(list, "probe", "probe",
                    new com.sikkerapi.guard.api.EnforcementSpec()));
            var again = saved.load().orElseThrow();
            FirewallBench.deleteTree(state);
            System.gc();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                    System.out.println(line.replaceAll("\\s+", " "));
                }
            }
            System.out.println("entries " + list.cidrCountV4() + " / " + again.list().cidrCountV4());
        }
    }
}
