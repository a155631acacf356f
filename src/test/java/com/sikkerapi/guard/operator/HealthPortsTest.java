package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.ThreatBlocklist;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthPortsTest {
    private static ThreatBlocklist blocklist(String namespace, String name, int createdMinute) {
        ThreatBlocklist blocklist = Fixtures.blocklist(name, 1);
        blocklist.getMetadata().setNamespace(namespace);
        blocklist.getMetadata().setCreationTimestamp(String.format("2026-12-01T08:%02d:00Z", createdMinute));
        blocklist.getMetadata().setUid(namespace + "-" + name);
        return blocklist;
    }

    @Test
    void everyBlocklistGetsItsOwnPortInTheRangeAndOlderOnesKeepTheirs() {
        List<ThreatBlocklist> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            all.add(blocklist("team-" + (i % 7), "list-" + i, i));
        }
        Set<Integer> ports = new HashSet<>();
        for (ThreatBlocklist blocklist : all) {
            int port = HealthPorts.assign(blocklist, all, 19464);
            assertThat(port).isBetween(19464, 19464 + HealthPorts.RANGE - 1);
            ports.add(port);
        }
        assertThat(ports).as("no two blocklists share a node port").hasSize(all.size());

        // A blocklist added later never moves an older one's port; removing the newest frees only its own.
        ThreatBlocklist first = all.get(0);
        int before = HealthPorts.assign(first, all, 19464);
        List<ThreatBlocklist> more = new ArrayList<>(all);
        more.add(blocklist("late", "comer", 59));
        assertThat(HealthPorts.assign(first, more, 19464)).isEqualTo(before);
        assertThat(HealthPorts.assign(first, List.of(first), 19464)).as("its own hash when alone").isEqualTo(before);
    }

    @Test
    void aCollisionGoesToTheYoungerBlocklist() {
        // Find two names that hash to the same port, then check the older keeps it.
        ThreatBlocklist older = blocklist("a", "x0", 1);
        int wanted = HealthPorts.assign(older, List.of(older), 19464);
        ThreatBlocklist younger = null;
        for (int i = 1; younger == null && i < 100_000; i++) {
            ThreatBlocklist candidate = blocklist("a", "x" + i, 2);
            if (HealthPorts.assign(candidate, List.of(candidate), 19464) == wanted) {
                younger = candidate;
            }
        }
        assertThat(younger).as("a colliding name exists").isNotNull();
        List<ThreatBlocklist> both = List.of(younger, older);
        assertThat(HealthPorts.assign(older, both, 19464)).isEqualTo(wanted);
        assertThat(HealthPorts.assign(younger, both, 19464)).isEqualTo(19464 + (wanted - 19464 + 1) % HealthPorts.RANGE);
    }
}
