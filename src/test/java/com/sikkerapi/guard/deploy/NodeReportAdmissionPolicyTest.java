package com.sikkerapi.guard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/admission's policy, its CEL expressions evaluated with Google's CEL implementation against admission
 * requests as the API server builds them (object, request.userInfo with the token's node name): an agent's own
 * report is admitted, a report written for another node is refused. Kubernetes 1.30+ enforces it; v1.20 here
 * cannot, so the expressions are what is tested.
 */
class NodeReportAdmissionPolicyTest {
    /** As Kubernetes compiles them: the standard macros (has, all, exists, ...), object and request dynamic. */
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN).addVar("request", SimpleType.DYN).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private static JsonNode policy() throws Exception {
        String yaml = Files.readString(Path.of("deploy/admission/node-report-policy.yaml"));
        return new ObjectMapper(new YAMLFactory()).readValues(new YAMLFactory().createParser(yaml), JsonNode.class)
                .readAll().get(0);
    }

    private static List<String> expressions(String field) throws Exception {
        List<String> expressions = new ArrayList<>();
        policy().get("spec").get(field).forEach(entry -> expressions.add(entry.get("expression").asText()));
        return expressions;
    }

    private static boolean eval(String expression, Map<String, Object> object, Map<String, Object> request)
            throws Exception {
        var program = RUNTIME.createProgram(COMPILER.compile(expression).getAst());
        return (Boolean) program.eval(Map.of("object", object, "request", request));
    }

    /** Whether the API server would admit the write: it applies when every match condition holds. */
    private static boolean admitted(Map<String, Object> object, Map<String, Object> request) throws Exception {
        for (String condition : expressions("matchConditions")) {
            if (!eval(condition, object, request)) {
                return true;
            }
        }
        for (String validation : expressions("validations")) {
            if (!eval(validation, object, request)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> report(String blocklist, String node, String name) {
        return Map.of("metadata", Map.of("name", name, "labels", Map.of("guard.sikkerapi.com/node", node)),
                "spec", Map.of("blocklist", blocklist, "nodeName", node));
    }

    private static Map<String, Object> agentOn(String node) {
        return Map.of("userInfo", Map.of("username", "system:serviceaccount:security:edge-agent",
                "extra", Map.of("authentication.kubernetes.io/node-name", List.of(node),
                        "authentication.kubernetes.io/pod-name", List.of("edge-agent-x7k2p"))));
    }

    @Test
    void anAgentWritesItsOwnNodesReport() throws Exception {
        assertThat(admitted(report("edge", "node-1", "edge.node-1"), agentOn("node-1"))).isTrue();
    }

    @Test
    void aReportForAnotherNodeIsRefused() throws Exception {
        assertThat(admitted(report("edge", "node-2", "edge.node-2"), agentOn("node-1"))).isFalse();
    }

    @Test
    void aReportNamedForAnotherNodeIsRefused() throws Exception {
        assertThat(admitted(report("edge", "node-1", "edge.node-2"), agentOn("node-1"))).isFalse();
    }

    @Test
    void aNodeLabelThatNamesAnotherNodeIsRefused() throws Exception {
        Map<String, Object> forged = Map.of("metadata", Map.of("name", "edge.node-1", "labels",
                Map.of("guard.sikkerapi.com/node", "node-2")), "spec", Map.of("blocklist", "edge",
                "nodeName", "node-1"));
        assertThat(admitted(forged, agentOn("node-1"))).isFalse();
    }

    @Test
    void writesWithoutANodeBoundTokenAreLeftToRbac() throws Exception {
        Map<String, Object> admin = Map.of("userInfo", Map.of("username", "kubernetes-admin"));
        assertThat(admitted(report("edge", "node-2", "edge.node-2"), admin)).isTrue();
    }
}
