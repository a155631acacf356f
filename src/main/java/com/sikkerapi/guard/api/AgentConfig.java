package com.sikkerapi.guard.api;

/**
 * What the operator hands each agent through the agent ConfigMap: the last valid spec of its blocklist and the
 * operator's decisions about it. Agents act only on this, never on the raw resource, so an invalid spec never
 * reaches a node: the nodes keep the last good one.
 *
 * @param generation the blocklist generation this spec is from; agents report it back as observedGeneration
 */
public record AgentConfig(String blocklist, String namespace, String uid, long generation, Mode mode,
        ModeReason modeReason, ThreatBlocklistSpec spec) {
    /** ConfigMap key of this record as JSON. */
    public static final String CONFIG_KEY = "agent-config.json";
    /** ConfigMap key of the ranges no node may block, one canonical CIDR per line. */
    public static final String PROTECTED_RANGES_KEY = "protected-ranges.txt";
    /** ConfigMap key of the nodes that should run the agent, one name per line. */
    public static final String SELECTED_NODES_KEY = "selected-nodes.txt";

    /**
     * Whether blocked attackers go back to SikkerAPI: the nodes enforce, the blocklist pulls from SikkerAPI (whose
     * key the hub reports with) and reporting is on. The agents hand their sources over, and the hub reports, then.
     */
    public boolean reports() {
        return mode == Mode.Enforcing && spec.getSource().getSikkerapi() != null
                && Boolean.TRUE.equals(spec.getReporting().getEnabled());
    }
}
