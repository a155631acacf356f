package com.sikkerapi.guard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.testing.RealApiServerProfile;
import com.sikkerapi.guard.testing.RealCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `kubectl apply -f deploy/samples/` with the operator running: what a cluster admin gets and reviews. */
@QuarkusTest
@TestProfile(RealApiServerProfile.class)
@Tag("real-apiserver")
class DeploySamplesOnRealApiServerTest {
    private final RealCluster cluster = new RealCluster();

    private <T> T object(Class<T> type, String kind, String namespace, String name) {
        String json = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> cluster.server().kubectl("-n", namespace, "get", kind, name, "-o", "json"),
                r -> r.exit() == 0).stdout();
        return Serialization.unmarshal(json, type);
    }

    private DaemonSet daemonSet(String namespace, String name) {
        return object(DaemonSet.class, "daemonset", namespace, name);
    }

    private io.fabric8.kubernetes.api.model.apps.Deployment deployment(String namespace, String name) {
        return object(io.fabric8.kubernetes.api.model.apps.Deployment.class, "deployment", namespace, name);
    }

    @Test
    void samplesApplyAndGiveAReviewableAgentDaemonSet() {
        cluster.server().kubectl("apply", "-f", "deploy/samples/").check();

        PodSpec pod = daemonSet("sikkerguard", "sikkerapi-agent").getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(pod.getServiceAccountName()).isEqualTo("sikkerapi-agent");
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        Container agent = pod.getContainers().get(0);
        assertThat(agent.getArgs()).containsExactly("agent");
        assertThat(agent.getSecurityContext().getPrivileged()).isFalse();
        assertThat(agent.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN", "NET_RAW");
        assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(agent.getEnv()).noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
        assertThat(pod.getVolumes()).as("the key is the hub's alone").noneMatch(v -> v.getSecret() != null);
        PodSpec hub = deployment("sikkerguard", "sikkerapi-hub").getSpec().getTemplate().getSpec();
        assertThat(hub.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(hub.getVolumes()).anyMatch(v -> v.getSecret() != null
                && v.getSecret().getSecretName().equals("sikkerapi-key"));

        PodSpec edge = daemonSet("sikkerguard", "firehol-level1-agent").getSpec().getTemplate().getSpec();
        assertThat(edge.getNodeSelector()).containsEntry("node-role.example.com/edge", "true");
        assertThat(edge.getVolumes()).noneMatch(v -> v.getSecret() != null);

        var trial = cluster.awaitBlocklist("sikkerguard", "sikkerapi-strict-trial", b -> b.getStatus() != null);
        assertThat(trial.getStatus().getMode()).isEqualTo(Mode.DryRun);
        assertThat(trial.getStatus().getModeReason()).isEqualTo(ModeReason.SpecDryRun);
        var staging = cluster.awaitBlocklist("sikkerguard-staging", "staging", b -> b.getStatus() != null);
        assertThat(staging.getStatus().getMode()).isEqualTo(Mode.DryRun);
        assertThat(staging.getStatus().getModeReason()).isEqualTo(ModeReason.NamespacePolicy);
        assertThat(cluster.server().kubectl("get", "tbl", "-A").check().stdout())
                .contains("sikkerapi ").contains("firehol-level1").contains("DryRun").contains("Enforcing");
    }
}
