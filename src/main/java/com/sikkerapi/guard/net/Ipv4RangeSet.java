package com.sikkerapi.guard.net;

import java.util.Arrays;

/**
 * An immutable set of IPv4 addresses as sorted, disjoint, non-adjacent ranges, each packed into one long: 8 bytes a
 * range, no object per address, and a primitive sort to build it. The start goes in the high word with its top bit
 * flipped, so that the signed order of the packed longs is the unsigned order of the addresses (otherwise every
 * range from 128.0.0.0 up would sort before 0.0.0.0).
 */
public final class Ipv4RangeSet {
    public static final Ipv4RangeSet EMPTY = new Ipv4RangeSet(new long[0], 0);
    private static final long MASK = 0xffffffffL;

    private final long[] ranges;
    private final int size;

    private Ipv4RangeSet(long[] ranges, int size) {
        this.ranges = ranges;
        this.size = size;
    }

    private static final long SIGN = 0x80000000L;

    static long pack(long start, long end) {
        return (start ^ SIGN) << 32 | end;
    }

    static long start(long range) {
        return (range >>> 32) ^ SIGN;
    }

    static long end(long range) {
        return range & MASK;
    }

    /** Collects ranges in any order, with overlaps and duplicates; {@link #build()} normalises them. */
    public static final class Builder {
        private long[] ranges = new long[1024];
        private int size;

        public Builder add(long start, long end) {
            if (size == ranges.length) {
                ranges = Arrays.copyOf(ranges, size + (size >> 1));
            }
            ranges[size++] = pack(start, end);
            return this;
        }

        public Builder addCidr(long address, int prefix) {
            long first = address & Masks.v4Mask(prefix);
            return add(first, first | (~Masks.v4Mask(prefix) & MASK));
        }

        public int added() {
            return size;
        }

        public Ipv4RangeSet build() {
            // Large lists sort on every core; small ones are not worth the fork.
            if (size > 100_000) {
                Arrays.parallelSort(ranges, 0, size);
            } else {
                Arrays.sort(ranges, 0, size);
            }
            return new Ipv4RangeSet(ranges, merge(ranges, size));
        }
    }

    /** Merges sorted ranges in place (overlapping and adjacent ones become one); returns the new size. */
    private static int merge(long[] sorted, int size) {
        int out = -1;
        for (int i = 0; i < size; i++) {
            long start = start(sorted[i]);
            long end = end(sorted[i]);
            if (out >= 0 && start <= end(sorted[out]) + 1) {
                if (end > end(sorted[out])) {
                    sorted[out] = pack(start(sorted[out]), end);
                }
            } else {
                sorted[++out] = pack(start, end);
            }
        }
        return out + 1;
    }

    public int rangeCount() {
        return size;
    }

    /** The first address of range {@code i} (0 .. rangeCount()-1, in order). */
    long rangeStart(int i) {
        return start(ranges[i]);
    }

    long rangeEnd(int i) {
        return end(ranges[i]);
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long addressCount() {
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += end(ranges[i]) - start(ranges[i]) + 1;
        }
        return total;
    }

    public boolean contains(long address) {
        return rangeOf(address) >= 0;
    }

    /** The index of the range holding the address, or -1. */
    private int rangeOf(long address) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (end(ranges[mid]) < address) {
                low = mid + 1;
            } else if (start(ranges[mid]) > address) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** How many ranges of this set share at least one address with {@code other}: one sweep over both. */
    public int countOverlapping(Ipv4RangeSet other) {
        int count = 0;
        int j = 0;
        for (int i = 0; i < size && j < other.size; i++) {
            while (j < other.size && end(other.ranges[j]) < start(ranges[i])) {
                j++;
            }
            if (j < other.size && start(other.ranges[j]) <= end(ranges[i])) {
                count++;
            }
        }
        return count;
    }

    /** Whether every address of the network is in this set. */
    public boolean containsCidr(long address, int prefix) {
        int range = rangeOf(address);
        return range >= 0 && end(ranges[range]) >= (address | (~Masks.v4Mask(prefix) & MASK));
    }

    public Ipv4RangeSet union(Ipv4RangeSet other) {
        long[] all = Arrays.copyOf(ranges, size + other.size);
        System.arraycopy(other.ranges, 0, all, size, other.size);
        Arrays.sort(all);
        return new Ipv4RangeSet(all, merge(all, all.length));
    }

    /**
     * The addresses of this set that are not in {@code other}: one linear sweep over both sorted lists. This set
     * itself when nothing overlaps (the common case for a feed against the special ranges), so that a list of a
     * million entries is not copied for nothing.
     */
    public Ipv4RangeSet except(Ipv4RangeSet other) {
        if (countOverlapping(other) == 0) {
            return this;
        }
        long[] out = new long[size + other.size];
        int n = 0;
        int j = 0;
        for (int i = 0; i < size; i++) {
            long start = start(ranges[i]);
            long end = end(ranges[i]);
            while (j < other.size && end(other.ranges[j]) < start) {
                j++;
            }
            int k = j;
            while (start <= end && k < other.size && start(other.ranges[k]) <= end) {
                long cutStart = start(other.ranges[k]);
                long cutEnd = end(other.ranges[k]);
                if (cutStart > start) {
                    out = grow(out, n);
                    out[n++] = pack(start, cutStart - 1);
                }
                start = cutEnd + 1;
                if (cutEnd >= end) {
                    break;
                }
                k++;
            }
            if (start <= end) {
                out = grow(out, n);
                out[n++] = pack(start, end);
            }
        }
        return new Ipv4RangeSet(out, n);
    }

    private static long[] grow(long[] array, int used) {
        return used < array.length ? array : Arrays.copyOf(array, array.length * 2 + 1);
    }

    /** Receives CIDRs in ascending order. */
    @FunctionalInterface
    public interface CidrSink {
        void cidr(long address, int prefix);
    }

    /** Emits the minimal list of CIDRs covering exactly this set, ascending. */
    public void forEachCidr(CidrSink sink) {
        for (int i = 0; i < size; i++) {
            long start = start(ranges[i]);
            long end = end(ranges[i]);
            while (start <= end) {
                // The largest block aligned at start (trailing zeros) that does not pass end.
                int hostBits = start == 0 ? 32 : Long.numberOfTrailingZeros(start);
                long span = end - start + 1;
                int fit = 63 - Long.numberOfLeadingZeros(span);
                int bits = Math.min(hostBits, fit);
                sink.cidr(start, 32 - bits);
                start += 1L << bits;
            }
        }
    }

    public int cidrCount() {
        int[] count = {0};
        forEachCidr((address, prefix) -> count[0]++);
        return count[0];
    }
}
