package com.sikkerapi.guard.observe;

import com.sikkerapi.guard.net.Cidr;
import java.util.Optional;

/**
 * Reads the packet lines the kernel's LOG target and ulogd's LOGEMU output write (the same format:
 * {@code PREFIX IN=eth0 OUT= MAC=.. SRC=.. DST=.. LEN=.. PROTO=TCP SPT=.. DPT=..}), from {@code /dev/kmsg}
 * ({@code 4,1234,5678,-;PREFIX ...}), syslog or a ulogd pipe alike. Only lines that carry this blocklist's prefix
 * count: other rules on the node log too.
 */
public final class PacketLogParser {
    private final String prefix;

    /** @param prefix the log prefix of this blocklist's rule (see {@code Naming#logPrefix}) */
    public PacketLogParser(String prefix) {
        this.prefix = prefix;
    }

    public Optional<BlockedPacket> parse(String line) {
        int at = line.indexOf(prefix);
        if (at < 0) {
            return Optional.empty();
        }
        String fields = line.substring(at + prefix.length());
        String source = field(fields, "SRC=");
        String protocol = field(fields, "PROTO=");
        if (source == null || protocol == null) {
            return Optional.empty();
        }
        Cidr address;
        try {
            address = Cidr.parse(source);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String port = field(fields, "DPT=");
        int destinationPort = -1;
        if (port != null) {
            try {
                destinationPort = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (destinationPort < 0 || destinationPort > 65_535) {
                return Optional.empty();
            }
        }
        String proto = protocol.toUpperCase(java.util.Locale.ROOT);
        return Optional.of(new BlockedPacket(address, proto, destinationPort, opening(fields, proto)));
    }

    /** TCP flags are words of their own ("SYN", "ACK"); ICMP echo requests are type 8, ICMPv6 ones 128. */
    private static boolean opening(String fields, String protocol) {
        return switch (protocol) {
            case "TCP" -> (" " + fields + " ").contains(" SYN ") && !(" " + fields + " ").contains(" ACK ");
            case "ICMP" -> "8".equals(field(fields, "TYPE="));
            case "ICMPV6" -> "128".equals(field(fields, "TYPE="));
            default -> true;
        };
    }

    /** The value of {@code key} (a whole word: "SRC=" does not match inside "XSRC="), up to the next space. */
    private static String field(String fields, String key) {
        int from = 0;
        while (true) {
            int at = fields.indexOf(key, from);
            if (at < 0) {
                return null;
            }
            if (at == 0 || fields.charAt(at - 1) == ' ') {
                int start = at + key.length();
                int end = fields.indexOf(' ', start);
                String value = end < 0 ? fields.substring(start) : fields.substring(start, end);
                return value.isEmpty() ? null : value.strip();
            }
            from = at + key.length();
        }
    }
}
