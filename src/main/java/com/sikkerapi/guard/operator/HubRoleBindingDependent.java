package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class HubRoleBindingDependent extends AgentDependent<RoleBinding> {
    public HubRoleBindingDependent() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        String name = Names.hub(blocklist);
        return new RoleBindingBuilder().withMetadata(metadata(blocklist, name, Names.hubLabels(blocklist)))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(name)
                .withNamespace(blocklist.getMetadata().getNamespace()).endSubject()
                .build();
    }
}
