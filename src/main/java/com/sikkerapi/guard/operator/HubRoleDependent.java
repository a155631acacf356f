package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.hub.ListPublication;
import com.sikkerapi.guard.nginx.NginxPublication;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;

/**
 * The hub's permissions, in its blocklist's namespace: read its blocklist and the agent ConfigMap (the spec it
 * pulls for), read the node reports (the attackers to report, the list versions nodes still enforce), and write its
 * publications. Create cannot be limited by name in RBAC, so it is allowed for ConfigMaps in this namespace; every
 * other verb is limited to the publications' names. No Secrets (the key is mounted), nothing cluster-wide;
 * ingress-nginx's ConfigMap only where an admin grants it.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class HubRoleDependent extends AgentDependent<Role> {
    public HubRoleDependent() {
        super(Role.class);
    }

    @Override
    protected Role desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        return new RoleBuilder().withMetadata(metadata(blocklist, Names.hub(blocklist),
                Names.hubLabels(blocklist))).withRules(rules(blocklist)).build();
    }

    static List<PolicyRule> rules(ThreatBlocklist blocklist) {
        String name = blocklist.getMetadata().getName();
        int slots = NginxOutputEnabled.enabled(blocklist) ? blocklist.getSpec().getOutputs().getNginx().getConfigMaps()
                : 0;
        List<String> publication = new java.util.ArrayList<>(ListPublication.partNames(name));
        publication.add(ListPublication.pointerName(name));
        publication.add(ListPublication.recordName(name));
        publication.addAll(NginxPublication.configMapNames(name, slots));
        return List.of(
                new PolicyRuleBuilder().withApiGroups(ThreatBlocklist.GROUP).withResources("threatblocklists")
                        .withResourceNames(name).withVerbs("get", "list", "watch").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                        .withResourceNames(Names.agent(blocklist)).withVerbs("get", "list", "watch").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withVerbs("create").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withResourceNames(publication)
                        .withVerbs("get", "patch", "update", "delete").build(),
                new PolicyRuleBuilder().withApiGroups(ThreatBlocklist.GROUP).withResources("threatblocklistnodes")
                        .withVerbs("get", "list", "watch").build());
    }
}
