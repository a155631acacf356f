package com.sikkerapi.guard.hub;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.api.ListStatus;
import com.sikkerapi.guard.api.ObjectNames;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.ListEncoding;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated list as the hub publishes it for the nodes, through the API server (which every hostNetwork agent
 * reaches, whatever state kube-proxy and the CNI are in): the {@link ListEncoding} bytes in the binaryData of up to
 * {@link #MAX_PARTS} part ConfigMaps, and a small pointer ConfigMap, written last, naming the digest, the slot and
 * the part count of the newest version and of the one in the other slot. Parts go to the slot whose version no
 * node is told to enforce: the one the pointer does not name, or, while a rollout still hands the older version to
 * the nodes not yet moved, the newest slot again. A reader that meets parts of another version (a slot being
 * rewritten) sees it in the digest and reads again. Names are fixed, so the agents' Role grants get on exactly these objects.
 */
public final class ListPublication {
    /** A ConfigMap holds 1 MiB in all; the rest is room for the keys and metadata. */
    public static final int MAX_PART_BYTES = 900 * 1024;
    /** 16 parts hold about 14 MB: some five million IPv4 networks. */
    public static final int MAX_PARTS = 16;
    public static final String OUTPUT_LABEL = com.sikkerapi.guard.nginx.NginxPublication.OUTPUT_LABEL;
    static final String POINTER_OUTPUT = "nodes";
    static final String PART_OUTPUT = "nodes-part";
    /**
     * The hub's record lives on an object of its own, which the operator watches (never the parts, which are
     * large) and the agents do not: a pull that changes nothing wakes no node.
     */
    public static final String RECORD_OUTPUT = "hub-status";
    public static final String RECORD_KEY = "status.json";
    public static final String REPORTS_KEY = "reports.json";
    /** Per node, the end of the last interval of blocked sources the hub took from its report. */
    static final String TAKEN_KEY = "taken.json";
    static final String PART_KEY = "list.sgl";
    static final String DIGEST = "digest";
    static final String SLOT = "slot";
    static final String PARTS = "parts";
    static final String INDEX = "index";
    static final String LISTED = "listed";
    static final String SOURCES = "sources";
    static final String OTHER = "other-";
    static final char[] SLOTS = {'a', 'b'};

    private ListPublication() {
    }

    /** Where one published version lies: its digest, its slot and how many parts it has there. */
    public record Located(String digest, char slot, int parts) {
    }

    /**
     * What the pointer says: the version published last, and the one before it in the other slot (a rollout may
     * still hand that one to the nodes not yet moved).
     *
     * @param listed the raw entry count the feeds listed, for the growth rule of the next pull
     * @param sources what was asked for ({@link com.sikkerapi.guard.feed.FeedPuller#identity}): the growth rule
     *        compares with {@code listed} only while the same is asked; null from a hub before this field
     * @param other what the other slot holds, null when it holds nothing (or a hub before this field)
     */
    public record Pointer(String digest, char slot, int parts, long listed, String sources, Located other) {
        public Located current() {
            return new Located(digest, slot, parts);
        }

        /** The slot holding this digest, if either does. */
        public Optional<Located> locate(String wanted) {
            if (digest.equals(wanted)) {
                return Optional.of(current());
            }
            return other != null && other.digest().equals(wanted) ? Optional.of(other) : Optional.empty();
        }
    }

    /** A published list read back whole and verified against its digest. */
    public record Loaded(Located where, AddressSet list) {
        public String digest() {
            return where.digest();
        }
    }

    /** Thrown when the parts do not make the pointer's list: a slot being rewritten, or parts missing. */
    public static final class Unreadable extends Exception {
        public Unreadable(String message) {
            super(message);
        }
    }

    public static String pointerName(String blocklist) {
        return ObjectNames.shorten(blocklist + "-list", 240);
    }

    public static String partName(String blocklist, char slot, int index) {
        return pointerName(blocklist) + "-" + slot + "-" + index;
    }

    /** Every part name of both slots: what the agents may get (with the pointer; not the hub's record). */
    public static List<String> partNames(String blocklist) {
        List<String> names = new ArrayList<>();
        for (char slot : SLOTS) {
            for (int index = 1; index <= MAX_PARTS; index++) {
                names.add(partName(blocklist, slot, index));
            }
        }
        return names;
    }

    public static Optional<Pointer> pointer(ConfigMap configMap) {
        Map<String, String> data = configMap == null ? null : configMap.getData();
        if (data == null || data.get(DIGEST) == null || data.get(SLOT) == null || data.get(PARTS) == null) {
            return Optional.empty();
        }
        Located other = data.get(OTHER + DIGEST) == null || data.get(OTHER + SLOT) == null
                || data.get(OTHER + PARTS) == null ? null : new Located(data.get(OTHER + DIGEST),
                data.get(OTHER + SLOT).charAt(0), Integer.parseInt(data.get(OTHER + PARTS)));
        return Optional.of(new Pointer(data.get(DIGEST), data.get(SLOT).charAt(0), Integer.parseInt(data.get(PARTS)),
                Long.parseLong(data.getOrDefault(LISTED, "-1")), data.get(SOURCES), other));
    }

    public static String recordName(String blocklist) {
        return pointerName(blocklist) + "-status";
    }

    /** The hub's record of its last pull; null before its first. */
    public static ListStatus record(ConfigMap configMap) {
        String json = configMap == null || configMap.getData() == null ? null : configMap.getData().get(RECORD_KEY);
        return json == null ? null : Serialization.unmarshal(json, ListStatus.class);
    }

    /** Reads the parts the pointer names; every part must carry the pointer's digest and the whole must hash to it. */
    public static Loaded load(KubernetesClient client, String namespace, String blocklist, Located pointer)
            throws Unreadable {
        return load(name -> client.configMaps().inNamespace(namespace).withName(name).get(), blocklist, pointer);
    }

    /** The same, through the agent's own client. */
    public static Loaded load(com.sikkerapi.guard.agent.KubeApi api, String namespace, String blocklist,
            Located pointer) throws Unreadable {
        return load(name -> api.get(com.sikkerapi.guard.agent.KubeApi.path(ConfigMap.class, namespace, name),
                ConfigMap.class).orElse(null), blocklist, pointer);
    }

    /** @param parts a ConfigMap of the blocklist's namespace by name, null when there is none */
    public static Loaded load(java.util.function.Function<String, ConfigMap> parts, String blocklist,
            Located pointer) throws Unreadable {
        List<byte[]> bytes = new ArrayList<>();
        for (int index = 1; index <= pointer.parts(); index++) {
            String name = partName(blocklist, pointer.slot(), index);
            ConfigMap part = parts.apply(name);
            if (part == null || part.getBinaryData() == null || part.getBinaryData().get(PART_KEY) == null) {
                throw new Unreadable(name + " is missing");
            }
            if (!pointer.digest().equals(part.getData() == null ? null : part.getData().get(DIGEST))) {
                throw new Unreadable(name + " holds another version (being rewritten)");
            }
            bytes.add(Base64.getDecoder().decode(part.getBinaryData().get(PART_KEY)));
        }
        try {
            return new Loaded(pointer, ListEncoding.decode(ListEncoding.join(bytes, pointer.digest())));
        } catch (IllegalArgumentException e) {
            throw new Unreadable(e.getMessage());
        }
    }

    /** Server-side apply under the hub's field manager: how the hub writes each of its ConfigMaps. */
    static void apply(KubernetesClient client, ConfigMap configMap) {
        client.resource(configMap).fieldManager(HubCommand.FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    static ConfigMap part(AgentConfig config, char slot, int index, int parts, String digest, byte[] bytes) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(DIGEST, digest);
        data.put(INDEX, Integer.toString(index));
        data.put(PARTS, Integer.toString(parts));
        return new ConfigMapBuilder().withMetadata(metadata(config, partName(config.blocklist(), slot, index),
                PART_OUTPUT)).withData(data)
                .withBinaryData(Map.of(PART_KEY, Base64.getEncoder().encodeToString(bytes))).build();
    }

    /** The hub's last report round; null before its first. */
    public static com.sikkerapi.guard.api.ReportStatus reportRecord(ConfigMap configMap) {
        String json = configMap == null || configMap.getData() == null ? null : configMap.getData().get(REPORTS_KEY);
        return json == null ? null : Serialization.unmarshal(json, com.sikkerapi.guard.api.ReportStatus.class);
    }

    /** The hub's marks of what it took from each node's report (see HubReports); none before its first. */
    static java.util.SortedMap<String, String> taken(ConfigMap configMap) {
        String json = configMap == null || configMap.getData() == null ? null : configMap.getData().get(TAKEN_KEY);
        java.util.SortedMap<String, String> taken = new java.util.TreeMap<>();
        if (json != null) {
            Json.read(json, com.fasterxml.jackson.databind.JsonNode.class).fields()
                    .forEachRemaining(mark -> taken.put(mark.getKey(), mark.getValue().asText()));
        }
        return taken;
    }

    static ConfigMap record(AgentConfig config, ListStatus list, com.sikkerapi.guard.api.ReportStatus reports,
            java.util.SortedMap<String, String> taken) {
        Map<String, String> data = new LinkedHashMap<>();
        if (list != null) {
            data.put(RECORD_KEY, Serialization.asJson(list));
        }
        if (reports != null) {
            data.put(REPORTS_KEY, Serialization.asJson(reports));
        }
        if (!taken.isEmpty()) {
            data.put(TAKEN_KEY, Json.write(taken));
        }
        return new ConfigMapBuilder().withMetadata(metadata(config, recordName(config.blocklist()), RECORD_OUTPUT))
                .withData(data).build();
    }

    static ConfigMap pointer(AgentConfig config, Pointer pointer) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(DIGEST, pointer.digest());
        data.put(SLOT, String.valueOf(pointer.slot()));
        data.put(PARTS, Integer.toString(pointer.parts()));
        data.put(LISTED, Long.toString(pointer.listed()));
        if (pointer.sources() != null) {
            data.put(SOURCES, pointer.sources());
        }
        if (pointer.other() != null) {
            data.put(OTHER + DIGEST, pointer.other().digest());
            data.put(OTHER + SLOT, String.valueOf(pointer.other().slot()));
            data.put(OTHER + PARTS, Integer.toString(pointer.other().parts()));
        }
        return new ConfigMapBuilder().withMetadata(metadata(config, pointerName(config.blocklist()), POINTER_OUTPUT))
                .withData(data).build();
    }

    /** Owned by the blocklist, so they go with it; labelled for the hub, never as the operator's own objects. */
    private static io.fabric8.kubernetes.api.model.ObjectMeta metadata(AgentConfig config, String name,
            String output) {
        return new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
                .withNamespace(config.namespace())
                .withLabels(Map.of(ThreatBlocklistNode.BLOCKLIST_LABEL, ObjectNames.shorten(config.blocklist(), 63),
                        OUTPUT_LABEL, output, "app.kubernetes.io/managed-by", HubCommand.FIELD_MANAGER))
                .addNewOwnerReference().withApiVersion(ThreatBlocklist.GROUP + "/" + ThreatBlocklist.VERSION)
                .withKind("ThreatBlocklist").withName(config.blocklist()).withUid(config.uid()).endOwnerReference()
                .build();
    }
}
