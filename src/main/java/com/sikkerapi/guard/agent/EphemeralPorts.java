package com.sikkerapi.guard.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's ephemeral port range (net.ipv4.ip_local_port_range, which IPv6 uses too), read, never written. */
final class EphemeralPorts {
    /** The kernel's default, when the file cannot be read. */
    static final int[] DEFAULT = {32768, 60999};

    private EphemeralPorts() {
    }

    static int[] read() {
        try {
            return parse(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")));
        } catch (IOException | RuntimeException e) {
            return DEFAULT.clone();
        }
    }

    static int[] parse(String text) {
        String[] fields = text.strip().split("\\s+");
        return new int[] {Integer.parseInt(fields[0]), Integer.parseInt(fields[1])};
    }
}
