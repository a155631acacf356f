package com.sikkerapi.guard.net;

/**
 * One IPv4 or IPv6 network as a value, for configuration-sized lists (whitelists, cluster ranges). Feed-sized lists
 * use the primitive sets of this package instead, never one object per address.
 *
 * <p>An IPv4 network keeps its 32-bit address in the low bits of {@code lo}. The address is always the network
 * address: host bits are cleared on construction.
 */
public record Cidr(int family, long hi, long lo, int prefix) implements Comparable<Cidr> {
    private static final long IPV4_MAPPED_HI = 0L;
    private static final long IPV4_MAPPED_LO_PREFIX = 0xffffL << 32;

    public Cidr {
        if (family != 4 && family != 6) {
            throw new IllegalArgumentException("family must be 4 or 6");
        }
        int max = family == 4 ? 32 : 128;
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix length out of range");
        }
        if (family == 4) {
            lo = lo & Masks.v4Mask(prefix);
            hi = 0;
        } else {
            hi = hi & Masks.v6HighMask(prefix);
            lo = lo & Masks.v6LowMask(prefix);
        }
    }

    public static Cidr v4(long address, int prefix) {
        return new Cidr(4, 0, address, prefix);
    }

    public static Cidr v6(long hi, long lo, int prefix) {
        return new Cidr(6, hi, lo, prefix);
    }

    /**
     * Parses an address or {@code address/prefix} strictly (see {@link IpParser}). Host bits are cleared. An
     * IPv4-mapped IPv6 address ({@code ::ffff:1.2.3.4}) is the IPv4 address it maps.
     *
     * @throws IllegalArgumentException with the reason, when the text is not a strict address or network
     */
    public static Cidr parse(String text) {
        String stripped = text.strip();
        if (stripped.indexOf('%') >= 0) {
            throw new IllegalArgumentException("zone index not allowed: " + text);
        }
        byte[] s = stripped.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int slash = stripped.indexOf('/');
        int end = slash < 0 ? s.length : slash;
        boolean v6 = stripped.indexOf(':') >= 0;
        int prefix;
        if (!v6) {
            long address = IpParser.parseIpv4(s, 0, end);
            if (address == IpParser.INVALID) {
                throw new IllegalArgumentException("not a strict IPv4 address: " + text);
            }
            prefix = slash < 0 ? 32 : IpParser.parsePrefix(s, slash + 1, s.length, 32);
            if (prefix < 0) {
                throw new IllegalArgumentException("prefix length out of range: " + text);
            }
            return v4(address, prefix);
        }
        long[] words = new long[2];
        if (!IpParser.parseIpv6(s, 0, end, words)) {
            throw new IllegalArgumentException("not a strict IPv6 address: " + text);
        }
        prefix = slash < 0 ? 128 : IpParser.parsePrefix(s, slash + 1, s.length, 128);
        if (prefix < 0) {
            throw new IllegalArgumentException("prefix length out of range: " + text);
        }
        if (words[0] == IPV4_MAPPED_HI && (words[1] & 0xffffffff00000000L) == IPV4_MAPPED_LO_PREFIX) {
            if (prefix < 96) {
                throw new IllegalArgumentException("IPv4-mapped network shorter than /96: " + text);
            }
            return v4(words[1] & 0xffffffffL, prefix - 96);
        }
        return v6(words[0], words[1], prefix);
    }

    public boolean isV4() {
        return family == 4;
    }

    /** Whether this network contains {@code other} entirely (same family). */
    public boolean contains(Cidr other) {
        if (other.family != family || other.prefix < prefix) {
            return false;
        }
        return family == 4
                ? (other.lo & Masks.v4Mask(prefix)) == lo
                : (other.hi & Masks.v6HighMask(prefix)) == hi && (other.lo & Masks.v6LowMask(prefix)) == lo;
    }

    /** The canonical text: a host as a bare address, otherwise {@code address/prefix}; IPv6 in RFC 5952 form. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(family == 4 ? 18 : 43);
        if (family == 4) {
            IpFormat.appendIpv4(out, lo);
        } else {
            IpFormat.appendIpv6(out, hi, lo);
        }
        if (prefix != (family == 4 ? 32 : 128)) {
            out.append('/').append(prefix);
        }
        return out.toString();
    }

    @Override
    public int compareTo(Cidr o) {
        int c = Integer.compare(family, o.family);
        if (c == 0) {
            c = Long.compareUnsigned(hi, o.hi);
        }
        if (c == 0) {
            c = Long.compareUnsigned(lo, o.lo);
        }
        return c != 0 ? c : Integer.compare(prefix, o.prefix);
    }
}
