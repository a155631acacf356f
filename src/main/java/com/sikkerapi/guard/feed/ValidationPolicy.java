package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.api.ListBounds;
import com.sikkerapi.guard.api.SafetySpec;
import com.sikkerapi.guard.net.AddressSet;

/**
 * The rules a list must pass before any node applies it.
 *
 * @param maxGrowthFactor a list with more than this many times the entries of the last good one is refused
 * @param maxInvalidLineRatio a list whose share of unreadable lines exceeds this is refused
 * @param whitelist never blocked: the spec's whitelist plus, on a node, the auto-whitelist
 * @param bounds the cluster policy's: a list covering more of the address space is refused
 */
public record ValidationPolicy(double maxGrowthFactor, int minPrefixV4, int minPrefixV6, double maxInvalidLineRatio,
        AddressSet whitelist, ListBounds bounds) {
    public static final ValidationPolicy DEFAULTS = new ValidationPolicy(2.0, 8, 32, 0.1, AddressSet.EMPTY);

    /** Within the default bounds of the cluster policy. */
    public ValidationPolicy(double maxGrowthFactor, int minPrefixV4, int minPrefixV6, double maxInvalidLineRatio,
            AddressSet whitelist) {
        this(maxGrowthFactor, minPrefixV4, minPrefixV6, maxInvalidLineRatio, whitelist, ListBounds.DEFAULTS);
    }

    /**
     * The policy a spec asks for within the cluster's bounds (its prefix floors raise the policy's, never lower
     * them), with the whitelist assembled for it (spec, auto-whitelist, cluster ranges).
     */
    public static ValidationPolicy of(SafetySpec safety, ListBounds bounds, AddressSet whitelist) {
        ListBounds floors = bounds.raisedBy(safety);
        return new ValidationPolicy(safety.getMaxGrowthFactor(), floors.minPrefixV4(), floors.minPrefixV6(),
                safety.getMaxInvalidLineRatio(), whitelist, bounds);
    }

    public ValidationPolicy withWhitelist(AddressSet whitelist) {
        return new ValidationPolicy(maxGrowthFactor, minPrefixV4, minPrefixV6, maxInvalidLineRatio, whitelist, bounds);
    }
}
