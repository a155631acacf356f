package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.hub.ListPublication;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;

/**
 * The agent's permissions, in its blocklist's namespace only. It reads its own blocklist (to tell a deletion from a
 * restart on shutdown), its own ConfigMap and the hub's published list (the pointer watched, the parts read by
 * name), writes node reports and events, and nothing else: no Secrets (it has no key), not the hub's record, no
 * other blocklists, nothing cluster-wide.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class AgentRoleDependent extends AgentDependent<Role> {
    public AgentRoleDependent() {
        super(Role.class);
    }

    @Override
    protected Role desired(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        return new RoleBuilder().withMetadata(metadata(blocklist)).withRules(rules(blocklist)).build();
    }

    static List<PolicyRule> rules(ThreatBlocklist blocklist) {
        String name = blocklist.getMetadata().getName();
        return List.of(
                new PolicyRuleBuilder().withApiGroups(ThreatBlocklist.GROUP).withResources("threatblocklists")
                        .withResourceNames(name).withVerbs("get", "list", "watch").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                        .withResourceNames(Names.agent(blocklist), ListPublication.pointerName(name))
                        .withVerbs("get", "list", "watch").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                        .withResourceNames(ListPublication.partNames(name))
                        .withVerbs("get").build(),
                // Node reports are named after the node, which the Role cannot know per pod: Kubernetes RBAC has no
                // "own object" rule. The agent only ever writes <blocklist>.<its node>.
                new PolicyRuleBuilder().withApiGroups(ThreatBlocklist.GROUP).withResources("threatblocklistnodes")
                        .withVerbs("get", "create", "patch", "update", "delete").build(),
                new PolicyRuleBuilder().withApiGroups("", "events.k8s.io").withResources("events")
                        .withVerbs("create", "patch").build());
    }
}
