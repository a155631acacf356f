package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of everything the operator makes for one ThreatBlocklist. */
public final class Names {
    public static final String FIELD_MANAGER = "sikkerguard-operator";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + FIELD_MANAGER;
    public static final String DRY_RUN_NAMESPACE_LABEL = ThreatBlocklist.GROUP + "/dry-run";
    public static final String BLOCKLIST_LABEL = ThreatBlocklist.GROUP + "/blocklist";
    /** Pod names add a 5-character suffix and a dash to the DaemonSet's name, and must stay within 63. */
    private static final int MAX_AGENT_NAME = 57;

    private Names() {
    }

    /** The name shared by the agent's DaemonSet, ServiceAccount, Role, RoleBinding and ConfigMap. */
    public static String agent(ThreatBlocklist blocklist) {
        return shorten(blocklist.getMetadata().getName() + "-agent", MAX_AGENT_NAME);
    }

    /** The name of the report a node's agent writes: {@code <blocklist>.<node>}. */
    public static String nodeReport(String blocklist, String node) {
        return shorten(blocklist + "." + node, 253);
    }

    /** Labels on every object the operator makes for this blocklist; the first two select the agent pods. */
    public static Map<String, String> labels(ThreatBlocklist blocklist) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "sikkerguard-agent");
        labels.put(BLOCKLIST_LABEL, shorten(blocklist.getMetadata().getName(), 63));
        labels.put("app.kubernetes.io/component", "agent");
        labels.put(MANAGED_BY_LABEL, FIELD_MANAGER);
        return labels;
    }

    public static Map<String, String> selectorLabels(ThreatBlocklist blocklist) {
        Map<String, String> selector = new LinkedHashMap<>();
        labels(blocklist).entrySet().stream().limit(2).forEach(e -> selector.put(e.getKey(), e.getValue()));
        return selector;
    }

    /** Keeps a name within max characters by replacing its tail with a stable hash, so names stay unique. */
    static String shorten(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String hash = sha256(name).substring(0, 10);
        String head = name.substring(0, max - hash.length() - 1).replaceAll("[-.]+$", "");
        return head + "-" + hash;
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
