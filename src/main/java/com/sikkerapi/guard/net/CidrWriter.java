package com.sikkerapi.guard.net;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a set as text, one CIDR per line: IPv4 first, ascending, then IPv6 ascending; a host as a bare address,
 * otherwise {@code address/prefix}; IPv6 in RFC 5952 form. IPv4 lines are formatted straight into bytes, since a
 * list can hold a million of them.
 */
public final class CidrWriter {
    private CidrWriter() {
    }

    public static void write(AddressSet set, OutputStream out) throws IOException {
        write(out, new byte[0], set.v4()::forEachCidr, set.v6()::forEachCidr);
    }

    /** Each line prefixed, e.g. {@code add SET } for {@code ipset restore}. */
    public static void write(AddressSet set, OutputStream out, byte[] linePrefix) throws IOException {
        write(out, linePrefix, set.v4()::forEachCidr, set.v6()::forEachCidr);
    }

    /** Entries as they are (a difference between two lists), each line prefixed. */
    public static void write(Cidrs cidrs, OutputStream out, byte[] linePrefix) throws IOException {
        write(out, linePrefix, cidrs::forEachV4, cidrs::forEachV6);
    }

    /** As {@link #write(AddressSet, OutputStream)}, with the IPv4 part split by a prefix reduction plan. */
    public static void write(AddressSet set, OutputStream out, PrefixReduction reduction, Ipv4RangeSet v4)
            throws IOException {
        write(out, new byte[0], sink -> reduction.forEachCidr(v4, sink), set.v6()::forEachCidr);
    }

    private static void write(OutputStream out, byte[] linePrefix,
            java.util.function.Consumer<Ipv4RangeSet.CidrSink> v4Cidrs,
            java.util.function.Consumer<Ipv6RangeSet.CidrSink> v6Cidrs) throws IOException {
        byte[] buf = new byte[1 << 16];
        int[] used = {0};
        IOException[] failure = {null};
        Ipv4RangeSet.CidrSink ipv4 = (address, prefix) -> {
            if (used[0] > buf.length - 20 - linePrefix.length) {
                used[0] = flush(out, buf, used[0], failure);
            }
            System.arraycopy(linePrefix, 0, buf, used[0], linePrefix.length);
            used[0] = appendIpv4(buf, used[0] + linePrefix.length, address, prefix);
        };
        v4Cidrs.accept(ipv4);
        used[0] = flush(out, buf, used[0], failure);
        StringBuilder line = new StringBuilder(48);
        v6Cidrs.accept((hi, lo, prefix) -> {
            line.setLength(0);
            line.append(new String(linePrefix, StandardCharsets.US_ASCII)).append(Cidr.v6(hi, lo, prefix)).append('\n');
            byte[] bytes = line.toString().getBytes(StandardCharsets.US_ASCII);
            if (used[0] > buf.length - bytes.length) {
                used[0] = flush(out, buf, used[0], failure);
            }
            System.arraycopy(bytes, 0, buf, used[0], bytes.length);
            used[0] += bytes.length;
        });
        flush(out, buf, used[0], failure);
        if (failure[0] != null) {
            throw failure[0];
        }
        out.flush();
    }

    private static int flush(OutputStream out, byte[] buf, int used, IOException[] failure) {
        if (failure[0] == null && used > 0) {
            try {
                out.write(buf, 0, used);
            } catch (IOException e) {
                failure[0] = e;
            }
        }
        return 0;
    }

    private static int appendIpv4(byte[] buf, int at, long address, int prefix) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            at = appendDecimal(buf, at, (int) ((address >>> shift) & 0xff));
            buf[at++] = shift == 0 ? (byte) (prefix == 32 ? '\n' : '/') : (byte) '.';
        }
        if (prefix != 32) {
            at = appendDecimal(buf, at, prefix);
            buf[at++] = '\n';
        }
        return at;
    }

    private static int appendDecimal(byte[] buf, int at, int value) {
        if (value >= 100) {
            buf[at++] = (byte) ('0' + value / 100);
        }
        if (value >= 10) {
            buf[at++] = (byte) ('0' + value / 10 % 10);
        }
        buf[at++] = (byte) ('0' + value % 10);
        return at;
    }
}
