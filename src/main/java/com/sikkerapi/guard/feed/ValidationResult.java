package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.net.AddressSet;

/** A list that passed (what to block) or was refused as a whole (why); either way with what was counted. */
public sealed interface ValidationResult {
    Counts counts();

    /**
     * @param entries entries as listed (the figure the growth rule compares)
     * @param invalidLines lines that were not strict addresses
     * @param tooShort networks refused for their short prefix
     * @param specialCidrs CIDRs of the aggregated list that overlapped special-purpose ranges and were cut
     * @param whitelistedCidrs CIDRs of the aggregated list that overlapped the whitelist and were cut
     */
    record Counts(long entries, long invalidLines, long tooShort, int specialCidrs, int whitelistedCidrs) {
    }

    record Accepted(AddressSet blocked, Counts counts) implements ValidationResult {
    }

    record Rejected(String reason, Counts counts) implements ValidationResult {
    }
}
