package com.sikkerapi.guard.net;

/** Canonical text of addresses: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, longest zero run as ::). */
public final class IpFormat {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IpFormat() {
    }

    public static void appendIpv4(StringBuilder out, long address) {
        out.append((address >>> 24) & 0xff).append('.').append((address >>> 16) & 0xff).append('.')
                .append((address >>> 8) & 0xff).append('.').append(address & 0xff);
    }

    public static void appendIpv6(StringBuilder out, long hi, long lo) {
        int[] groups = new int[8];
        for (int g = 0; g < 4; g++) {
            groups[g] = (int) ((hi >>> (48 - 16 * g)) & 0xffff);
            groups[g + 4] = (int) ((lo >>> (48 - 16 * g)) & 0xffff);
        }
        // RFC 5952 4.2: compress the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                out.append("::");
                g += bestLength - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLength) {
                out.append(':');
            }
            appendHex(out, groups[g]);
        }
    }

    private static void appendHex(StringBuilder out, int group) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = (group >>> shift) & 0xf;
            if (digit != 0 || started || shift == 0) {
                out.append(HEX[digit]);
                started = true;
            }
        }
    }
}
