package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.SikkerApiSource;
import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub: one replica (one writer of the publications; Recreate, so never two), on the pod network, as a non-root
 * user with no capability and a read-only root file system: it only pulls feeds and writes ConfigMaps. The only pod
 * that mounts the SikkerAPI key. It reads the agent ConfigMap, so a spec change reaches it as it reaches the nodes.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class HubDeploymentDependent extends AgentDependent<Deployment> {
    public static final String CONTAINER = "hub";
    public static final String API_KEY_DIR = "/etc/sikkerguard/api-key";

    public HubDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        return render(blocklist, plan(context).settings());
    }

    static Deployment render(ThreatBlocklist blocklist, OperatorSettings settings) {
        String name = Names.hub(blocklist);
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("256Mi"))
                .endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_BLOCKLIST").withValue(blocklist.getMetadata().getName()).build());
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_CONFIGMAP").withValue(Names.agent(blocklist)).build());
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_ALLOW_PLAIN_HTTP")
                .withValue(Boolean.toString(settings.feeds().allowPlainHttp())).build());
        settings.feeds().refusedRanges().filter(ranges -> !ranges.isEmpty()).ifPresent(ranges -> env.add(
                new EnvVarBuilder().withName("SIKKERGUARD_REFUSED_RANGES").withValue(String.join(",", ranges))
                        .build()));
        settings.feeds().allowedRanges().filter(ranges -> !ranges.isEmpty()).ifPresent(ranges -> env.add(
                new EnvVarBuilder().withName("SIKKERGUARD_ALLOWED_RANGES").withValue(String.join(",", ranges))
                        .build()));
        env.add(new EnvVarBuilder().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
        mountApiKey(blocklist, volumes, mounts, env);
        var container = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.agent().image())
                .withImagePullPolicy(settings.agent().imagePullPolicy())
                .withCommand(settings.agent().command())
                .withArgs("hub")
                .withEnv(env)
                .withVolumeMounts(mounts)
                .withNewResources()
                .addToRequests("cpu", new Quantity("50m"))
                .addToRequests("memory", new Quantity("128Mi"))
                .addToLimits("memory", new Quantity("512Mi"))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withRunAsUser(65532L)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .build();
        return new DeploymentBuilder()
                .withMetadata(metadata(blocklist, name, Names.hubLabels(blocklist)))
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector().withMatchLabels(selector(blocklist)).endSelector()
                .withNewStrategy().withType("Recreate").endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(Names.hubLabels(blocklist)).endMetadata()
                .withNewSpec()
                .withServiceAccountName(name)
                .withAutomountServiceAccountToken(true)
                .withNewSecurityContext().withFsGroup(65532L).endSecurityContext()
                .withContainers(container)
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * The SikkerAPI key as a file, never an environment variable: env leaks into /proc/<pid>/environ, crash dumps
     * and `describe`. Readable by the group: the hub runs as a non-root user (fsGroup).
     */
    private static void mountApiKey(ThreatBlocklist blocklist, List<Volume> volumes, List<VolumeMount> mounts,
            List<EnvVar> env) {
        SikkerApiSource sikkerapi = blocklist.getSpec().getSource().getSikkerapi();
        if (sikkerapi != null) {
            volumes.add(new VolumeBuilder().withName("api-key").withNewSecret()
                    .withSecretName(sikkerapi.getApiKeySecretRef().getName()).withDefaultMode(0440).endSecret()
                    .build());
            mounts.add(new VolumeMountBuilder().withName("api-key").withMountPath(API_KEY_DIR).withReadOnly(true)
                    .build());
            env.add(new EnvVarBuilder().withName("SIKKERGUARD_API_KEY_FILE")
                    .withValue(API_KEY_DIR + "/" + sikkerapi.getApiKeySecretRef().getKey()).build());
        }
    }

    private static java.util.Map<String, String> selector(ThreatBlocklist blocklist) {
        java.util.Map<String, String> selector = new java.util.LinkedHashMap<>();
        Names.hubLabels(blocklist).entrySet().stream().limit(2).forEach(e -> selector.put(e.getKey(), e.getValue()));
        return selector;
    }
}
