package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.LabAccess;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.net.AddressSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real packets from a listed source, dropped in the node's namespace, sampled by the NFLOG rule and read through
 * ulogd: the BLOCKED lines name the source, the port and its service, for IPv4 and IPv6, with either backend's log
 * rule (the same NFLOG group and prefix).
 */
@Tag("kernel")
class BlockedObserverKernelTest {
    @TempDir
    Path state;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EnforcementSpec.Backend.class, names = {"IPSET", "NFTABLES"})
    void droppedPacketsBecomeBlockedLinesWithSourcePortAndService(EnforcementSpec.Backend backend) {
        try (LabAccess lab = new LabAccess()) {
            Naming names = Naming.of("security", "edge");
            com.sikkerapi.guard.firewall.Firewall firewall = backend == EnforcementSpec.Backend.NFTABLES
                    ? new com.sikkerapi.guard.firewall.nftables.NftablesFirewall(lab.node().commands(), names)
                    : new IpsetFirewall(lab.node().commands(), names, IptablesFlavour.NFT, state);
            firewall.apply(AddressSet.of(List.of(LabAccess.ATTACKER, LabAccess.ATTACKER6, "45.0.0.0/24")),
                    new EnforcementSpec());
            List<String> lines = new CopyOnWriteArrayList<>();
            try (BlockedObserver observer = new BlockedObserver(lab.node().commands(), names, state.resolve("run"),
                    Duration.ofHours(1), lines::add, new AgentMetrics())) {
                observer.follow(EnforcementSpec.BlockedLog.NFLOG, Map.of("2222", "ssh"));
                // ulogd has bound the group when the kernel lists it.
                await().atMost(Duration.ofSeconds(10)).until(() -> lab.node()
                        .run("cat", "/proc/net/netfilter/nfnetlink_log").output().lines()
                        .anyMatch(line -> line.strip().startsWith(names.nflogGroup() + " ")));
                // One attempt (its SYN and the retransmit within the two seconds it waits) counts more than one.
                assertThat(lab.attacker().connects(LabAccess.NODE_A, 23)).isFalse();
                assertThat(lab.attacker().connects(LabAccess.NODE_A, 2222)).isFalse();
                assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
                assertThat(lab.attacker().connects(LabAccess.NODE_A6, 2222)).isFalse();
                assertThat(lab.good().connects(LabAccess.NODE_G, 23)).as("an unlisted source is not logged").isFalse();
                await().atMost(Duration.ofSeconds(5)).until(() -> observer.observedPackets() >= 6);
                observer.flush();
            }
            System.out.println(String.join("\n", lines));
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(
                    "BLOCKED 100\\.128\\.1\\.2:23 \\(telnet\\) proto=TCP x\\d+, and 2 other ports x\\d+"));
            // The IPv6 attacker's neighbour solicitations are its first packets to the node, and they are dropped
            // too (a listed source is cut off whole), so its TCP attempt may never get as far as a SYN.
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(
                    "BLOCKED \\[2a0f:1:1::2\\](:2222 \\(ssh\\) proto=TCP| \\(icmpv6\\) proto=ICMPV6) x\\d+.*"));
            assertThat(lines).noneMatch(line -> line.contains(LabAccess.GOOD));
            assertThat(com.sikkerapi.guard.firewall.Commands.local().run("ip", "netns", "pids", lab.node().name())
                    .output())
                    .as("ulogd stopped with the observer").isBlank();
        }
    }
}
