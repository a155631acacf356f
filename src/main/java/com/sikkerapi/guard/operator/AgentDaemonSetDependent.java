package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One agent per selected node, on the host's network namespace (the firewall it manages is the node's), with only
 * NET_ADMIN and NET_RAW (iptables' set match opens a raw socket): not a privileged container. The pod template holds
 * only what needs a restart to change (image, key Secret, placement); everything else reaches the running agents
 * through their ConfigMap, so spec changes roll out in seconds and never open a gap. No Secret is mounted: the
 * agent takes its list from the hub's publication and holds no key.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class AgentDaemonSetDependent extends AgentDependent<DaemonSet> {
    public static final String CONTAINER = "agent";
    public static final String STATE_DIR = "/var/lib/sikkerguard";
    /** iptables takes this lock (iptables -w); sharing the host's file serialises us with kube-proxy and the CNI. */
    public static final String XTABLES_LOCK = "/run/xtables.lock";

    public AgentDaemonSetDependent() {
        super(DaemonSet.class);
    }

    @Override
    protected DaemonSet desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        AgentPlan plan = plan(context);
        return render(blocklist, plan.settings(), plan.healthPort(), plan.policy());
    }

    static DaemonSet render(ThreatBlocklist blocklist, OperatorSettings settings, int healthPort,
            ClusterPolicy policy) {
        String name = Names.agent(blocklist);
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("state").withNewHostPath()
                .withPath(settings.agent().stateHostPath()).withType("DirectoryOrCreate").endHostPath().build());
        mounts.add(new VolumeMountBuilder().withName("state").withMountPath(STATE_DIR).build());
        volumes.add(new VolumeBuilder().withName("xtables-lock").withNewHostPath()
                .withPath(XTABLES_LOCK).withType("FileOrCreate").endHostPath().build());
        mounts.add(new VolumeMountBuilder().withName("xtables-lock").withMountPath(XTABLES_LOCK).build());
        // The root file system is read-only; the JVM and the tools still want a scratch folder.
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withMedium("Memory")
                .withSizeLimit(new Quantity("64Mi")).endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());

        boolean kernelLog = blocklist.getSpec().getEnforcement().getBlockedLog() == EnforcementSpec.BlockedLog.KMSG;
        if (kernelLog) {
            // Only for blockedLog: kmsg: the node's kernel log, read-only (NFLOG, the default, needs neither this nor
            // CAP_SYSLOG).
            volumes.add(new VolumeBuilder().withName("kmsg").withNewHostPath().withPath("/dev/kmsg")
                    .withType("CharDevice").endHostPath().build());
            mounts.add(new VolumeMountBuilder().withName("kmsg").withMountPath("/dev/kmsg").withReadOnly(true).build());
        }

        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_BLOCKLIST").withValue(blocklist.getMetadata().getName()).build());
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_CONFIGMAP").withValue(name).build());
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_STATE_DIR").withValue(STATE_DIR).build());
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_HEALTH_PORT")
                .withValue(Integer.toString(healthPort)).build());
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_BLOCKED_LOG_INTERVAL")
                .withValue(settings.agent().blockedLogInterval()).build());
        env.add(new EnvVarBuilder().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
        env.add(new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
                .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build());

        Container agent = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.agent().image())
                .withImagePullPolicy(settings.agent().imagePullPolicy())
                .withCommand(settings.agent().command())
                .withArgs("agent")
                // The agent listens on loopback only, and the kubelet shares the node's network (hostNetwork), so
                // it probes 127.0.0.1 itself: no process is started in the container. Ready: this node holds the
                // list (restored or applied) and the last cycle succeeded, so a rolling update moves on to the next
                // node only once this one is protected again. Live: the loop moves (a restart keeps the rules).
                .withNewReadinessProbe().withNewHttpGet().withHost("127.0.0.1").withPath("/healthz")
                .withNewPort(healthPort).endHttpGet()
                .withInitialDelaySeconds(2).withPeriodSeconds(5).withTimeoutSeconds(3).withFailureThreshold(3)
                .endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withHost("127.0.0.1").withPath("/livez")
                .withNewPort(healthPort).endHttpGet().withInitialDelaySeconds(60).withPeriodSeconds(60)
                .withTimeoutSeconds(10).withFailureThreshold(3).endLivenessProbe()
                .withEnv(env)
                .withVolumeMounts(mounts)
                .withNewResources()
                .addToRequests("cpu", new Quantity(settings.agent().cpuRequest()))
                .addToRequests("memory", new Quantity(settings.agent().memoryRequest()))
                .addToLimits("memory", new Quantity(settings.agent().memoryLimit()))
                .endResources()
                .withNewSecurityContext()
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                // iptables and ipset need uid 0 with the capabilities below; file capabilities are not honoured
                // for a non-root user without ambient capabilities, which Kubernetes cannot grant.
                .withRunAsUser(0L)
                .withRunAsNonRoot(false)
                .withNewCapabilities().withDrop("ALL").withAdd(kernelLog ? List.of("NET_ADMIN", "NET_RAW", "SYSLOG")
                        : List.of("NET_ADMIN", "NET_RAW")).endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .build();

        PodSpecBuilder pod = new PodSpecBuilder()
                .withServiceAccountName(name)
                .withAutomountServiceAccountToken(true)
                .withHostNetwork(true)
                .withDnsPolicy("ClusterFirstWithHostNet")
                // Long enough for the agent to remove its rules and sets when its blocklist is deleted.
                .withTerminationGracePeriodSeconds(30L)
                .withTolerations(tolerations(blocklist))
                .withContainers(agent)
                .withVolumes(volumes);
        Map<String, String> nodeSelector = blocklist.getSpec().getNodeSelector();
        if (nodeSelector != null && !nodeSelector.isEmpty()) {
            pod.withNodeSelector(nodeSelector);
        }
        settings.agent().priorityClassName().filter(s -> !s.isBlank()).ifPresent(pod::withPriorityClassName);
        if (!policy.agentsOnControlPlanes()) {
            pod.withAffinity(offControlPlanes());
        }

        return new DaemonSetBuilder()
                .withMetadata(metadata(blocklist))
                .withNewSpec()
                .withNewSelector().withMatchLabels(Names.selectorLabels(blocklist)).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                // A restarting agent leaves its sets and rules in place for its successor, so a node is protected
                // throughout its agent's upgrade and a wider rollout window costs no protection.
                .withMaxUnavailable(new IntOrString("10%")).endRollingUpdate().endUpdateStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(Names.labels(blocklist)).endMetadata()
                .withSpec(pod.build())
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Never on a node labelled as a control plane: the cluster policy's agentsOnControlPlanes opts in. */
    static io.fabric8.kubernetes.api.model.Affinity offControlPlanes() {
        var term = new io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder();
        for (String label : ClusterPolicy.CONTROL_PLANE_LABELS) {
            term.addNewMatchExpression().withKey(label).withOperator("DoesNotExist").endMatchExpression();
        }
        return new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(term.build())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
    }

    /** Without explicit tolerations the agent tolerates every taint; control planes stay off by the policy. */
    static List<Toleration> tolerations(ThreatBlocklist blocklist) {
        List<Toleration> tolerations = blocklist.getSpec().getTolerations();
        if (tolerations != null) {
            return tolerations;
        }
        return List.of(new TolerationBuilder().withOperator("Exists").build());
    }
}
