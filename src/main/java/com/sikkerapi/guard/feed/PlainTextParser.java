package com.sikkerapi.guard.feed;

import java.io.IOException;
import java.io.InputStream;

/**
 * One address or network per line; {@code #} and {@code ;} start a comment anywhere on the line (FireHOL netsets,
 * Spamhaus drop.txt with its {@code ; SBL...} trailers, SikkerAPI's plaintext form). The first word of what is
 * left is the entry. Works on bytes in a reused buffer: no String per line.
 */
public final class PlainTextParser implements FeedParser {
    private static final int CHUNK = 1 << 16;

    /**
     * The longest line read whole; the buffer never grows. A longer line is skipped to its end: silently when it is
     * a comment (a long header), as one invalid line otherwise (no address is that long), so one huge line cannot
     * run the hub out of memory.
     */
    static final int MAX_LINE = CHUNK;

    @Override
    public void parse(InputStream in, EntrySink sink) throws IOException {
        byte[] buf = new byte[MAX_LINE];
        long[] scratch = new long[2];
        int filled = 0;
        int line = 0;
        boolean skipping = false;
        while (true) {
            int read = in.read(buf, filled, buf.length - filled);
            boolean eof = read < 0;
            if (!eof) {
                filled += read;
            }
            int start = 0;
            for (int i = 0; i < filled; i++) {
                if (buf[i] == '\n') {
                    if (skipping) {
                        skipping = false;
                    } else {
                        line(buf, start, i, ++line, sink, scratch);
                    }
                    start = i + 1;
                }
            }
            if (eof) {
                if (start < filled && !skipping) {
                    line(buf, start, filled, ++line, sink, scratch);
                }
                return;
            }
            if (start == 0 && filled == buf.length) {
                // One line fills the whole buffer: it is not read whole.
                if (!skipping) {
                    skipping = true;
                    if (!isComment(buf, filled)) {
                        sink.invalid(++line, "line longer than " + MAX_LINE + " bytes", "");
                    } else {
                        ++line;
                    }
                }
                filled = 0;
                continue;
            }
            // Keep the partial last line.
            filled -= start;
            System.arraycopy(buf, start, buf, 0, filled);
        }
    }

    private static boolean isComment(byte[] b, int to) {
        int i = 0;
        while (i < to && isSpace(b[i])) {
            i++;
        }
        return i < to && (b[i] == '#' || b[i] == ';');
    }

    private static void line(byte[] b, int from, int to, int line, EntrySink sink, long[] scratch) {
        if (fastIpv4(b, from, to, line, sink)) {
            return;
        }
        int end = from;
        while (end < to && b[end] != '#' && b[end] != ';') {
            end++;
        }
        int start = from;
        while (start < end && isSpace(b[start])) {
            start++;
        }
        int word = start;
        while (word < end && !isSpace(b[word])) {
            word++;
        }
        if (word > start) {
            AddressToken.parse(b, start, word, line, sink, scratch);
        }
    }

    /**
     * The common line in one pass: a strict dotted quad, an optional strict prefix, then the end of the line, a
     * space or a comment. Anything else (IPv6, leading space, a bad octet) goes the general way, which decides and
     * words the reason, so this shortcut can only accept what the general path accepts.
     */
    private static boolean fastIpv4(byte[] b, int from, int to, int line, EntrySink sink) {
        long address = 0;
        int i = from;
        for (int part = 0; part < 4; part++) {
            int start = i;
            int octet = 0;
            while (i < to && i - start < 3 && b[i] >= '0' && b[i] <= '9') {
                octet = octet * 10 + (b[i++] - '0');
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && b[start] == '0')) {
                return false;
            }
            address = address << 8 | octet;
            if (part < 3) {
                if (i >= to || b[i] != '.') {
                    return false;
                }
                i++;
            }
        }
        int prefix = 32;
        if (i < to && b[i] == '/') {
            int start = ++i;
            prefix = 0;
            while (i < to && i - start < 2 && b[i] >= '0' && b[i] <= '9') {
                prefix = prefix * 10 + (b[i++] - '0');
            }
            int digits = i - start;
            if (digits == 0 || prefix > 32 || (digits > 1 && b[start] == '0')) {
                return false;
            }
        }
        if (i < to && !isSpace(b[i]) && b[i] != '#' && b[i] != ';') {
            return false;
        }
        sink.v4(address, prefix, line);
        return true;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0b;
    }
}
