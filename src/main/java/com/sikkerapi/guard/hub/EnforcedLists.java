package com.sikkerapi.guard.hub;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidr;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The published lists by digest, as the hub reads them back to check what a node report claims: a node may report
 * only addresses of the list it says it enforces (a forged report cannot make the hub report any address it likes
 * to SikkerAPI under the customer's key). The two published versions are kept; a digest in neither is unknown.
 */
final class EnforcedLists {
    private final KubernetesClient client;
    private final Map<String, AddressSet> loaded = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AddressSet> eldest) {
            return size() > 2;
        }
    };

    EnforcedLists(KubernetesClient client) {
        this.client = client;
    }

    /** The list published under this digest, if either slot holds it now (read once per digest). */
    Optional<AddressSet> list(String namespace, String blocklist, String digest) {
        if (digest == null) {
            return Optional.empty();
        }
        AddressSet cached = loaded.get(digest);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<ListPublication.Pointer> pointer = ListPublication.pointer(client.configMaps().inNamespace(namespace)
                .withName(ListPublication.pointerName(blocklist)).get());
        Optional<ListPublication.Located> where = pointer.flatMap(p -> p.locate(digest));
        if (where.isEmpty()) {
            return Optional.empty();
        }
        try {
            AddressSet list = ListPublication.load(client, namespace, blocklist, where.get()).list();
            loaded.put(digest, list);
            return Optional.of(list);
        } catch (ListPublication.Unreadable e) {
            return Optional.empty();
        }
    }

    static boolean contains(AddressSet list, Cidr address) {
        return address.isV4() ? list.v4().contains(address.lo()) : list.v6().contains(address.hi(), address.lo());
    }
}
