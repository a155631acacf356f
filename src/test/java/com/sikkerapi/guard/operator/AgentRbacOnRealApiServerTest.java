package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.Manifests;
import com.sikkerapi.guard.testing.RealApiServerProfile;
import com.sikkerapi.guard.testing.RealCluster;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the agent's ServiceAccount may do, asked of the real authorizer with `kubectl auth can-i --as`. */
@QuarkusTest
@TestProfile(RealApiServerProfile.class)
@Tag("real-apiserver")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentRbacOnRealApiServerTest {
    private static final String AGENT = "system:serviceaccount:rbac:edge-agent";
    private final RealCluster cluster = new RealCluster();

    @BeforeAll
    void blocklistWithItsAgent() {
        cluster.apply(Manifests.namespace("rbac"));
        cluster.apply(Manifests.namespace("rbac-other"));
        cluster.apply(Manifests.blocklist("rbac", "edge", ""));
        cluster.apply(Manifests.blocklist("rbac", "other", ""));
        await().atMost(RealCluster.WAIT).until(() -> cluster.client().resources(RoleBinding.class)
                .inNamespace("rbac").withName("edge-agent").get() != null);
    }

    private boolean canI(String verb, String resource, String namespace, String... more) {
        String[] args = new String[] {"auth", "can-i", verb, resource, "-n", namespace, "--as", AGENT};
        if (more.length > 0) {
            args = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                    .toArray(String[]::new);
        }
        KubeApiServer.Result result = cluster.server().kubectl(args);
        assertThat(result.stdout().strip()).isIn("yes", "no");
        return result.exit() == 0;
    }

    @ParameterizedTest(name = "{0} {1} in {2}: {3}")
    @CsvSource({
            "get, threatblocklists/edge, rbac, true",
            "watch, threatblocklists/edge, rbac, true",
            "get, configmaps/edge-agent, rbac, true",
            "watch, configmaps/edge-agent, rbac, true",
            "create, threatblocklistnodes, rbac, true",
            "patch, threatblocklistnodes/edge.node-1, rbac, true",
            "create, events, rbac, true",
            // Everything else is denied:
            "get, threatblocklists/other, rbac, false",
            "update, threatblocklists/edge, rbac, false",
            "patch, threatblocklists/edge, rbac, false",
            "delete, threatblocklists/edge, rbac, false",
            "create, threatblocklists, rbac, false",
            "get, configmaps/other-agent, rbac, false",
            "list, configmaps, rbac, false",
            "get, secrets/sikkerapi-key, rbac, false",
            "list, secrets, rbac, false",
            "get, pods, rbac, false",
            "delete, daemonsets/edge-agent, rbac, false",
            "create, threatblocklistnodes, rbac-other, false",
            "get, threatblocklists/edge, rbac-other, false",
            "create, events, rbac-other, false",
            "create, serviceaccounts/token, rbac, false",
    })
    void agentMayDoOnlyWhatItNeeds(String verb, String resource, String namespace, boolean allowed) {
        assertThat(canI(verb, resource, namespace)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "cluster-wide {0} {1}: denied")
    @CsvSource({"get, nodes", "list, namespaces", "list, threatblocklists", "get, secrets"})
    void agentHasNoClusterWideRights(String verb, String resource) {
        assertThat(canI(verb, resource, "default", "--all-namespaces")).isFalse();
    }
}
