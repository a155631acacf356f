package com.sikkerapi.guard.observe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Names the service behind a destination port ("23/TCP" is telnet), from the well-known table in services.txt and
 * the blocklist's own {@code reporting.portMap} (which wins: an admin's SSH on 2200 is ssh there). Ports nobody
 * named are "port-N"; packets without ports are named by their protocol ("icmp").
 */
public final class Services {
    private static final Map<String, String> WELL_KNOWN = load();
    private final Map<String, String> custom;

    /** @param portMap the spec's mappings: port -> name, for TCP and UDP alike */
    public Services(Map<String, String> portMap) {
        this.custom = Map.copyOf(portMap);
    }

    public String name(String protocol, int port) {
        if (port < 0) {
            return protocol.toLowerCase(Locale.ROOT);
        }
        String mapped = custom.get(Integer.toString(port));
        if (mapped != null) {
            return mapped;
        }
        return WELL_KNOWN.getOrDefault(port + "/" + protocol.toLowerCase(Locale.ROOT), "port-" + port);
    }

    private static Map<String, String> load() {
        Map<String, String> table = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Services.class.getResourceAsStream("services.txt"), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.strip().split("\\s+");
                for (String protocol : words[1].split("/")) {
                    table.putIfAbsent(words[0] + "/" + protocol, words[2]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(table);
    }
}
