package com.sikkerapi.guard.net;

import java.util.Arrays;

/**
 * A list of CIDRs in primitive storage, ascending per family: the entries a backend holds for a list (each range of
 * the list as its minimal CIDR decomposition, as {@link Ipv4RangeSet#forEachCidr} gives them), or a part of them.
 * IPv4 CIDRs are packed as {@code address << 6 | prefix}, so that comparing two packed values orders them by address,
 * then prefix; IPv6 CIDRs take three longs (high, low, prefix).
 */
public final class Cidrs {
    private static final int V6 = 3;

    private long[] v4 = new long[16];
    private int v4Size;
    private long[] v6 = new long[V6 * 4];
    private int v6Size;

    /** The entries of {@code list}. */
    public static Cidrs of(AddressSet list) {
        Cidrs cidrs = new Cidrs();
        list.v4().forEachCidr(cidrs::addV4);
        list.v6().forEachCidr(cidrs::addV6);
        return cidrs;
    }

    void addV4(long address, int prefix) {
        if (v4Size == v4.length) {
            v4 = Arrays.copyOf(v4, v4.length * 2);
        }
        v4[v4Size++] = address << 6 | prefix;
    }

    void addV6(long hi, long lo, int prefix) {
        if (V6 * v6Size == v6.length) {
            v6 = Arrays.copyOf(v6, v6.length * 2);
        }
        int at = V6 * v6Size++;
        v6[at] = hi;
        v6[at + 1] = lo;
        v6[at + 2] = prefix;
    }

    public int sizeV4() {
        return v4Size;
    }

    public int sizeV6() {
        return v6Size;
    }

    public int size() {
        return v4Size + v6Size;
    }

    public void forEachV4(Ipv4RangeSet.CidrSink sink) {
        for (int i = 0; i < v4Size; i++) {
            sink.cidr(v4[i] >>> 6, (int) (v4[i] & 63));
        }
    }

    public void forEachV6(Ipv6RangeSet.CidrSink sink) {
        for (int i = 0; i < v6Size; i++) {
            sink.cidr(v6[V6 * i], v6[V6 * i + 1], (int) v6[V6 * i + 2]);
        }
    }

    /**
     * The first, middle and last of one family's single addresses (or, with {@code hosts} false, networks), as
     * written ({@code 45.0.0.0/24}, a host without a length; none when there is none): what a cheap check looks up to
     * tell a set that was flushed from one that holds its list. Read in place: a million entries are not copied.
     * Those that {@code except} holds are left out (an update's removed entries: its transaction touches them once).
     */
    public java.util.List<String> samples(boolean ipv6, boolean hosts, Cidrs except) {
        int count = count(ipv6, hosts);
        int[] wanted = count == 0 ? new int[0] : new int[] {0, count / 2, count - 1};
        java.util.List<String> samples = new java.util.ArrayList<>();
        int size = ipv6 ? v6Size : v4Size;
        for (int i = 0, seen = 0, next = 0; i < size && next < wanted.length; i++) {
            if (isHost(ipv6, i) != hosts) {
                continue;
            }
            for (; next < wanted.length && wanted[next] == seen; next++) {
                String text = (ipv6 ? Cidr.v6(v6[V6 * i], v6[V6 * i + 1], (int) v6[V6 * i + 2])
                        : Cidr.v4(v4[i] >>> 6, (int) (v4[i] & 63))).toString();
                if (!samples.contains(text) && !except.holds(ipv6, this, i)) {
                    samples.add(text);
                }
            }
            seen++;
        }
        return samples;
    }

    /** Whether these entries hold {@code other}'s entry at {@code i} (a binary search). */
    private boolean holds(boolean ipv6, Cidrs other, int i) {
        if (!ipv6) {
            return Arrays.binarySearch(v4, 0, v4Size, other.v4[i]) >= 0;
        }
        int low = 0;
        int high = v6Size - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = compareV6(v6, V6 * middle, other.v6, V6 * i);
            if (order == 0) {
                return true;
            }
            if (order < 0) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return false;
    }

    /** How many of one family's entries are single addresses (or, with {@code hosts} false, networks). */
    public int count(boolean ipv6, boolean hosts) {
        int count = 0;
        for (int i = 0, size = ipv6 ? v6Size : v4Size; i < size; i++) {
            count += isHost(ipv6, i) == hosts ? 1 : 0;
        }
        return count;
    }

