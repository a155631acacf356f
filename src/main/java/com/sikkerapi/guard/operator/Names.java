package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ObjectNames;
import com.sikkerapi.guard.api.ThreatBlocklist;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of everything the operator makes for one ThreatBlocklist. */
public final class Names {
    public static final String FIELD_MANAGER = "sikkerguard-operator";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + FIELD_MANAGER;
    public static final String DRY_RUN_NAMESPACE_LABEL = ThreatBlocklist.GROUP + "/dry-run";
    public static final String BLOCKLIST_LABEL = com.sikkerapi.guard.api.ThreatBlocklistNode.BLOCKLIST_LABEL;
    /** Pod names add a 5-character suffix and a dash to the DaemonSet's name, and must stay within 63. */
    private static final int MAX_AGENT_NAME = 57;

    private Names() {
    }

    /** The name shared by the agent's DaemonSet, ServiceAccount, Role, RoleBinding and ConfigMap. */
    public static String agent(ThreatBlocklist blocklist) {
        return ObjectNames.shorten(blocklist.getMetadata().getName() + "-agent", MAX_AGENT_NAME);
    }

    /** The name shared by the hub's Deployment, ServiceAccount, Role and RoleBinding. */
    public static String hub(ThreatBlocklist blocklist) {
        return ObjectNames.shorten(blocklist.getMetadata().getName() + "-hub", MAX_AGENT_NAME);
    }

    /** Labels of the hub's objects; the first two select its pod. */
    public static Map<String, String> hubLabels(ThreatBlocklist blocklist) {
        return labels(blocklist, "hub");
    }

    /** Labels on every object the operator makes for this blocklist; the first two select the agent pods. */
    public static Map<String, String> labels(ThreatBlocklist blocklist) {
        return labels(blocklist, "agent");
    }

    private static Map<String, String> labels(ThreatBlocklist blocklist, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "sikkerguard-" + component);
        labels.put(BLOCKLIST_LABEL, ObjectNames.shorten(blocklist.getMetadata().getName(), 63));
        labels.put("app.kubernetes.io/component", component);
        labels.put(MANAGED_BY_LABEL, FIELD_MANAGER);
        return labels;
    }

    public static Map<String, String> selectorLabels(ThreatBlocklist blocklist) {
        Map<String, String> selector = new LinkedHashMap<>();
        labels(blocklist).entrySet().stream().limit(2).forEach(e -> selector.put(e.getKey(), e.getValue()));
        return selector;
    }
}
