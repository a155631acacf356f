package com.sikkerapi.guard.net;

/**
 * Fewer distinct prefix lengths for an IPv4 set, as FireHOL's {@code iprange --ipset-reduce} does. An ipset
 * {@code hash:net} probes its hash once per distinct prefix length for every packet, so a list with 25 prefix
 * lengths costs 25 lookups a packet; splitting the networks of a rare prefix into those of the next longer prefix in
 * use removes a probe at the price of more entries. Prefixes are merged cheapest first while the entry count stays
 * within {@code factor} percent more than it was (and at least {@code minEntries}).
 */
public final class PrefixReduction {
    private final int[] target = new int[33];

    private PrefixReduction(long[] counts, double factorPercent, long minEntries) {
        for (int p = 0; p <= 32; p++) {
            target[p] = p;
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        long budget = Math.max((long) (total * (1 + factorPercent / 100)), minEntries);
        while (true) {
            int best = -1;
            long bestGrowth = Long.MAX_VALUE;
            for (int p = 0; p < 32; p++) {
                int next = nextUsed(counts, p);
                if (counts[p] == 0 || next < 0) {
                    continue;
                }
                long growth = counts[p] * ((1L << (next - p)) - 1);
                if (growth < bestGrowth) {
                    bestGrowth = growth;
                    best = p;
                }
            }
            if (best < 0 || total + bestGrowth > budget) {
                return;
            }
            int next = nextUsed(counts, best);
            counts[next] += counts[best] << (next - best);
            counts[best] = 0;
            total += bestGrowth;
            for (int p = 0; p <= 32; p++) {
                if (target[p] == best) {
                    target[p] = next;
                }
            }
        }
    }

    private static int nextUsed(long[] counts, int prefix) {
        for (int q = prefix + 1; q <= 32; q++) {
            if (counts[q] > 0) {
                return q;
            }
        }
        return -1;
    }

    /** Plans the reduction for a set. */
    public static PrefixReduction plan(Ipv4RangeSet set, double factorPercent, long minEntries) {
        long[] counts = new long[33];
        set.forEachCidr((address, prefix) -> counts[prefix]++);
        return new PrefixReduction(counts, factorPercent, minEntries);
    }

    /** The set's CIDRs, each split into networks of its target prefix, ascending. */
    public void forEachCidr(Ipv4RangeSet set, Ipv4RangeSet.CidrSink sink) {
        set.forEachCidr((address, prefix) -> {
            int to = target[prefix];
            long step = 1L << (32 - to);
            long end = address + (1L << (32 - prefix));
            for (long a = address; a < end; a += step) {
                sink.cidr(a, to);
            }
        });
    }

    /** How many distinct prefix lengths a set's CIDRs use (after this plan when reduced is true). */
    public int prefixesAfter(Ipv4RangeSet set) {
        boolean[] used = new boolean[33];
        set.forEachCidr((address, prefix) -> used[target[prefix]] = true);
        int n = 0;
        for (boolean u : used) {
            n += u ? 1 : 0;
        }
        return n;
    }
}
