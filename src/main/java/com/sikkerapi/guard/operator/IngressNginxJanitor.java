package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Takes ingress-nginx's block-cidrs back when a blocklist that wrote it is deleted. Without a finalizer: the
 * operator writes nothing into the blocklists but their status (what Git holds stays Git's), so it learns of the
 * deletion from a watch instead. A deletion while the operator is down is not seen: the README says how to remove the
 * key by hand then.
 */
@ApplicationScoped
public class IngressNginxJanitor {
    private final KubernetesClient client;
    private SharedIndexInformer<ThreatBlocklist> informer;

    public IngressNginxJanitor(KubernetesClient client) {
        this.client = client;
    }

    void start(@Observes StartupEvent event) {
        informer = client.resources(ThreatBlocklist.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ThreatBlocklist blocklist) {
            }

            @Override
            public void onUpdate(ThreatBlocklist before, ThreatBlocklist after) {
            }

            @Override
            public void onDelete(ThreatBlocklist blocklist, boolean finalStateUnknown) {
                NginxTakeBack.deleted(client, blocklist);
            }
        }, 0);
    }

    void stop(@Observes ShutdownEvent event) {
        if (informer != null) {
            informer.close();
        }
    }
}
