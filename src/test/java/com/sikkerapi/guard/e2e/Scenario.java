package com.sikkerapi.guard.e2e;

import com.sikkerapi.guard.api.ThreatBlocklist;
import java.util.List;

/** What the demo and the end-to-end tests apply, as an admin would, and how they tell it is done. */
final class Scenario {
    static final String NAMESPACE = "sikkerguard";
    static final String STAGING = "sikkerguard-staging";
    /** The key the SikkerAPI stand-in on loopback accepts. */
    static final String KEY = "sk_demo_not_a_real_key";

    private Scenario() {
    }

    /** The Secret with SikkerAPI's key, as an admin would create it. */
    static String keySecret(String namespace) {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: sikkerapi-key, namespace: %s}
                type: Opaque
                stringData: {api-key: %s}
                """.formatted(namespace, KEY);
    }

    /**
     * The key Secret and a ThreatBlocklist on SikkerAPI at {@code endpoint}: this minimum score and whitelist, a
     * report round every minute (the shortest allowed), a rollout soak of 2 s (every change goes through the
     * canary and the batches, quickly), and explicit tolerations as deploy/samples/11 has them (so a cordoned node is tolerated only by the DaemonSet
     * controller's own tolerations: the case where re-deriving placement from the spec went wrong).
     */
    static String blocklist(String namespace, String name, String endpoint, int scoreMinimum, List<String> whitelist) {
        return blocklist(namespace, name, endpoint, scoreMinimum, whitelist, "{soak: 2s}", "");
    }

    /** The same with this spec.rollout (a YAML flow mapping) and further spec lines (YAML, at the spec's level). */
    static String blocklist(String namespace, String name, String endpoint, int scoreMinimum, List<String> whitelist,
            String rollout, String extraSpec) {
        return keySecret(namespace) + """
                ---
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklist
                metadata: {name: %s, namespace: %s}
                spec:
                  source:
                    sikkerapi:
                      endpoint: %s
                      apiKeySecretRef: {name: sikkerapi-key, key: api-key}
                      scoreMinimum: %d
                  whitelist: [%s]
                  pullInterval: 1h
                  reporting: {interval: 1m}
                  rollout: %s
                  tolerations:
                  - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}
                """.formatted(name, namespace, endpoint, scoreMinimum, String.join(", ", whitelist), rollout)
                + extraSpec.stripTrailing().indent(2);
    }

    /** A namespace whose label makes every blocklist in it dry-run (the per-namespace policy). */
    static String dryRunNamespace(String name) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels: {guard.sikkerapi.com/dry-run: "true", pod-security.kubernetes.io/enforce: privileged}
                """.formatted(name);
    }

    /** Ready on exactly this many nodes, for the current generation, and its rollout complete. */
    static boolean ready(ThreatBlocklist blocklist, int nodes) {
        return blocklist.getStatus() != null && blocklist.getStatus().getNodes() != null
                && "True".equals(condition(blocklist, "Ready").getStatus())
                && (blocklist.getStatus().getRollout() == null
                        || "Complete".equals(blocklist.getStatus().getRollout().stage()))
                && blocklist.getStatus().getNodes().ready() == nodes
                && blocklist.getStatus().getObservedGeneration() == blocklist.getMetadata().getGeneration();
    }

    static io.fabric8.kubernetes.api.model.Condition condition(ThreatBlocklist blocklist, String type) {
        return blocklist.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
                .orElseThrow();
    }

    static String step(String text) {
        return "\n\033[1m==> " + text + "\033[0m";
    }
}
