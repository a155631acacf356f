package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.SpecialRanges;

/**
 * Decides what a collected list blocks, or refuses it whole (the node then keeps its last good list): never an
 * empty list, never a sudden jump in size, never a list that is mostly garbage, never one that covers more of the
 * address space than the cluster policy allows; and from what is accepted, never a
 * special-purpose or whitelisted address. A whitelisted address inside a listed network splits the network: exactly
 * the whitelisted part is left out.
 */
public final class ListValidator {
    private ListValidator() {
    }

    /** @param previousEntries the entry count of the last good list, or -1 when there is none */
    public static ValidationResult validate(ListCollector collected, ValidationPolicy policy, long previousEntries) {
        long entries = collected.entries();
        long invalid = collected.invalidLines();
        long readable = entries + collected.tooShort();
        ValidationResult.Counts counts = new ValidationResult.Counts(entries, invalid, collected.tooShort(), 0, 0);
        if (invalid > 0 && invalid > policy.maxInvalidLineRatio() * (readable + invalid)) {
            return new ValidationResult.Rejected(String.format("%d of %d lines are not addresses (more than %.0f%%)",
                    invalid, readable + invalid, policy.maxInvalidLineRatio() * 100), counts);
        }
        if (entries == 0) {
            return new ValidationResult.Rejected("the list is empty", counts);
        }
        if (previousEntries > 0 && entries > policy.maxGrowthFactor() * previousEntries) {
            return new ValidationResult.Rejected(String.format("%d entries is more than %.1f times the %d of the "
                    + "last good list", entries, policy.maxGrowthFactor(), previousEntries), counts);
        }
        AddressSet listed = collected.build();
        AddressSet withoutSpecial = listed.except(SpecialRanges.SET);
        AddressSet blocked = withoutSpecial.except(policy.whitelist());
        counts = new ValidationResult.Counts(entries, invalid, collected.tooShort(),
                overlapping(listed, SpecialRanges.SET), overlapping(withoutSpecial, policy.whitelist()));
        if (blocked.isEmpty()) {
            return new ValidationResult.Rejected(
                    "nothing is left to block after removing special-purpose ranges and the whitelist", counts);
        }
        String tooWide = Coverage.refusal(blocked, policy.bounds());
        if (tooWide != null) {
            return new ValidationResult.Rejected(tooWide, counts);
        }
        return new ValidationResult.Accepted(blocked, counts);
    }

    /** How many ranges of the list a cut touches (each was trimmed, split or dropped). */
    private static int overlapping(AddressSet list, AddressSet cut) {
        return list.v4().countOverlapping(cut.v4()) + list.v6().countOverlapping(cut.v6());
    }
}
