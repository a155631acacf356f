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
 * deletion from a watch instead, over the namespaces the operator serves (all, or those its configuration lists:
 * an operator limited to some namespaces may watch no other). A deletion while the operator is down is not seen: the
 * README says how to remove the key by hand then.
 */
@ApplicationScoped
public class IngressNginxJanitor {
    /** JOSDK's name for "every namespace" in quarkus.operator-sdk.namespaces. */
    static final String ALL_NAMESPACES = "JOSDK_ALL_NAMESPACES";

    private final KubernetesClient client;
    private final java.util.Set<String> namespaces;
    private final java.util.List<SharedIndexInformer<ThreatBlocklist>> informers = new java.util.ArrayList<>();

    public IngressNginxJanitor(KubernetesClient client,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.operator-sdk.namespaces",
                    defaultValue = ALL_NAMESPACES) java.util.Set<String> namespaces) {
        this.client = client;
        this.namespaces = namespaces;
    }

    void start(@Observes StartupEvent event) {
        if (namespaces.contains(ALL_NAMESPACES)) {
            informers.add(client.resources(ThreatBlocklist.class).inAnyNamespace().inform(handler(), 0));
        } else {
            namespaces.forEach(namespace -> informers.add(client.resources(ThreatBlocklist.class)
                    .inNamespace(namespace).inform(handler(), 0)));
        }
    }

    private ResourceEventHandler<ThreatBlocklist> handler() {
        return new ResourceEventHandler<>() {
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
        };
    }

    void stop(@Observes ShutdownEvent event) {
        informers.forEach(SharedIndexInformer::close);
    }
}
