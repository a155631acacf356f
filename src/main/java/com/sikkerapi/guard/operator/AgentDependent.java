package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * Base of the agent's objects: named after the blocklist, in its namespace, labelled as ours, owned by the blocklist
 * (so deleting the blocklist deletes them), applied with server-side apply.
 */
abstract class AgentDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, ThreatBlocklist> {

    AgentDependent(Class<R> type) {
        super(type);
    }

    /**
     * Every dependent follows the operator-wide server-side apply switch. JOSDK would otherwise manage ConfigMaps
     * with classic updates by default; the agent ConfigMap is ours alone and its no-change detection must work like
     * every other dependent's.
     */
    @Override
    protected boolean useSSA(Context<ThreatBlocklist> context) {
        return context.getControllerConfiguration().getConfigurationService()
                .ssaBasedCreateUpdateMatchForDependentResources();
    }

    static ObjectMeta metadata(ThreatBlocklist blocklist) {
        return metadata(blocklist, Names.agent(blocklist), Names.labels(blocklist));
    }

    static ObjectMeta metadata(ThreatBlocklist blocklist, String name, java.util.Map<String, String> labels) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(blocklist.getMetadata().getNamespace())
                .withLabels(labels)
                // controller=true, as for every object a controller manages: `kubectl describe` shows
                // "Controlled By", and garbage collection waits for it with foreground deletion.
                .addNewOwnerReference().withApiVersion(blocklist.getApiVersion()).withKind(blocklist.getKind())
                .withName(blocklist.getMetadata().getName()).withUid(blocklist.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                .build();
    }

    static long generation(ThreatBlocklist blocklist) {
        Long generation = blocklist.getMetadata().getGeneration();
        return generation == null ? 0 : generation;
    }

    static AgentPlan plan(Context<ThreatBlocklist> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(AgentPlan.class, AgentPlan.class);
    }
}
