package com.sikkerapi.guard.net;

import java.util.Arrays;

/**
 * An immutable set of IPv6 addresses as sorted, disjoint, non-adjacent ranges: four longs a range (start high, start
 * low, end high, end low) in one primitive array, compared as unsigned 128-bit numbers.
 */
public final class Ipv6RangeSet {
    public static final Ipv6RangeSet EMPTY = new Ipv6RangeSet(new long[0], 0);
    private static final int W = 4;

    private final long[] ranges;
    private final int size;

    private Ipv6RangeSet(long[] ranges, int size) {
        this.ranges = ranges;
        this.size = size;
    }

    /** Collects ranges in any order, with overlaps and duplicates; {@link #build()} normalises them. */
    public static final class Builder {
        private long[] ranges = new long[W * 64];
        private int size;

        public Builder add(long startHi, long startLo, long endHi, long endLo) {
            if (W * (size + 1) > ranges.length) {
                ranges = Arrays.copyOf(ranges, ranges.length * 2);
            }
            int at = W * size++;
            ranges[at] = startHi;
            ranges[at + 1] = startLo;
            ranges[at + 2] = endHi;
            ranges[at + 3] = endLo;
            return this;
        }

        public Builder addCidr(long hi, long lo, int prefix) {
            long firstHi = hi & Masks.v6HighMask(prefix);
            long firstLo = lo & Masks.v6LowMask(prefix);
            return add(firstHi, firstLo, firstHi | ~Masks.v6HighMask(prefix), firstLo | ~Masks.v6LowMask(prefix));
        }

        public int added() {
            return size;
        }

        public Ipv6RangeSet build() {
            long[] sorted = sort(ranges, size);
            return new Ipv6RangeSet(sorted, merge(sorted, size));
        }
    }

    static int compare(long hiA, long loA, long hiB, long loB) {
        int c = Long.compareUnsigned(hiA, hiB);
        return c != 0 ? c : Long.compareUnsigned(loA, loB);
    }

    /** Bottom-up merge sort of the records by start: primitive, stable, O(n log n). */
    private static long[] sort(long[] records, int count) {
        long[] a = Arrays.copyOf(records, W * count);
        long[] b = new long[a.length];
        for (int width = 1; width < count; width *= 2) {
            for (int left = 0; left < count; left += 2 * width) {
                int mid = Math.min(left + width, count);
                int right = Math.min(left + 2 * width, count);
                int i = left;
                int j = mid;
                int k = left;
                while (i < mid || j < right) {
                    boolean takeLeft = j >= right || (i < mid
                            && compare(a[W * i], a[W * i + 1], a[W * j], a[W * j + 1]) <= 0);
                    int from = takeLeft ? i++ : j++;
                    System.arraycopy(a, W * from, b, W * k++, W);
                }
            }
            long[] swap = a;
            a = b;
            b = swap;
        }
        return a;
    }

    private static int merge(long[] r, int count) {
        int out = -1;
        for (int i = 0; i < count; i++) {
            int at = W * i;
            if (out >= 0) {
                int last = W * out;
                long endHi = r[last + 2];
                long endLo = r[last + 3];
                // Merge when this range starts at or before the previous end + 1 (or the previous reaches the top).
                boolean reachesTop = endHi == -1L && endLo == -1L;
                long nextLo = endLo + 1;
                long nextHi = nextLo == 0 ? endHi + 1 : endHi;
                if (reachesTop || compare(r[at], r[at + 1], nextHi, nextLo) <= 0) {
                    if (compare(r[at + 2], r[at + 3], endHi, endLo) > 0) {
                        r[last + 2] = r[at + 2];
                        r[last + 3] = r[at + 3];
                    }
                    continue;
                }
            }
            out++;
            System.arraycopy(r, at, r, W * out, W);
        }
        return out + 1;
    }

    public int rangeCount() {
        return size;
    }

