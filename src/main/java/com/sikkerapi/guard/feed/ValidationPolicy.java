package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.net.AddressSet;

/**
 * The rules a list must pass before any node applies it.
 *
 * @param maxGrowthFactor a list with more than this many times the entries of the last good one is refused
 * @param maxInvalidLineRatio a list whose share of unreadable lines exceeds this is refused
 * @param whitelist never blocked: the spec's whitelist plus, on a node, the auto-whitelist
 */
public record ValidationPolicy(double maxGrowthFactor, int minPrefixV4, int minPrefixV6, double maxInvalidLineRatio,
        AddressSet whitelist) {
    public static final ValidationPolicy DEFAULTS = new ValidationPolicy(2.0, 8, 32, 0.1, AddressSet.EMPTY);

    /** The policy a spec asks for, with the whitelist the agent assembled (spec, auto-whitelist, cluster ranges). */
    public static ValidationPolicy of(com.sikkerapi.guard.api.SafetySpec safety, AddressSet whitelist) {
        return new ValidationPolicy(safety.getMaxGrowthFactor(), safety.getMinPrefixV4(), safety.getMinPrefixV6(),
                safety.getMaxInvalidLineRatio(), whitelist);
    }

    public ValidationPolicy withWhitelist(AddressSet whitelist) {
        return new ValidationPolicy(maxGrowthFactor, minPrefixV4, minPrefixV6, maxInvalidLineRatio, whitelist);
    }
}
