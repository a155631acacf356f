package com.sikkerapi.guard.net;

/**
 * Strict parsing of textual IP addresses from ASCII bytes, as feeds arrive: no String per line, and no allocation
 * for IPv4. Strict means: decimal IPv4 in exactly four parts with no
 * leading zeros ({@code 010.1.2.3} is octal to some parsers and decimal to others, so it is refused), no short forms
 * ({@code 127.1}), no IPv6 zone ({@code fe80::1%eth0}). These are the forms that different parsers read differently,
 * and a blocklist must mean the same thing in every tool that reads it.
 */
public final class IpParser {
    /** Returned by {@link #parseIpv4} for text that is not a strict IPv4 address. */
    public static final long INVALID = -1;

    private IpParser() {
    }

    /** Parses {@code s[from, to)} as a dotted-quad IPv4 address: the address as 0..2^32-1, or {@link #INVALID}. */
    public static long parseIpv4(byte[] s, int from, int to) {
        long address = 0;
        int parts = 0;
        int i = from;
        while (i < to) {
            int start = i;
            int octet = 0;
            while (i < to) {
                char c = (char) s[i];
                if (c < '0' || c > '9') {
                    break;
                }
                octet = octet * 10 + (c - '0');
                i++;
                if (i - start > 3) {
                    return INVALID;
                }
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && (char) s[start] == '0')) {
                return INVALID;
            }
            address = (address << 8) | octet;
            parts++;
            if (i == to) {
                break;
            }
            if ((char) s[i] != '.' || parts == 4) {
                return INVALID;
            }
            i++;
            if (i == to) {
                return INVALID;
            }
        }
        return parts == 4 ? address : INVALID;
    }

    /**
     * Parses {@code s[from, to)} as an IPv6 address into {@code out[0]} (high 64 bits) and {@code out[1]} (low 64
     * bits). Accepts the compressed form and a trailing dotted-quad ({@code ::ffff:1.2.3.4}). Returns false for
     * anything else, including zones.
     */
    public static boolean parseIpv6(byte[] s, int from, int to, long[] out) {
        int[] groups = new int[8];
        int count = 0;
        int compressAt = -1;
        int i = from;
        if (to - from < 2) {
            return false;
        }
        if ((char) s[i] == ':') {
            if ((char) s[i + 1] != ':') {
                return false;
            }
            compressAt = 0;
            i += 2;
            if (i == to) {
                out[0] = 0;
                out[1] = 0;
                return true;
            }
        }
        while (i < to) {
            if (count == 8) {
                return false;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 5) {
                int digit = hexDigit(s[i]);
                if (digit < 0) {
                    break;
                }
                value = (value << 4) | digit;
                i++;
            }
            if (i < to && (char) s[i] == '.') {
                // A trailing dotted quad takes the place of the last two groups.
                long v4 = parseIpv4(s, start, to);
                if (v4 == INVALID || count > 6) {
                    return false;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xffff);
                i = to;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return false;
            }
            groups[count++] = value;
            if (i == to) {
                break;
            }
            if ((char) s[i] != ':') {
                return false;
            }
            i++;
            if (i < to && (char) s[i] == ':') {
                if (compressAt >= 0) {
                    return false;
                }
                compressAt = count;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return false;
            }
        }
        if (compressAt >= 0) {
            if (count == 8) {
                return false;
            }
            int move = count - compressAt;
            System.arraycopy(groups, compressAt, groups, 8 - move, move);
            for (int g = compressAt; g < 8 - move; g++) {
                groups[g] = 0;
            }
        } else if (count != 8) {
            return false;
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | groups[g];
            lo = (lo << 16) | groups[g + 4];
        }
        out[0] = hi;
        out[1] = lo;
        return true;
    }

    /** Parses a decimal prefix length in {@code s[from, to)} between 0 and max, without leading zeros; -1 if invalid. */
    public static int parsePrefix(byte[] s, int from, int to, int max) {
        int digits = to - from;
        if (digits < 1 || digits > 3 || (digits > 1 && (char) s[from] == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = (char) s[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    private static int hexDigit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
