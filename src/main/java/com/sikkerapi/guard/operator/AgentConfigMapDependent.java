package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's whole configuration: the current spec, the cluster's protected ranges, the selected nodes, and the
 * rollout (which identity each node enforces, with the previous identity's configuration). Agents watch it through the API (not as a mounted volume, which the kubelet
 * refreshes only every minute or so), so a spec change reaches every node in seconds without restarting a pod.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class AgentConfigMapDependent extends AgentDependent<ConfigMap> {
    public AgentConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        return render(blocklist, plan(context));
    }

    /** The blocklist's current configuration as the agents and the hub take it. */
    static AgentConfig config(ThreatBlocklist blocklist, com.sikkerapi.guard.api.Mode mode,
            com.sikkerapi.guard.api.ModeReason modeReason) {
        return new AgentConfig(blocklist.getMetadata().getName(), blocklist.getMetadata().getNamespace(),
                blocklist.getMetadata().getUid(), generation(blocklist), mode, modeReason, blocklist.getSpec());
    }

    static ConfigMap render(ThreatBlocklist blocklist, AgentPlan plan) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(AgentConfig.CONFIG_KEY, Serialization.asJson(config(blocklist, plan.mode(), plan.modeReason())));
        if (plan.rollout() != null) {
            data.put(com.sikkerapi.guard.api.Rollout.KEY, Serialization.asJson(plan.rollout()));
        }
        data.put(AgentConfig.PROTECTED_RANGES_KEY, String.join("\n", plan.protectedRanges()) + "\n");
        data.put(com.sikkerapi.guard.api.ListBounds.CONFIG_KEY, com.sikkerapi.guard.api.Json.write(
                plan.policy().bounds()));
        data.put(AgentConfig.SELECTED_NODES_KEY, plan.selectedNodes().isEmpty() ? ""
                : String.join("\n", plan.selectedNodes()) + "\n");
        return new ConfigMapBuilder().withMetadata(metadata(blocklist)).withData(data).build();
    }
}
