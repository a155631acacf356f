package com.sikkerapi.guard.api;

/** Entries (CIDRs after aggregation) held in the node's sets, per address family. */
public record EntryCounts(long v4, long v6, long total) {
    public static EntryCounts of(long v4, long v6) {
        return new EntryCounts(v4, v6, v4 + v6);
    }
}
