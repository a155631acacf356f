package com.sikkerapi.guard.operator;

import static com.sikkerapi.guard.operator.Fixtures.blocklist;
import static com.sikkerapi.guard.operator.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.firewall.Commands;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/argocd/threatblocklist-health.lua, run by Debian's lua5.1 (Argo CD runs health checks in Lua 5.1) on
 * ThreatBlocklists whose status the real StatusAggregator folded.
 */
class ArgoCdHealthCheckTest {
    private static final Path SCRIPT = Path.of("deploy/argocd/threatblocklist-health.lua");
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    private static ThreatBlocklist folded(long generation, List<String> problems, Set<String> desired,
            List<ThreatBlocklistNode> reports) {
        ThreatBlocklist blocklist = blocklist("edge", generation);
        blocklist.setStatus(StatusAggregator.fold(blocklist, problems, Mode.Enforcing, ModeReason.Spec, desired, desired.size(),
                reports, new StatusAggregator.Hub(Fixtures.published(NOW, "Published", 6000, 70), null, true), NOW));
        return blocklist;
    }

    @Test
    void healthFollowsTheStatus() throws Exception {
        assertThat(health(blocklist("edge", 1))).isEqualTo("Progressing|Waiting for the operator");

        ThreatBlocklist ready = folded(3, List.of(), Set.of("a", "b"), List.of(
                report("edge", "a", NodePhase.Enforcing, 3, NOW, 6000, 70),
                report("edge", "b", NodePhase.Enforcing, 3, NOW, 6000, 70)));
        assertThat(health(ready)).startsWith("Healthy|").endsWith("(nodes ready: 2/2)");

        ThreatBlocklist rolling = folded(4, List.of(), Set.of("a", "b"), List.of(
                report("edge", "a", NodePhase.Enforcing, 4, NOW, 6000, 70),
                report("edge", "b", NodePhase.Enforcing, 3, NOW, 6000, 70)));
        assertThat(health(rolling)).startsWith("Progressing|RollingOut: ").endsWith("(nodes ready: 1/2)");

        ThreatBlocklistNode failed = report("edge", "b", NodePhase.Failed, 4, NOW, 0, 0);
        failed.getSpec().setLastErrorReason("PullFailed");
        failed.getSpec().setLastErrorMessage("HTTP 503 from https://feeds.example/list");
        ThreatBlocklist failing = folded(4, List.of(), Set.of("a", "b"), List.of(
                report("edge", "a", NodePhase.Enforcing, 4, NOW, 6000, 70), failed));
        assertThat(health(failing)).startsWith("Degraded|NodesFailing: ").contains("PullFailed")
                .endsWith("(nodes ready: 1/2)");

        ThreatBlocklist invalid = folded(5, List.of("spec.pullInterval: at least 1m"), Set.of("a"), List.of());
        assertThat(health(invalid)).startsWith("Degraded|InvalidSpec: spec.pullInterval: at least 1m");

        ThreatBlocklist noNodes = folded(5, List.of(), Set.of(), List.of());
        assertThat(health(noNodes)).startsWith("Degraded|NoNodes: ");

        // The spec changed and the operator has not caught up: not Healthy on an old generation's say-so.
        ready.getMetadata().setGeneration(4L);
        assertThat(health(ready)).isEqualTo("Progressing|The operator has not processed generation 4 yet");
    }

    @Test
    void aStagedRolloutIsProgressingAndAHaltedOneDegraded() throws Exception {
        ThreatBlocklist ready = folded(3, List.of(), Set.of("a", "b"), List.of(
                report("edge", "a", NodePhase.Enforcing, 3, NOW, 6000, 70),
                report("edge", "b", NodePhase.Enforcing, 3, NOW, 6000, 70)));
        com.sikkerapi.guard.api.Rollout.Identity target = new com.sikkerapi.guard.api.Rollout.Identity("abc123abc123",
                Fixtures.DIGEST);
        com.sikkerapi.guard.api.Rollout batch = new com.sikkerapi.guard.api.Rollout(target, null, List.of("a"),
                com.sikkerapi.guard.api.Rollout.Stage.Batch, 1, 2, NOW.toString(), null, null);
        StatusAggregator.rollout(ready.getStatus(), null, batch, com.sikkerapi.guard.api.RolloutStatus.of(batch, 1, 2,
                "batch 1/1: soaking until later"), NOW);
        assertThat(health(ready)).isEqualTo("Progressing|Rollout Batch 1/1: batch 1/1: soaking until later (nodes on "
                + "target: 1/2)");

        com.sikkerapi.guard.api.Rollout halted = new com.sikkerapi.guard.api.Rollout(target, null, List.of(),
                com.sikkerapi.guard.api.Rollout.Stage.Halted, 0, 2, NOW.toString(),
                new com.sikkerapi.guard.api.Rollout.Halt("a", "SelfTestFailed", "broke gateway", NOW.toString()), null);
        ThreatBlocklist stopped = folded(3, List.of(), Set.of("a", "b"), List.of(
                report("edge", "a", NodePhase.Enforcing, 2, NOW, 6000, 70),
                report("edge", "b", NodePhase.Enforcing, 2, NOW, 6000, 70)));
        StatusAggregator.rollout(stopped.getStatus(), null, halted, com.sikkerapi.guard.api.RolloutStatus.of(halted, 0,
                2, RolloutPlanner.halted(halted)), NOW);
        assertThat(health(stopped)).startsWith("Degraded|RolloutHalted: identity abc123abc123").contains(
                "node a SelfTestFailed: broke gateway");
        assertThat(StatusAggregator.find(stopped.getStatus(), StatusAggregator.READY).getReason())
                .isEqualTo("RolloutHalted");
    }

    /** Runs the script as Argo CD does: {@code obj} is the resource, the script returns {status, message}. */
    private String health(ThreatBlocklist blocklist) throws Exception {
        JsonNode object = Serialization.jsonMapper().valueToTree(blocklist);
        Path harness = dir.resolve("harness.lua");
        Files.writeString(harness, "obj = " + lua(object) + "\n"
                + "local hs = assert(loadfile(\"" + SCRIPT.toAbsolutePath() + "\"))()\n"
                + "io.write(hs.status .. \"|\" .. hs.message)\n");
        Commands.Result result = Commands.local().run("lua5.1", harness.toString()).check();
        return result.output();
    }

    /** A JSON tree as a Lua 5.1 table constructor. */
    private static String lua(JsonNode node) {
        if (node.isObject()) {
            StringBuilder out = new StringBuilder("{");
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().isNull()) {
                    out.append('[').append(quote(field.getKey())).append("] = ").append(lua(field.getValue()))
                            .append(", ");
                }
            }
            return out.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder out = new StringBuilder("{");
            node.forEach(element -> out.append(lua(element)).append(", "));
            return out.append('}').toString();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        return quote(node.asText());
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
