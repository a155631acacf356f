package com.sikkerapi.guard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.testing.Manifests;
import com.sikkerapi.guard.testing.OperatorClusterRoleProfile;
import com.sikkerapi.guard.testing.RealCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `kubectl apply -k deploy/` on the real API server, and the operator doing its whole job with exactly the rights
 * deploy/ gives it: its ServiceAccount's token, the ClusterRole's rules, nothing of an admin's.
 */
@QuarkusTest
@TestProfile(OperatorClusterRoleProfile.class)
@Tag("real-apiserver")
class OperatorUnderItsClusterRoleTest {
    private static final String OPERATOR = "system:serviceaccount:" + OperatorClusterRoleProfile.NAMESPACE + ":"
            + OperatorClusterRoleProfile.ACCOUNT;
    private final RealCluster cluster = new RealCluster();

    @Test
    void reconcilesABlocklistWithOnlyTheRightsDeployGivesIt() {
        cluster.node("rbac-node", Map.of("pool", "rbac"), "192.0.2.91", "10.244.91.0/24");
        cluster.apply(Manifests.namespace("operator-rbac"));
        cluster.apply("""
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklist
                metadata: {name: edge, namespace: operator-rbac}
                spec:
                  source: {feeds: [{name: test, url: 'http://127.0.0.1:9/list'}]}
                  nodeSelector: {pool: rbac}
                """);
        // Every dependent made (the Role only if the operator holds what it grants), the status written, an event.
        for (String kind : new String[] {"serviceaccount", "role", "rolebinding", "configmap", "daemonset"}) {
            await().atMost(RealCluster.WAIT).until(() -> cluster.server()
                    .kubectl("-n", "operator-rbac", "get", kind, "edge-agent").exit() == 0);
        }
        var blocklist = cluster.awaitBlocklist("operator-rbac", "edge", b -> b.getStatus() != null
                && b.getStatus().getNodes() != null);
        assertThat(blocklist.getStatus().getNodes().summary()).isEqualTo("0/1");
        await().atMost(RealCluster.WAIT).until(() -> cluster.server()
                .kubectl("-n", "operator-rbac", "get", "events", "-o", "name").stdout().contains("event"));
    }

    @Test
    void theOperatorsRightsStopWhereItsJobDoes() {
        // Allowed, because it is the job.
        for (String[] allowed : new String[][] {{"watch", "threatblocklists.guard.sikkerapi.com"},
                {"patch", "threatblocklists.guard.sikkerapi.com", "--subresource=status"}, {"create", "daemonsets.apps"},
                {"list", "nodes"}, {"get", "customresourcedefinitions.apiextensions.k8s.io/"
                        + "threatblocklists.guard.sikkerapi.com"}}) {
            assertThat(canI(allowed)).as(String.join(" ", allowed)).isEqualTo("yes");
        }
        // Refused: secrets, pods, the blocklists' spec, nodes' writes, cluster-wide RBAC, CRDs other than ours.
        for (String[] refused : new String[][] {{"get", "secrets"}, {"list", "secrets"}, {"create", "pods"},
                {"patch", "threatblocklists.guard.sikkerapi.com"}, {"delete", "threatblocklists.guard.sikkerapi.com"},
                {"patch", "nodes"}, {"create", "clusterroles.rbac.authorization.k8s.io"},
                {"create", "clusterrolebindings.rbac.authorization.k8s.io"},
                {"get", "customresourcedefinitions.apiextensions.k8s.io/other.example.com"}}) {
            assertThat(canI(refused)).as(String.join(" ", refused)).isEqualTo("no");
        }
    }

    @Test
    void theDeploymentRunsUnprivilegedWithProbesAndAMetricsPort() {
        String rendered = cluster.server().kubectl("kustomize", "deploy/").check().stdout();
        assertThat(rendered).contains("kind: CustomResourceDefinition", "kind: ClusterRole", "kind: Deployment");
        Deployment deployment = Serialization.unmarshal(cluster.server()
                .kubectl("-n", "sikkerguard-system", "get", "deployment", "sikkerguard-operator", "-o", "json")
                .check().stdout(), Deployment.class);
        Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(operator.getPorts()).anyMatch(p -> p.getContainerPort() == 8080);
        assertThat(cluster.server().kubectl("-n", "sikkerguard-system", "get", "service",
                "sikkerguard-operator-metrics", "-o", "jsonpath={.metadata.annotations.prometheus\\.io/path}")
                .check().stdout()).isEqualTo("/q/metrics");
    }

    /** @param question verb, resource[/name], and kubectl's further flags (--subresource) */
    private String canI(String... question) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("auth", "can-i"));
        args.addAll(java.util.List.of(question));
        args.addAll(java.util.List.of("-n", "operator-rbac", "--as", OPERATOR));
        return cluster.server().kubectl(args.toArray(String[]::new)).stdout().strip();
    }
}
