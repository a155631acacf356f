package com.sikkerapi.guard.operator;

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
 * The web-tier publisher: one replica (one writer of the ConfigMaps; Recreate, so never two), on the pod network,
 * as a non-root user with no capability and a read-only root file system: it only pulls and writes ConfigMaps.
 * It reads the agent ConfigMap, so a spec change reaches it as it reaches the nodes.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class PublisherDeploymentDependent extends AgentDependent<Deployment> {
    public PublisherDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        return render(blocklist, plan(context).settings());
    }

    static Deployment render(ThreatBlocklist blocklist, OperatorSettings settings) {
        String name = Names.publisher(blocklist);
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("256Mi"))
                .endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_BLOCKLIST").withValue(blocklist.getMetadata().getName()).build());
        env.add(new EnvVarBuilder().withName("SIKKERGUARD_CONFIGMAP").withValue(Names.agent(blocklist)).build());
        env.add(new EnvVarBuilder().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
        // Readable by the group: the publisher runs as a non-root user (fsGroup below).
        AgentDaemonSetDependent.mountApiKey(blocklist, 0440, volumes, mounts, env);
        var container = new ContainerBuilder()
                .withName("publisher")
                .withImage(settings.agent().image())
                .withImagePullPolicy(settings.agent().imagePullPolicy())
                .withCommand(settings.agent().command())
                .withArgs("publish-nginx")
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
                .withMetadata(metadata(blocklist, name, Names.publisherLabels(blocklist)))
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector().withMatchLabels(selector(blocklist)).endSelector()
                .withNewStrategy().withType("Recreate").endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(Names.publisherLabels(blocklist)).endMetadata()
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

    private static java.util.Map<String, String> selector(ThreatBlocklist blocklist) {
        java.util.Map<String, String> selector = new java.util.LinkedHashMap<>();
        Names.publisherLabels(blocklist).entrySet().stream().limit(2).forEach(e -> selector.put(e.getKey(), e.getValue()));
        return selector;
    }
}
