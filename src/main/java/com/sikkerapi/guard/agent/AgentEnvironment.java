package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the DaemonSet's pod template tells the agent, through its environment (see AgentDaemonSetDependent).
 *
 * @param stateDir this blocklist's folder in the node's state folder (the hostPath), kept across restarts
 */
public record AgentEnvironment(String blocklist, String namespace, String node, String configMap, Path stateDir,
        int healthPort, Path scratchDir, Duration blockedLogInterval) {

    public static AgentEnvironment from(Map<String, String> env) {
        String blocklist = required(env, "SIKKERGUARD_BLOCKLIST");
        String namespace = required(env, "POD_NAMESPACE");
        return new AgentEnvironment(blocklist, namespace, required(env, "NODE_NAME"),
                required(env, "SIKKERGUARD_CONFIGMAP"),
                Path.of(required(env, "SIKKERGUARD_STATE_DIR")).resolve(namespace + "_" + blocklist),
                healthPort(env),
                scratch(env, namespace, blocklist),
                Durations.parse(env.getOrDefault("SIKKERGUARD_BLOCKED_LOG_INTERVAL", "1m")));
    }

    /**
     * The pod's scratch folder (an emptyDir on /tmp: the root file system is read-only), per blocklist: ulogd's
     * configuration.
     */
    static Path scratch(Map<String, String> env, String namespace, String blocklist) {
        return Path.of(env.getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir")),
                "sikkerguard-" + namespace + "_" + blocklist);
    }

    /** The loopback port of this blocklist's agents on every node, chosen by the operator. */
    static int healthPort(Map<String, String> env) {
        return Integer.parseInt(required(env, "SIKKERGUARD_HEALTH_PORT"));
    }

    /** A variable the pod template sets (the agent's DaemonSet, the hub's Deployment). */
    public static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set (the pod template sets it)");
        }
        return value;
    }
}
