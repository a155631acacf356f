package com.sikkerapi.guard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.net.Cidr;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlockedTallyTest {
    private final Services services = new Services(Map.of());

    private static BlockedPacket packet(String source, String protocol, int port) {
        return new BlockedPacket(Cidr.parse(source), protocol, port);
    }

    @Test
    void oneLinePerSourceWithItsMostHitPort() {
        BlockedTally tally = new BlockedTally(100, services);
        for (int i = 0; i < 47; i++) {
            tally.record(packet("185.16.39.79", "TCP", 23));
        }
        tally.record(packet("185.16.39.79", "TCP", 22));
        tally.record(packet("185.16.39.79", "TCP", 2323));
        tally.record(packet("2a0f:1:1::2", "UDP", 53));
        BlockedTally.Summary summary = tally.drain();
        assertThat(summary.sources()).extracting(BlockedTally::line).containsExactly(
                "BLOCKED 185.16.39.79:23 (telnet) proto=TCP x47, and 2 other ports x2",
                "BLOCKED [2a0f:1:1::2]:53 (dns) proto=UDP x1");
        assertThat(summary.totalPackets()).isEqualTo(50);
        assertThat(tally.drain().sources()).as("a new interval").isEmpty();
    }

    @Test
    void staysBoundedUnderAFloodFromEverywhereToEveryPort() {
        BlockedTally tally = new BlockedTally(1000, services);
        for (int i = 0; i < 200_000; i++) {
            tally.record(packet("45." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), "TCP", 1000 + i % 5));
        }
        for (int port = 0; port < 5000; port++) {
            tally.record(packet("45.0.0.0", "TCP", port));
        }
        BlockedTally.Summary summary = tally.drain();
        assertThat(summary.sources()).hasSize(1000);
        assertThat(summary.overflowPackets()).isEqualTo(199_000);
        assertThat(summary.totalPackets()).isEqualTo(205_000);
        BlockedTally.SourceSummary first = summary.sources().get(0);
        assertThat(first.source()).isEqualTo(Cidr.parse("45.0.0.0"));
        assertThat(first.packets()).isEqualTo(5001);
        assertThat(first.otherPorts()).as("15 told apart, and the rest as one").isEqualTo(16);
    }
}
