package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.net.IpParser;
import java.nio.charset.StandardCharsets;

/**
 * One address or network in any feed format, parsed strictly from bytes into an {@link EntrySink}. Every format
 * ends here, so every format obeys the same rules (see {@link IpParser}); an IPv4-mapped IPv6 address is the IPv4
 * address it maps.
 */
public final class AddressToken {
    private AddressToken() {
    }

    public static void parse(byte[] s, int from, int to, int line, EntrySink sink, long[] scratch) {
        int slash = -1;
        boolean colon = false;
        for (int i = from; i < to; i++) {
            byte b = s[i];
            if (b == '/') {
                slash = i;
                break;
            }
            if (b == ':') {
                colon = true;
            } else if (b == '%') {
                sink.invalid(line, "zone index not allowed", text(s, from, to));
                return;
            }
        }
        int end = slash < 0 ? to : slash;
        if (!colon) {
            long address = IpParser.parseIpv4(s, from, end);
            if (address == IpParser.INVALID) {
                sink.invalid(line, "not a strict IPv4 address", text(s, from, to));
                return;
            }
            int prefix = slash < 0 ? 32 : IpParser.parsePrefix(s, slash + 1, to, 32);
            if (prefix < 0) {
                sink.invalid(line, "prefix length out of range", text(s, from, to));
                return;
            }
            sink.v4(address, prefix, line);
            return;
        }
        if (!IpParser.parseIpv6(s, from, end, scratch)) {
            sink.invalid(line, "not a strict IPv6 address", text(s, from, to));
            return;
        }
        int prefix = slash < 0 ? 128 : IpParser.parsePrefix(s, slash + 1, to, 128);
        if (prefix < 0) {
            sink.invalid(line, "prefix length out of range", text(s, from, to));
            return;
        }
        if (scratch[0] == 0 && (scratch[1] >>> 32) == 0xffffL) {
            if (prefix < 96) {
                sink.invalid(line, "IPv4-mapped network shorter than /96", text(s, from, to));
                return;
            }
            sink.v4(scratch[1] & 0xffffffffL, prefix - 96, line);
            return;
        }
        sink.v6(scratch[0], scratch[1], prefix, line);
    }

    /** For values that arrive as text (JSON, CSV). */
    public static void parse(String value, int line, EntrySink sink, long[] scratch) {
        byte[] bytes = value.strip().getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length == 0) {
            sink.invalid(line, "empty address", value);
            return;
        }
        parse(bytes, 0, bytes.length, line, sink, scratch);
    }

    static String text(byte[] s, int from, int to) {
        return new String(s, from, Math.min(to - from, 200), StandardCharsets.ISO_8859_1);
    }
}
