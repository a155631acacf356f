package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class PublisherServiceAccountDependent extends AgentDependent<ServiceAccount> {
    public PublisherServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        return new ServiceAccountBuilder().withMetadata(metadata(blocklist, Names.publisher(blocklist),
                Names.publisherLabels(blocklist))).withAutomountServiceAccountToken(false).build();
    }
}
