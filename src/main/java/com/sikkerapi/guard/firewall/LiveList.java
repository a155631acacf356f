package com.sikkerapi.guard.firewall;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidrs;
import com.sikkerapi.guard.net.Ipv6RangeSet;

/**
 * What a backend's last successful apply put in the kernel: the entries of each family (exactly as loaded) and the
 * settings the rules were made from. Both backends decide from it whether a new list can go in as a difference.
 */
public record LiveList(Cidrs entries, boolean prerouting, boolean ipv6, EnforcementSpec.BlockedLog log) {
    /** The share of changed entries below which an update is applied as a difference, when the spec says none. */
    public static final int DEFAULT_INCREMENTAL_PERCENT = 20;

    /** The entries a backend loads for {@code list}: its IPv6 part only when IPv6 is enforced. */
    public static LiveList of(AddressSet list, EnforcementSpec enforcement) {
        boolean ipv6 = Boolean.TRUE.equals(enforcement.getIpv6());
        AddressSet enforced = ipv6 ? list : new AddressSet(list.v4(), Ipv6RangeSet.EMPTY);
        return new LiveList(Cidrs.of(enforced), enforcement.getHook() != EnforcementSpec.Hook.INPUT, ipv6,
                enforcement.getBlockedLog() == null ? EnforcementSpec.BlockedLog.NFLOG : enforcement.getBlockedLog());
    }

    /** Same hook, families and log rule: the rules stay, only entries may change. */
    public boolean sameRules(LiveList other) {
        return prerouting == other.prerouting && ipv6 == other.ipv6 && log == other.log;
    }

    /**
     * The difference that turns this list into {@code next}, or null when {@code next} must be loaded whole: other
     * rules, an empty list in place, or a change of {@code percent} or more of the entries in place (a full load of
     * a much changed list is as fast, and leaves a set sized for it).
     */
    public Cidrs.Difference incrementalTo(LiveList next, int percent) {
        if (!sameRules(next) || entries.size() == 0 || percent <= 0) {
            return null;
        }
        Cidrs.Difference difference = Cidrs.difference(entries, next.entries);
        return (long) difference.changes() * 100 < (long) percent * entries.size() ? difference : null;
    }

    /** The difference from what is live ({@code live}, null when nothing is known) under the spec's limit, or null. */
    public static Cidrs.Difference incremental(LiveList live, LiveList next, EnforcementSpec enforcement) {
        return live == null ? null : live.incrementalTo(next, incrementalPercent(enforcement));
    }

    /** The incremental limit a spec sets, as a percentage ("20%" by default; "0%" loads every list whole). */
    public static int incrementalPercent(EnforcementSpec enforcement) {
        String limit = enforcement.getIncrementalLimit();
        return limit == null ? DEFAULT_INCREMENTAL_PERCENT
                : Integer.parseInt(limit.substring(0, limit.length() - 1).strip());
    }
}
