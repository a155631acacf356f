package com.sikkerapi.guard.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidr;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoWhitelistTest {
    @Test
    void readsGatewaysNameserversAndAddsEndpointsLoopbackAndClusterRanges(@TempDir Path dir) throws Exception {
        Path route = dir.resolve("route");
        Files.writeString(route, """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
                eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
                eth1\t00000000\t0A7100CB\t0003\t0\t0\t200\t00000000\t0\t0\t0
                """);
        Path route6 = dir.resolve("ipv6_route");
        Files.writeString(route6, """
                00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0
                20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0
                """);
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "search cluster.local\nnameserver 198.51.100.53\nnameserver fe80::53%eth0\noptions ndots:5\n");
        List<String> entries = AutoWhitelist.collect(new AutoWhitelist.Sources(route, route6, resolv),
                List.of(URI.create("https://localhost:8443/v1")), List.of("10.0.0.0/24"));
        assertThat(entries).contains("192.168.0.1", "203.0.113.10", "fe80:0000:0000:0000:0000:0000:0000:0001",
                "198.51.100.53", "fe80::53", "127.0.0.0/8", "::1", "10.0.0.0/24", "127.0.0.1");
        assertThat(entries).doesNotContain("0.0.0.0");
        // Every entry is something the whitelist can hold.
        AddressSet set = AddressSet.of(entries);
        assertThat(set.v4().contains(Cidr.parse("203.0.113.10").lo())).isTrue();
    }

    @Test
    void theRealNodeFilesParse() {
        List<String> entries = AutoWhitelist.collect(AutoWhitelist.Sources.NODE, List.of(), List.of());
        assertThat(AddressSet.of(entries).v4().contains(Cidr.parse("127.0.0.1").lo())).isTrue();
    }
}
