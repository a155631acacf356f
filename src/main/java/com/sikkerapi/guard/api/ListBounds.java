package com.sikkerapi.guard.api;

/**
 * What the cluster policy lets any one list hold, as the operator hands it to the hub and the agents: the shortest
 * prefix of an entry per family (checked on each feed entry, where entries exist) and the most address space the
 * list may cover per family (checked by the hub and again by every node on every list it applies).
 *
 * @param maxCoveragePercentV4 of the whole IPv4 space
 * @param maxCoveragePercentV6 of the global unicast IPv6 space, 2000::/3
 */
public record ListBounds(int minPrefixV4, int minPrefixV6, double maxCoveragePercentV4,
        double maxCoveragePercentV6) {
    /**
     * Without a policy object. 5% of IPv4 is about 2.4 times FireHOL level1 (2.05% after the special-purpose ranges
     * are left out, the broadest real feed the tests carry); 0.1% of 2000::/3 is a little more than one /13.
     */
    public static final ListBounds DEFAULTS = new ListBounds(8, 32, 5.0, 0.1);

    /** ConfigMap key of these bounds in the agent configuration, as JSON. */
    public static final String CONFIG_KEY = "list-bounds.json";

    public static ListBounds of(ThreatBlocklistPolicySpec policy) {
        if (policy == null) {
            return DEFAULTS;
        }
        return new ListBounds(orDefault(policy.getMinPrefixV4(), DEFAULTS.minPrefixV4),
                orDefault(policy.getMinPrefixV6(), DEFAULTS.minPrefixV6),
                orDefault(policy.getMaxCoveragePercentV4(), DEFAULTS.maxCoveragePercentV4),
                orDefault(policy.getMaxCoveragePercentV6(), DEFAULTS.maxCoveragePercentV6));
    }

    /** The floors a blocklist asks for where they are longer than the policy's: a blocklist may raise, never lower. */
    public ListBounds raisedBy(SafetySpec safety) {
        int v4 = safety == null || safety.getMinPrefixV4() == null ? minPrefixV4
                : Math.max(minPrefixV4, safety.getMinPrefixV4());
        int v6 = safety == null || safety.getMinPrefixV6() == null ? minPrefixV6
                : Math.max(minPrefixV6, safety.getMinPrefixV6());
        return new ListBounds(v4, v6, maxCoveragePercentV4, maxCoveragePercentV6);
    }

    /** The stricter of the two in each bound. */
    public ListBounds strictest(ListBounds other) {
        return new ListBounds(Math.max(minPrefixV4, other.minPrefixV4), Math.max(minPrefixV6, other.minPrefixV6),
                Math.min(maxCoveragePercentV4, other.maxCoveragePercentV4),
                Math.min(maxCoveragePercentV6, other.maxCoveragePercentV6));
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
