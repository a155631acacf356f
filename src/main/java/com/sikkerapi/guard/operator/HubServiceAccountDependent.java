package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class HubServiceAccountDependent extends AgentDependent<ServiceAccount> {
    public HubServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        return new ServiceAccountBuilder().withMetadata(metadata(blocklist, Names.hub(blocklist),
                Names.hubLabels(blocklist))).withAutomountServiceAccountToken(false).build();
    }
}
