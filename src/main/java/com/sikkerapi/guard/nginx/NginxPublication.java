package com.sikkerapi.guard.nginx;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.NginxOutputSpec;
import com.sikkerapi.guard.api.NginxOutputStatus;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.net.AddressSet;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The ConfigMaps of a web-tier publication: {@code <blocklist>-nginx-1 .. -N}, one include part each (a part no
 * larger than {@link #MAX_PART_BYTES}, so the object stays under the API server's 1 MiB), the unused ones holding only
 * a header: the set of files an Nginx pod includes never changes, only their contents. The first also holds the
 * snippets and, in an annotation, the publisher's status, which the operator folds into the blocklist's status.
 */
public final class NginxPublication {
    /** A ConfigMap may hold 1 MiB in all; the rest is room for the snippets, keys and metadata. */
    public static final int MAX_PART_BYTES = 900 * 1024;
    public static final String STATUS_ANNOTATION = ThreatBlocklist.GROUP + "/nginx-status";
    /** Listed (raw) entries of each tier at the last publication, for the growth rule after a restart. */
    public static final String LISTED_ANNOTATION = ThreatBlocklist.GROUP + "/nginx-listed";
    /** Where the publisher wrote block-cidrs ({@code namespace/name}), so that it can be taken back. */
    public static final String INGRESS_TARGET_ANNOTATION = ThreatBlocklist.GROUP + "/nginx-ingress-target";
    public static final String OUTPUT_LABEL = ThreatBlocklist.GROUP + "/output";
    /** The web-tier output's own field manager (the hub writes it), also on ingress-nginx's block-cidrs key. */
    public static final String FIELD_MANAGER = "sikkerguard-nginx-publisher";
    public static final String HTTP_SNIPPET = "http-snippet.conf";
    public static final String SERVER_SNIPPET = "server-snippet.conf";

    /** The ConfigMaps to write, or why the list does not fit. */
    public sealed interface Plan {
    }

    public record Fits(List<ConfigMap> configMaps, GeoInclude.Rendered rendered, long bytes) implements Plan {
    }

    public record DoesNotFit(String reason) implements Plan {
    }

    private NginxPublication() {
    }

    public static String configMapName(String blocklist, int slot) {
        return blocklist + "-nginx-" + slot;
    }

    public static List<String> configMapNames(String blocklist, int slots) {
        return IntStream.rangeClosed(1, slots).mapToObj(slot -> configMapName(blocklist, slot)).toList();
    }

    /** The include files as the Nginx pod sees them. */
    public static List<String> includes(String blocklist, NginxOutputSpec spec) {
        String folder = spec.getIncludePath().replaceAll("/+$", "");
        return IntStream.rangeClosed(1, spec.getConfigMaps()).mapToObj(slot -> folder + "/" + blocklist + "-" + slot
                + ".conf").toList();
    }

    public static Plan plan(AgentConfig config, NginxOutputSpec spec, AddressSet block, AddressSet challenge) {
        String source = config.namespace() + "/" + config.blocklist();
        GeoInclude.Rendered rendered = GeoInclude.render(block, challenge, source, config.blocklist(), MAX_PART_BYTES);
        int slots = spec.getConfigMaps();
        long bytes = rendered.parts().stream().mapToLong(GeoInclude.Part::bytes).sum();
        if (rendered.parts().size() > slots) {
            return new DoesNotFit(String.format("%d block and %d challenge networks (aggregated) need %d ConfigMaps of "
                    + "%d KiB, spec.outputs.nginx.configMaps allows %d", rendered.blockEntries(),
                    rendered.challengeEntries(), rendered.parts().size(), MAX_PART_BYTES / 1024, slots));
        }
        List<ConfigMap> configMaps = new ArrayList<>();
        for (int slot = 1; slot <= slots; slot++) {
            Map<String, String> data = new LinkedHashMap<>();
            String file = config.blocklist() + "-" + slot + ".conf";
            data.put(file, slot <= rendered.parts().size() ? rendered.parts().get(slot - 1).text()
                    : "# sikkerguard " + source + ": part " + slot + " is not needed by the current list\n");
            if (slot == 1) {
                data.put(HTTP_SNIPPET, NginxSnippet.http(includes(config.blocklist(), spec), spec.getTrustedProxies()));
                data.put(SERVER_SNIPPET, NginxSnippet.server());
            }
            configMaps.add(configMap(config, slot, data, null));
        }
        return new Fits(configMaps, rendered, bytes);
    }

    /** A slot's ConfigMap, owned by the blocklist (deleted with it), with the status annotation on the first. */
    public static ConfigMap configMap(AgentConfig config, int slot, Map<String, String> data,
            Map<String, String> annotations) {
        return new ConfigMapBuilder().withNewMetadata().withName(configMapName(config.blocklist(), slot))
                .withNamespace(config.namespace())
                .withLabels(Map.of(ThreatBlocklistNode.BLOCKLIST_LABEL, config.blocklist(), OUTPUT_LABEL, "nginx",
                        "app.kubernetes.io/managed-by", FIELD_MANAGER))
                .withAnnotations(annotations)
                .addNewOwnerReference().withApiVersion(ThreatBlocklist.GROUP + "/" + ThreatBlocklist.VERSION)
                .withKind("ThreatBlocklist").withName(config.blocklist()).withUid(config.uid()).endOwnerReference()
                .endMetadata().withData(data).build();
    }

    /**
     * Server-side apply under the publisher's field manager: what it writes (its ConfigMaps, ingress-nginx's
     * block-cidrs), and, with a ConfigMap that no longer names a key, how that key is taken back.
     */
    public static void applyAsPublisher(KubernetesClient client, ConfigMap configMap) {
        client.resource(configMap).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    public static String statusJson(NginxOutputStatus status) {
        return Serialization.asJson(status);
    }

    public static NginxOutputStatus status(ConfigMap first) {
        String json = first.getMetadata().getAnnotations() == null ? null
                : first.getMetadata().getAnnotations().get(STATUS_ANNOTATION);
        return json == null ? null : Serialization.unmarshal(json, NginxOutputStatus.class);
    }
}
