package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.IngressNginxTarget;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.nginx.NginxPublication;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Takes a web-tier publication back when its blocklist no longer wants it: the ConfigMaps when spec.outputs.nginx
 * goes, and the ingress-nginx block-cidrs key when the target goes or the blocklist is deleted. The operator does it,
 * not the publisher: the publisher's account is deleted together with its Deployment, while its pod may still be
 * stopping, and a crashed publisher cleans nothing.
 */
final class NginxTakeBack {
    private static final Logger LOG = Logger.getLogger(NginxTakeBack.class);

    private NginxTakeBack() {
    }

    /** @param first the publication's first ConfigMap (the publisher's record), or null when there is none */
    static void reconcile(KubernetesClient client, ThreatBlocklist blocklist, ConfigMap first) {
        if (first == null) {
            return;
        }
        boolean enabled = NginxOutputEnabled.enabled(blocklist);
        IngressNginxTarget target = enabled ? blocklist.getSpec().getOutputs().getNginx().getIngressNginx() : null;
        String recorded = recordedTarget(first);
        if (recorded != null && !recorded.equals(target == null ? null
                : target.getNamespace() + "/" + target.getConfigMapName())) {
            removeBlockCidrs(client, recorded);
        }
        if (!enabled) {
            String namespace = blocklist.getMetadata().getNamespace();
            LOG.infof("%s/%s has no nginx output any more: deleting its published ConfigMaps", namespace,
                    blocklist.getMetadata().getName());
            // One by one: a collection delete would need a verb (deletecollection) the operator has no other use for.
            client.configMaps().inNamespace(namespace).withLabels(Map.of(NginxPublication.OUTPUT_LABEL, "nginx",
                    ThreatBlocklistNode.BLOCKLIST_LABEL, blocklist.getMetadata().getName())).list().getItems()
                    .forEach(configMap -> client.resource(configMap).delete());
        }
    }

    /**
     * The blocklist was deleted: its ConfigMaps go with it (owner references); the ingress-nginx key, in another
     * namespace, is taken back here, from the target its last spec named.
     */
    static void deleted(KubernetesClient client, ThreatBlocklist blocklist) {
        if (NginxOutputEnabled.enabled(blocklist) && blocklist.getSpec().getOutputs().getNginx().getIngressNginx() != null) {
            IngressNginxTarget target = blocklist.getSpec().getOutputs().getNginx().getIngressNginx();
            removeBlockCidrs(client, target.getNamespace() + "/" + target.getConfigMapName());
        }
    }

    private static String recordedTarget(ConfigMap first) {
        Map<String, String> annotations = first.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(NginxPublication.INGRESS_TARGET_ANNOTATION);
    }

    /**
     * An apply under the publisher's field manager that no longer names block-cidrs: the API server removes what
     * that manager alone owned, and leaves the controller's other settings as they are. Only when it still owns it.
     */
    private static void removeBlockCidrs(KubernetesClient client, String target) {
        String[] parts = target.split("/", 2);
        try {
            ConfigMap controller = client.configMaps().inNamespace(parts[0]).withName(parts[1]).get();
            boolean ours = controller != null && controller.getMetadata().getManagedFields().stream()
                    .anyMatch(f -> Objects.equals(f.getManager(), NginxPublication.FIELD_MANAGER)
                            && String.valueOf(f.getFieldsV1().getAdditionalProperties()).contains("block-cidrs"));
            if (ours) {
                NginxPublication.applyAsPublisher(client, new ConfigMapBuilder().withNewMetadata().withName(parts[1])
                        .withNamespace(parts[0]).endMetadata().build());
                LOG.infof("Removed the published block-cidrs from %s", target);
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not remove block-cidrs from %s (will try again): %s", target, e.getMessage());
        }
    }
}
