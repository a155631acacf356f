package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The loopback port of a blocklist's agents on every node (their probes, status and metrics). Agents of several
 * blocklists share a node's network, so each blocklist gets its own: a hash of its namespace and name within a
 * range, and on a collision the next free one, older blocklists first, so that a port never moves while the
 * blocklists before it stay.
 */
final class HealthPorts {
    /** Ports from the configured first one: room for this many blocklists in a cluster. */
    static final int RANGE = 1000;

    private HealthPorts() {
    }

    static int assign(ThreatBlocklist blocklist, Collection<ThreatBlocklist> all, int firstPort) {
        List<ThreatBlocklist> ordered = all.stream()
                .sorted(Comparator.comparing((ThreatBlocklist b) -> String.valueOf(b.getMetadata().getCreationTimestamp()))
                        .thenComparing(b -> String.valueOf(b.getMetadata().getUid()))
                        .thenComparing(HealthPorts::key))
                .toList();
        Set<Integer> taken = new HashSet<>();
        for (ThreatBlocklist other : ordered) {
            int port = firstFree(other, taken, firstPort);
            if (key(other).equals(key(blocklist))) {
                return port;
            }
            taken.add(port);
        }
        return firstFree(blocklist, taken, firstPort);
    }

    private static int firstFree(ThreatBlocklist blocklist, Set<Integer> taken, int firstPort) {
        CRC32 crc = new CRC32();
        crc.update(key(blocklist).getBytes(StandardCharsets.UTF_8));
        int offset = (int) (crc.getValue() % RANGE);
        for (int i = 0; i < RANGE; i++) {
            int port = firstPort + (offset + i) % RANGE;
            if (!taken.contains(port)) {
                return port;
            }
        }
        throw new IllegalStateException("more than " + RANGE + " blocklists: no agent port left");
    }

    private static String key(ThreatBlocklist blocklist) {
        return blocklist.getMetadata().getNamespace() + "/" + blocklist.getMetadata().getName();
    }
}
