package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The publisher's objects exist only while the blocklist has spec.outputs.nginx; without it they are deleted. */
public class NginxOutputEnabled implements Condition<HasMetadata, ThreatBlocklist> {
    @Override
    public boolean isMet(io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource<HasMetadata,
            ThreatBlocklist> dependent, ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        return enabled(blocklist);
    }

    static boolean enabled(ThreatBlocklist blocklist) {
        return blocklist.getSpec().getOutputs() != null && blocklist.getSpec().getOutputs().getNginx() != null;
    }
}