    /** Word {@code word} of range {@code i}: 0 start high, 1 start low, 2 end high, 3 end low. */
    long rangeWord(int i, int word) {
        return ranges[W * i + word];
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public boolean contains(long hi, long lo) {
        return rangeOf(hi, lo) >= 0;
    }

    /** The index of the range holding the address, or -1. */
    private int rangeOf(long hi, long lo) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int at = W * mid;
            if (compare(ranges[at + 2], ranges[at + 3], hi, lo) < 0) {
                low = mid + 1;
            } else if (compare(ranges[at], ranges[at + 1], hi, lo) > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** How many ranges of this set share at least one address with {@code other}: one sweep over both. */
    public int countOverlapping(Ipv6RangeSet other) {
        long[] o = other.ranges;
        int count = 0;
        int j = 0;
        for (int i = 0; i < size && j < other.size; i++) {
            int at = W * i;
            while (j < other.size && compare(o[W * j + 2], o[W * j + 3], ranges[at], ranges[at + 1]) < 0) {
                j++;
            }
            if (j < other.size && compare(o[W * j], o[W * j + 1], ranges[at + 2], ranges[at + 3]) <= 0) {
                count++;
            }
        }
        return count;
    }

    /** Whether every address of the network is in this set. */
    public boolean containsCidr(long hi, long lo, int prefix) {
        int range = rangeOf(hi, lo);
        return range >= 0 && compare(ranges[W * range + 2], ranges[W * range + 3],
                hi | ~Masks.v6HighMask(prefix), lo | ~Masks.v6LowMask(prefix)) >= 0;
    }

    public Ipv6RangeSet union(Ipv6RangeSet other) {
        long[] all = Arrays.copyOf(ranges, W * (size + other.size));
        System.arraycopy(other.ranges, 0, all, W * size, W * other.size);
        long[] sorted = sort(all, size + other.size);
        return new Ipv6RangeSet(sorted, merge(sorted, size + other.size));
    }

    /** The addresses of this set not in {@code other}, in one sweep over both; this set when nothing overlaps. */
    public Ipv6RangeSet except(Ipv6RangeSet other) {
        if (countOverlapping(other) == 0) {
            return this;
        }
        Builder out = new Builder();
        long[] o = other.ranges;
        int j = 0;
        for (int i = 0; i < size; i++) {
            int at = W * i;
            long sHi = ranges[at];
            long sLo = ranges[at + 1];
            long eHi = ranges[at + 2];
            long eLo = ranges[at + 3];
            while (j < other.size && compare(o[W * j + 2], o[W * j + 3], sHi, sLo) < 0) {
                j++;
            }
            boolean remaining = true;
            for (int k = j; k < other.size && compare(o[W * k], o[W * k + 1], eHi, eLo) <= 0; k++) {
                long cHi = o[W * k];
                long cLo = o[W * k + 1];
                if (compare(cHi, cLo, sHi, sLo) > 0) {
                    // Keep [s, cut start - 1].
                    out.add(sHi, sLo, cLo == 0 ? cHi - 1 : cHi, cLo - 1);
                }
                long cutEndHi = o[W * k + 2];
                long cutEndLo = o[W * k + 3];
                if (compare(cutEndHi, cutEndLo, eHi, eLo) >= 0) {
                    remaining = false;
                    break;
                }
                sLo = cutEndLo + 1;
                sHi = cutEndLo == -1L ? cutEndHi + 1 : cutEndHi;
            }
            if (remaining) {
                out.add(sHi, sLo, eHi, eLo);
            }
        }
        long[] result = Arrays.copyOf(out.ranges, W * out.size);
        return new Ipv6RangeSet(result, out.size);
    }

    /** Receives CIDRs in ascending order. */
    @FunctionalInterface
    public interface CidrSink {
        void cidr(long hi, long lo, int prefix);
    }

    /** Emits the minimal list of CIDRs covering exactly this set, ascending. */
    public void forEachCidr(CidrSink sink) {
        for (int i = 0; i < size; i++) {
            int at = W * i;
            long sHi = ranges[at];
            long sLo = ranges[at + 1];
            long eHi = ranges[at + 2];
            long eLo = ranges[at + 3];
            while (true) {
                int bits = largestBlock(sHi, sLo, eHi, eLo);
                sink.cidr(sHi, sLo, 128 - bits);
                if (bits == 128) {
                    break;
                }
                // The block's last address: s is aligned to 2^bits, so adding 2^bits - 1 carries nowhere.
                long lastLo = bits < 64 ? sLo + ((1L << bits) - 1) : -1L;
                long lastHi = bits <= 64 ? sHi : sHi + ((1L << (bits - 64)) - 1);
                if (lastHi == eHi && lastLo == eLo) {
                    break;
                }
                sLo = lastLo + 1;
                sHi = sLo == 0 ? lastHi + 1 : lastHi;
            }
        }
    }

    /** log2 of the largest block that starts at s, is aligned there, and does not pass e. */
    private static int largestBlock(long sHi, long sLo, long eHi, long eLo) {
        int aligned = sLo != 0 ? Long.numberOfTrailingZeros(sLo)
                : sHi != 0 ? 64 + Long.numberOfTrailingZeros(sHi) : 128;
        // p = e - s + 1, the number of addresses left; the block of 2^b fits when 2^b <= p.
        long dLo = eLo - sLo;
        long dHi = eHi - sHi - (Long.compareUnsigned(eLo, sLo) < 0 ? 1 : 0);
        long pLo = dLo + 1;
        long pHi = pLo == 0 ? dHi + 1 : dHi;
        int fit = pHi == 0 && pLo == 0 ? 128 // p = 2^128: the whole address space
                : pHi != 0 ? 127 - Long.numberOfLeadingZeros(pHi) : 63 - Long.numberOfLeadingZeros(pLo);
        return Math.min(aligned, fit);
    }

    public int cidrCount() {
        int[] count = {0};
        forEachCidr((hi, lo, prefix) -> count[0]++);
        return count[0];
    }
}