    private boolean isHost(boolean ipv6, int i) {
        return ipv6 ? v6[V6 * i + 2] == 128 : (v4[i] & 63) == 32;
    }

    /** The single addresses only (a /32 or /128 each), or with {@code hosts} false the networks only. */
    public Cidrs hosts(boolean hosts) {
        Cidrs only = new Cidrs();
        for (int i = 0; i < v4Size; i++) {
            if (isHost(false, i) == hosts) {
                only.addV4(v4[i] >>> 6, (int) (v4[i] & 63));
            }
        }
        for (int i = 0; i < v6Size; i++) {
            if (isHost(true, i) == hosts) {
                only.addV6(v6[V6 * i], v6[V6 * i + 1], (int) v6[V6 * i + 2]);
            }
        }
        return only;
    }

    /** The prefix lengths these entries of one family have. */
    public java.util.BitSet prefixLengths(boolean ipv6) {
        java.util.BitSet lengths = new java.util.BitSet(129);
        if (ipv6) {
            for (int i = 0; i < v6Size; i++) {
                lengths.set((int) v6[V6 * i + 2]);
            }
        } else {
            for (int i = 0; i < v4Size; i++) {
                lengths.set((int) (v4[i] & 63));
            }
        }
        return lengths;
    }

    /** The addresses these entries cover, as range sets (overlapping entries merge). */
    public AddressSet ranges() {
        Ipv4RangeSet.Builder four = new Ipv4RangeSet.Builder();
        Ipv6RangeSet.Builder six = new Ipv6RangeSet.Builder();
        forEachV4(four::addCidr);
        forEachV6(six::addCidr);
        return new AddressSet(four.build(), six.build());
    }

    /** Only the IPv4 or only the IPv6 entries (a backend's set holds one family). */
    public Cidrs family(boolean ipv6) {
        Cidrs only = new Cidrs();
        if (ipv6) {
            only.v6 = v6;
            only.v6Size = v6Size;
        } else {
            only.v4 = v4;
            only.v4Size = v4Size;
        }
        return only;
    }

    /** What turns one list's entries into another's: the entries to delete and those to add. */
    public record Difference(Cidrs removed, Cidrs added) {
        public int changes() {
            return removed.size() + added.size();
        }
    }

    /**
     * The entries of {@code from} that {@code to} has not (to delete) and those of {@code to} that {@code from} has
     * not (to add): one merge of the two ascending lists. An address listed in both lists under other CIDRs (a range
     * that grew) shows as a CIDR deleted and others added.
     */
    public static Difference difference(Cidrs from, Cidrs to) {
        Cidrs removed = new Cidrs();
        Cidrs added = new Cidrs();
        int i = 0;
        int j = 0;
        while (i < from.v4Size || j < to.v4Size) {
            long a = i < from.v4Size ? from.v4[i] : Long.MAX_VALUE;
            long b = j < to.v4Size ? to.v4[j] : Long.MAX_VALUE;
            if (a == b) {
                i++;
                j++;
            } else if (a < b) {
                removed.addV4(a >>> 6, (int) (a & 63));
                i++;
            } else {
                added.addV4(b >>> 6, (int) (b & 63));
                j++;
            }
        }
        i = 0;
        j = 0;
        while (i < from.v6Size || j < to.v6Size) {
            int order = i == from.v6Size ? 1 : j == to.v6Size ? -1 : compareV6(from.v6, V6 * i, to.v6, V6 * j);
            if (order == 0) {
                i++;
                j++;
            } else if (order < 0) {
                removed.addV6(from.v6[V6 * i], from.v6[V6 * i + 1], (int) from.v6[V6 * i + 2]);
                i++;
            } else {
                added.addV6(to.v6[V6 * j], to.v6[V6 * j + 1], (int) to.v6[V6 * j + 2]);
                j++;
            }
        }
        return new Difference(removed, added);
    }

    private static int compareV6(long[] a, int i, long[] b, int j) {
        int order = Long.compareUnsigned(a[i], b[j]);
        if (order == 0) {
            order = Long.compareUnsigned(a[i + 1], b[j + 1]);
        }
        return order != 0 ? order : Long.compare(a[i + 2], b[j + 2]);
    }
}
