package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod template a cluster admin reviews: what runs on every node, with which rights. */
class AgentDaemonSetDependentTest {
    private final OperatorSettings settings = Fixtures.settings(Map.of("sikkerguard.agent.image", "registry/sg:1.2.3"));

    private PodSpec pod(ThreatBlocklist blocklist) {
        DaemonSet daemonSet = AgentDaemonSetDependent.render(blocklist, settings, 19777,
                ClusterPolicy.DEFAULTS);
        assertThat(daemonSet.getSpec().getSelector().getMatchLabels())
                .isEqualTo(daemonSet.getSpec().getTemplate().getMetadata().getLabels().entrySet().stream()
                        .filter(e -> daemonSet.getSpec().getSelector().getMatchLabels().containsKey(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        return daemonSet.getSpec().getTemplate().getSpec();
    }

    @Test
    void theHubsPodPassesTheRestrictedProfileRuleByRule() {
        var hub = HubDeploymentDependent.render(Fixtures.blocklist("edge", 1), Fixtures.settings(Map.of()));
        assertThat(com.sikkerapi.guard.testing.RestrictedProfile.violations(hub.getSpec().getTemplate().getSpec()))
                .isEmpty();
    }

    @Test
    void theAgentsPodIsWhatTheRestrictedProfileRefuses() {
        // The check finds what makes a pod privileged: the agent's is, and so cannot run in a tenant namespace.
        assertThat(com.sikkerapi.guard.testing.RestrictedProfile.violations(pod(Fixtures.blocklist("edge", 1))))
                .contains("hostNetwork", "volume state of type hostPath",
                        "container agent: runAsNonRoot must be true", "container agent: adds capability NET_ADMIN");
    }

    @Test
    void theAgentsStayOffControlPlanesUnlessThePolicyOptsIn() {
        var blocklist = Fixtures.blocklist("edge", 1);
        var settings = Fixtures.settings(Map.of());
        var terms = AgentDaemonSetDependent.render(blocklist, settings, 19777, ClusterPolicy.DEFAULTS).getSpec()
                .getTemplate().getSpec().getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertThat(terms).singleElement().satisfies(term -> assertThat(term.getMatchExpressions())
                .extracting(e -> e.getKey() + " " + e.getOperator())
                .containsExactly("node-role.kubernetes.io/control-plane DoesNotExist",
                        "node-role.kubernetes.io/master DoesNotExist"));
        var optIn = new com.sikkerapi.guard.api.ThreatBlocklistPolicySpec();
        optIn.setAgentsOnControlPlanes(true);
        assertThat(AgentDaemonSetDependent.render(blocklist, settings, 19777, ClusterPolicy.of(optIn)).getSpec()
                .getTemplate().getSpec().getAffinity()).isNull();
    }

    @Test
    void runsOnTheHostNetworkWithOnlyTheCapabilitiesItNeeds() {
        PodSpec pod = pod(Fixtures.blocklist("edge", 1));
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(pod.getServiceAccountName()).isEqualTo("edge-agent");
        assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(pod.getHostPID()).isNull();
        Container agent = pod.getContainers().get(0);
        assertThat(agent.getImage()).isEqualTo("registry/sg:1.2.3");
        assertThat(agent.getCommand()).containsExactly("/opt/sikkerguard/bin/sikkerguard");
        assertThat(agent.getArgs()).containsExactly("agent");
        // The kubelet shares the node's network: it probes the loopback listener itself, no process is started.
        assertThat(agent.getReadinessProbe().getExec()).isNull();
        assertThat(agent.getReadinessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
        assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(agent.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(19777);
        assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(agent.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(19777);
        assertThat(agent.getEnv()).anyMatch(e -> e.getName().equals("SIKKERGUARD_HEALTH_PORT")
                && e.getValue().equals("19777"));
        var security = agent.getSecurityContext();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).containsExactly("NET_ADMIN", "NET_RAW");
        assertThat(agent.getResources().getLimits()).containsKey("memory");
    }

    @Test
    void theAgentMountsNoSecretAndHasNoKeyOnlyItsStateAndTheXtablesLock() {
        PodSpec pod = pod(Fixtures.blocklist("edge", 1));
        Container agent = pod.getContainers().get(0);
        assertThat(pod.getVolumes()).noneMatch(v -> v.getSecret() != null || v.getProjected() != null);
        assertThat(agent.getEnv()).noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
        assertThat(agent.getEnv()).noneMatch(e -> e.getName().contains("KEY"));
        assertThat(agent.getEnvFrom()).isEmpty();
        assertThat(pod.getVolumes()).anyMatch(v -> v.getHostPath() != null
                && v.getHostPath().getPath().equals("/var/lib/sikkerguard"));
        assertThat(pod.getVolumes()).anyMatch(v -> v.getHostPath() != null
                && v.getHostPath().getPath().equals("/run/xtables.lock"));
    }

    @Test
    void theHubAloneMountsTheKeyAsAFileAndRunsWithoutPrivileges() {
        var hub = HubDeploymentDependent.render(Fixtures.blocklist("edge", 1), Fixtures.settings(Map.of()));
        PodSpec pod = hub.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        assertThat(container.getArgs()).containsExactly("hub");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(container.getEnv()).noneMatch(e -> e.getValueFrom() != null
                && e.getValueFrom().getSecretKeyRef() != null);
        assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("SIKKERGUARD_API_KEY_FILE")
                && e.getValue().equals("/etc/sikkerguard/api-key/api-key"));
        var secret = pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
        assertThat(secret.getSecret().getSecretName()).isEqualTo("sikkerapi-key");
        assertThat(secret.getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(container.getVolumeMounts()).anyMatch(m -> m.getName().equals(secret.getName()) && m.getReadOnly());
        var security = container.getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(hub.getSpec().getReplicas()).isEqualTo(1);
        assertThat(hub.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    }

    @Test
    void onlyTheKernelLogObservationMountsKmsgAndAddsSyslog() {
        ThreatBlocklist nflog = Fixtures.blocklist("nflog", 1);
        assertThat(pod(nflog).getVolumes()).noneMatch(v -> v.getName().equals("kmsg"));
        ThreatBlocklist kmsg = Fixtures.blocklist("kmsg", 1);
        kmsg.getSpec().getEnforcement().setBlockedLog(com.sikkerapi.guard.api.EnforcementSpec.BlockedLog.KMSG);
        PodSpec pod = pod(kmsg);
        assertThat(pod.getVolumes()).anyMatch(v -> v.getName().equals("kmsg")
                && v.getHostPath().getPath().equals("/dev/kmsg") && v.getHostPath().getType().equals("CharDevice"));
        assertThat(pod.getContainers().get(0).getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/dev/kmsg")
                && m.getReadOnly());
        assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities().getAdd())
                .containsExactly("NET_ADMIN", "NET_RAW", "SYSLOG");
    }

    @Test
    void placementComesFromTheSpec() {
        ThreatBlocklist blocklist = Fixtures.blocklist("edge", 1);
        assertThat(pod(blocklist).getNodeSelector()).isNullOrEmpty();
        assertThat(pod(blocklist).getTolerations()).singleElement()
                .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        blocklist.getSpec().setNodeSelector(Map.of("pool", "edge"));
        var toleration = new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("edge")
                .withEffect("NoSchedule").build();
        blocklist.getSpec().setTolerations(List.of(toleration));
        assertThat(pod(blocklist).getNodeSelector()).isEqualTo(Map.of("pool", "edge"));
        assertThat(pod(blocklist).getTolerations()).containsExactly(toleration);
    }
}
