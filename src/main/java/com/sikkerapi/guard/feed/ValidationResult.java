package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.net.AddressSet;

/** A list that passed (what to block) or was refused as a whole (why); either way with what was counted. */
public sealed interface ValidationResult {
    Counts counts();

    /**
     * @param entries entries as listed (the figure the growth rule compares)
     * @param invalidLines lines that were not strict addresses
     * @param tooShort networks refused for their short prefix
     * @param specialRanges ranges of the merged list that touched special-purpose ranges and were cut
     * @param whitelistedRanges ranges of the merged list that touched the whitelist and were cut
     */
    record Counts(long entries, long invalidLines, long tooShort, int specialRanges, int whitelistedRanges) {
    }

    record Accepted(AddressSet blocked, Counts counts) implements ValidationResult {
    }

    record Rejected(String reason, Counts counts) implements ValidationResult {
    }
}
