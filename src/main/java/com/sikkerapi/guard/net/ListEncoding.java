package com.sikkerapi.guard.net;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A validated list as compact bytes, for publishing it once to every node (ConfigMap binaryData parts), identified
 * by the SHA-256 digest of the whole. Format 1: the magic {@code SGL1}, the IPv4 and IPv6 range counts, then each
 * family's ranges in order, each as the gap from the first address it may start at (the ranges are disjoint and
 * non-adjacent) and its length minus one, all as unsigned LEB128 varints (128 bits wide for IPv6). Sorted ranges
 * make the gaps small: about 3 bytes an entry for a million scattered IPv4 addresses. Decoding accepts only what
 * encoding produces (canonical, in range, nothing after the end), so one list has one encoding and one digest.
 */
public final class ListEncoding {
    private static final byte[] MAGIC = "SGL1".getBytes(StandardCharsets.US_ASCII);
    private static final long V4_MAX = 0xffffffffL;

    private ListEncoding() {
    }

    public static byte[] encode(AddressSet list) {
        Ipv4RangeSet v4 = list.v4();
        Ipv6RangeSet v6 = list.v6();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 3 * v4.rangeCount() + 6 * v6.rangeCount());
        out.writeBytes(MAGIC);
        varint(out, 0, v4.rangeCount());
        varint(out, 0, v6.rangeCount());
        long next = 0;
        for (int i = 0; i < v4.rangeCount(); i++) {
            varint(out, 0, v4.rangeStart(i) - next);
            varint(out, 0, v4.rangeEnd(i) - v4.rangeStart(i));
            next = v4.rangeEnd(i) + 2;
        }
        long nextHi = 0;
        long nextLo = 0;
        for (int i = 0; i < v6.rangeCount(); i++) {
            long startHi = v6.rangeWord(i, 0);
            long startLo = v6.rangeWord(i, 1);
            long endHi = v6.rangeWord(i, 2);
            long endLo = v6.rangeWord(i, 3);
            varint(out, startHi - nextHi - (Long.compareUnsigned(startLo, nextLo) < 0 ? 1 : 0), startLo - nextLo);
            varint(out, endHi - startHi - (Long.compareUnsigned(endLo, startLo) < 0 ? 1 : 0), endLo - startLo);
            long[] after = plusTwo(endHi, endLo);
            nextHi = after[0];
            nextLo = after[1];
        }
        return out.toByteArray();
    }

    private static long[] plusTwo(long hi, long lo) {
        long sumLo = lo + 2;
        return new long[] {hi + (Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0), sumLo};
    }

    /** Unsigned LEB128 of the 128-bit value hi:lo (a 64-bit value when hi is 0). */
    private static void varint(ByteArrayOutputStream out, long hi, long lo) {
        while (hi != 0 || Long.compareUnsigned(lo, 0x80) >= 0) {
            out.write((int) (lo & 0x7f) | 0x80);
            lo = (lo >>> 7) | (hi << 57);
            hi >>>= 7;
        }
        out.write((int) lo);
    }

    public static AddressSet decode(byte[] bytes) {
        Reader in = new Reader(bytes);
        if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException("not a sikkerguard list (format 1)");
        }
        in.at = MAGIC.length;
        long count4 = in.small();
        long count6 = in.small();
        Ipv4RangeSet.Builder v4 = new Ipv4RangeSet.Builder();
        long next = 0;
        for (long i = 0; i < count4; i++) {
            long gap = in.small();
            long length = in.small();
            long start = next + Math.min(gap, V4_MAX + 1);
            long end = start + Math.min(length, V4_MAX + 1);
            if (end > V4_MAX) {
                throw new IllegalArgumentException("an IPv4 range ends past 255.255.255.255");
            }
            v4.add(start, end);
            next = end + 2;
        }
        Ipv6RangeSet.Builder v6 = new Ipv6RangeSet.Builder();
        long nextHi = 0;
        long nextLo = 0;
        boolean past = false; // the previous range ended at (or next to) the last address
        for (long i = 0; i < count6; i++) {
            long[] gap = in.wide();
            long[] len = in.wide();
            if (past) {
                throw new IllegalArgumentException("an IPv6 range starts past the last address");
            }
            long startLo = nextLo + gap[1];
            long startHi = nextHi + gap[0] + (Long.compareUnsigned(startLo, nextLo) < 0 ? 1 : 0);
            long endLo = startLo + len[1];
            long endHi = startHi + len[0] + (Long.compareUnsigned(endLo, startLo) < 0 ? 1 : 0);
            if (Ipv6RangeSet.compare(startHi, startLo, nextHi, nextLo) < 0
                    || Ipv6RangeSet.compare(endHi, endLo, startHi, startLo) < 0) {
                throw new IllegalArgumentException("an IPv6 range runs past the last address");
            }
            v6.add(startHi, startLo, endHi, endLo);
            past = endHi == -1L && Long.compareUnsigned(endLo, -2L) >= 0;
            long[] after = plusTwo(endHi, endLo);
            nextHi = after[0];
            nextLo = after[1];
        }
        if (in.at != bytes.length) {
            throw new IllegalArgumentException((bytes.length - in.at) + " bytes after the end of the list");
        }
        return new AddressSet(v4.build(), v6.build());
    }

    /** The list's identity: the SHA-256 of its encoding, in hex. */
    public static String digest(byte[] encoded) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The encoding cut into parts of at most {@code maxPart} bytes, in order (one part for an empty list). */
    public static List<byte[]> split(byte[] encoded, int maxPart) {
        List<byte[]> parts = new ArrayList<>();
        for (int from = 0; from < encoded.length; from += maxPart) {
            parts.add(Arrays.copyOfRange(encoded, from, Math.min(encoded.length, from + maxPart)));
        }
        return parts;
    }

    /** The parts put back together, only if the whole is the list {@code digest} names. */
    public static byte[] join(List<byte[]> parts, String digest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        byte[] whole = out.toByteArray();
        if (!digest(whole).equals(digest)) {
            throw new IllegalArgumentException("the parts do not make the list " + digest);
        }
        return whole;
    }

    /** Varints from a byte array, canonical only (no needless continuation bytes), never past the end. */
    private static final class Reader {
        private final byte[] bytes;
        private int at;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        /** A value below 2^63. */
        long small() {
            long[] value = wide();
            if (value[0] != 0 || value[1] < 0) {
                throw new IllegalArgumentException("a count or IPv4 value out of range at byte " + at);
            }
            return value[1];
        }

        long[] wide() {
            long hi = 0;
            long lo = 0;
            int shift = 0;
            while (true) {
                if (at >= bytes.length) {
                    throw new IllegalArgumentException("the list ends in the middle of a value");
                }
                int b = bytes[at++] & 0xff;
                if (shift >= 128 || (shift == 126 && (b & 0x7f) > 3)) {
                    throw new IllegalArgumentException("a value wider than 128 bits at byte " + at);
                }
                long part = b & 0x7f;
                if (shift < 64) {
                    lo |= part << shift;
                    if (shift > 57) {
                        hi |= part >>> (64 - shift);
                    }
                } else {
                    hi |= part << (shift - 64);
                }
                if ((b & 0x80) == 0) {
                    if (b == 0 && shift > 0) {
                        throw new IllegalArgumentException("a value not in its shortest form at byte " + at);
                    }
                    return new long[] {hi, lo};
                }
                shift += 7;
            }
        }
    }
}
