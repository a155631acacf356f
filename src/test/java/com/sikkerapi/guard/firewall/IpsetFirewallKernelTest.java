package com.sikkerapi.guard.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewallForTestsAccess;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Ipv4RangeSet;
import com.sikkerapi.guard.testing.NetNs;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ipset + iptables backend on the real kernel, in namespaces the test makes (root needed). */
@Tag("kernel")
class IpsetFirewallKernelTest {

    @TempDir
    Path state;

    private IpsetFirewall firewall(Lab lab, IptablesFlavour flavour) {
        return new IpsetFirewall(lab.node.commands(), Naming.of("security", "edge"), flavour, state);
    }

    @ParameterizedTest(name = "{0} hook, iptables-{1}")
    @CsvSource({"PREROUTING, NFT", "INPUT, NFT", "PREROUTING, LEGACY", "INPUT, LEGACY"})
    void dropsListedSourcesOfBothFamiliesAndPassesOthers(EnforcementSpec.Hook hook, IptablesFlavour flavour) {
        try (Lab lab = new Lab()) {
            lab.node.serveHello(8080);
            assertThat(lab.attacker.ping(Lab.NODE_A)).as("reachable before").isTrue();
            assertThat(lab.attacker.connects(Lab.NODE_A, 8080)).isTrue();

            IpsetFirewall firewall = firewall(lab, flavour);
            firewall.apply(Lab.blocklist(), Lab.enforcement(hook));

            lab.assertOnlyTheAttackerIsBlocked(8080);
            String table = hook == EnforcementSpec.Hook.PREROUTING ? "raw" : "filter";
            assertThat(lab.node.run(flavour.binary(false), "-t", table, "-S").output())
                    .contains("-j " + firewall.names().chain());
            assertThat(firewall.liveEntries()[0]).isEqualTo(Lab.blocklist().cidrCountV4());
        }
    }

    @Test
    void changingTheHookMovesTheJumpAndIpv6OffRemovesTheIpv6Part() {
        try (Lab lab = new Lab()) {
            IpsetFirewall firewall = firewall(lab, IptablesFlavour.NFT);
            firewall.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            EnforcementSpec input = Lab.enforcement(EnforcementSpec.Hook.INPUT);
            input.setIpv6(false);
            firewall.apply(Lab.blocklist(), input);
            assertThat(lab.node.run("iptables-nft", "-t", "raw", "-S").output()).doesNotContain("SIKKERGUARD");
            assertThat(lab.node.run("iptables-nft", "-t", "filter", "-S", "INPUT").output()).contains("SIKKERGUARD");
            assertThat(lab.node.run("ip6tables-nft-save").output()).doesNotContain("SIKKERGUARD");
            assertThat(lab.node.run("ipset", "list", "-n").output()).doesNotContain(firewall.names().live6());
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
            assertThat(lab.attacker.ping(Lab.NODE_A6)).as("IPv6 enforcement is off").isTrue();
        }
    }

    @Test
    void removeLeavesTheFirewallExactlyAsItWas() {
        try (Lab lab = new Lab()) {
            lab.addSomeoneElsesRules();
            String before = lab.snapshot();
            IpsetFirewall firewall = firewall(lab, IptablesFlavour.NFT);
            firewall.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(lab.snapshot()).isNotEqualTo(before);
            firewall.remove();
            assertThat(lab.snapshot()).isEqualTo(before);
            assertThat(lab.attacker.ping(Lab.NODE_A)).isTrue();
        }
    }

    @Test
    void aNewAgentAdoptsWhatExistsWithExactlyOneJump() {
        try (Lab lab = new Lab()) {
            firewall(lab, IptablesFlavour.NFT).apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            IpsetFirewall successor = firewall(lab, IptablesFlavour.NFT);
            assertThat(successor.exists()).isTrue();
            // A predecessor killed mid-way left a second jump rule, and an older agent one of an older form.
            Naming names = successor.names();
            lab.node.run("iptables-nft", "-t", "raw", "-I", "PREROUTING", "1", "-m", "set", "--match-set",
                    names.live4(), "src", "-m", "comment", "--comment", names.comment(), "-j", names.chain()).check();
            lab.node.run("iptables-nft", "-t", "raw", "-I", "PREROUTING", "1", "-m", "comment", "--comment",
                    names.comment(), "-j", names.chain()).check();
            successor.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(lab.node.run("iptables-nft", "-t", "raw", "-S", "PREROUTING").output().lines()
                    .filter(l -> l.endsWith("-j " + names.chain()))).hasSize(1);
            assertThat(lab.node.run("ip6tables-nft", "-t", "raw", "-S", "PREROUTING").output().lines()
                    .filter(l -> l.endsWith("-j " + names.chain()))).hasSize(1);
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
        }
    }

    @Test
    void aRateLimitedObservingRuleSamplesBeforeTheDropAndChangesWithoutAGap() {
        try (Lab lab = new Lab()) {
            IpsetFirewall firewall = firewall(lab, IptablesFlavour.NFT);
            Naming names = firewall.names();
            EnforcementSpec enforcement = Lab.enforcement(EnforcementSpec.Hook.PREROUTING);
            String listed = " -m set --match-set " + names.live4() + " src ! --update-counters ! --update-subcounters";
            String drop = "-A " + names.chain() + listed + " -j DROP";
            String sample = "-A " + names.chain() + listed + " -m limit --limit 20/sec --limit-burst 40 -j ";
            for (EnforcementSpec.BlockedLog log : new EnforcementSpec.BlockedLog[] {EnforcementSpec.BlockedLog.NFLOG,
                    EnforcementSpec.BlockedLog.KMSG, EnforcementSpec.BlockedLog.NONE,
                    EnforcementSpec.BlockedLog.NFLOG}) {
                enforcement.setBlockedLog(log);
                firewall.apply(Lab.blocklist(), enforcement);
                List<String> chain = lab.node.run("iptables-nft", "-t", "raw", "-S", names.chain()).output().lines()
                        .filter(l -> l.startsWith("-A ")).toList();
                switch (log) {
                    case NFLOG -> assertThat(chain).containsExactly(sample + "NFLOG --nflog-prefix "
                            + names.logPrefix() + " --nflog-group " + names.nflogGroup(), drop);
                    case KMSG -> assertThat(chain).containsExactly(sample + "LOG --log-prefix \""
                            + names.logPrefix() + " \"", drop);
                    case NONE -> assertThat(chain).containsExactly(drop);
                }
                assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
                // One set lookup for a packet that is not listed: in the jump, which is also what counts.
                assertThat(lab.node.run("iptables-nft", "-t", "raw", "-S", "PREROUTING").output().lines()
                        .filter(l -> l.contains(names.chain()))).containsExactly("-A PREROUTING -m set --match-set "
                                + names.live4() + " src -m comment --comment \"" + names.comment() + "\" -j "
                                + names.chain());
            }
        }
    }

    @Test
    void theNextApplyRepairsWhatSomebodyElseRemovedBetweenTwoCycles() {
        try (Lab lab = new Lab()) {
            IpsetFirewall firewall = firewall(lab, IptablesFlavour.NFT);
            firewall.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            Naming names = firewall.names();
            // A firewall reload that flushes the hook chain: our jump is gone, our chain and sets stay.
            lab.node.run("iptables-nft", "-t", "raw", "-F", "PREROUTING").check();
            assertThat(lab.attacker.ping(Lab.NODE_A)).isTrue();
            firewall.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
            // Everything of ours wiped by hand: the fast path fails, and the full check makes it all again.
            com.sikkerapi.guard.firewall.Cleanup.run(lab.node.commands());
            firewall.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
            assertThat(lab.attacker.ping(Lab.NODE_A6)).isFalse();
            assertThat(lab.node.run("iptables-nft", "-t", "raw", "-S", "PREROUTING").output().lines()
                    .filter(l -> l.endsWith("-j " + names.chain()))).hasSize(1);
        }
    }

    @Test
    void aMillionEntriesLoadAndAFailedLoadLeavesTheLiveSetAsItWas() {
        try (Lab lab = new Lab()) {
            Ipv4RangeSet.Builder million = new Ipv4RangeSet.Builder();
            for (long i = 0; i < 1_000_000; i++) {
                million.add(0x2c000000L + 2 * i, 0x2c000000L + 2 * i); // 44.0.0.0, 44.0.0.2, ...: no two merge
            }
            million.add(0x64800102L, 0x64800102L); // the attacker, 100.128.1.2
            AddressSet big = new AddressSet(million.build(), AddressSet.EMPTY.v6());
            IpsetFirewall firewall = firewall(lab, IptablesFlavour.NFT);
            firewall.apply(big, Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(firewall.liveEntries()[0]).isEqualTo(1_000_001);
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();

            IpsetFirewall tooSmall = IpsetFirewallForTestsAccess.withMaxelem(lab.node.commands(),
                    Naming.of("security", "edge"), IptablesFlavour.NFT, state, 1000);
            assertThatThrownBy(() -> tooSmall.apply(Lab.blocklist().union(AddressSet.of(java.util.stream.IntStream
                    .range(0, 5000).mapToObj(i -> "46." + (i >> 8) + "." + (i & 255) + ".1").toList())),
                    Lab.enforcement(EnforcementSpec.Hook.PREROUTING)))
                    .isInstanceOf(FirewallException.class).hasMessageContaining("live set is unchanged");
            assertThat(firewall.liveEntries()[0]).isEqualTo(1_000_001);
            assertThat(lab.node.run("ipset", "list", "-n").output()).doesNotContain(firewall.names().next4());
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
        }
    }

    @Test
    void withThePreroutingHookTrafficDnatedToAPodIsDroppedToo() {
        try (Lab lab = new Lab(); NetNs pod = NetNs.create("pod")) {
            // kube-proxy's NodePort in miniature: the node forwards port 30080 to a pod behind it.
            NetNs.link(lab.node, List.of("10.244.7.1/24"), pod, List.of("10.244.7.2/24"));
            pod.run("ip", "route", "add", "default", "via", "10.244.7.1").check();
            lab.node.run("sysctl", "-q", "-w", "net.ipv4.ip_forward=1").check(); // the namespace's own sysctl
            lab.node.run("iptables-nft", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "30080", "-j", "DNAT",
                    "--to-destination", "10.244.7.2:8080").check();
            pod.serveHello(8080);
            assertThat(lab.attacker.connects(Lab.NODE_A, 30080)).as("the NodePort works").isTrue();

            IpsetFirewall prerouting = firewall(lab, IptablesFlavour.NFT);
            prerouting.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.INPUT));
            assertThat(lab.attacker.connects(Lab.NODE_A, 30080)).as("INPUT never sees forwarded traffic").isTrue();
            prerouting.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(lab.attacker.connects(Lab.NODE_A, 30080)).isFalse();
            assertThat(lab.good.connects(Lab.NODE_G, 30080)).isTrue();
        }
    }

    @Test
    void aSwapUnderAFloodLetsNoListedPacketThrough() {
        try (Lab lab = new Lab()) {
            IpsetFirewall firewall = firewall(lab, IptablesFlavour.NFT);
            firewall.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            Lab.Reached reached = lab.flood(4, () -> {
                for (int swap = 0; swap < 10; swap++) {
                    // Each list holds the attacker among different filler, so every apply swaps a new set in.
                    AddressSet list = Lab.blocklist().union(AddressSet.of(List.of("46.0." + swap + ".0/24")));
                    firewall.apply(list, Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
                }
            });
            long fromAttacker = reached.attacker();
            long fromGood = reached.good();
            String dropped = lab.node.run("iptables-nft", "-t", "raw", "-L", firewall.names().chain(), "-v", "-n", "-x")
                    .output();
            long droppedByRule = dropped.lines().filter(l -> l.contains("match-set") && l.contains("DROP")).mapToLong(
                    l -> Long.parseLong(l.strip().split("\\s+")[0])).sum();
            System.out.printf("flood: %d attacker packets dropped by the rule, %d reached the node; %d good packets "
                    + "reached it%n", droppedByRule, fromAttacker, fromGood);
            assertThat(fromAttacker).isZero();
            assertThat(droppedByRule).isGreaterThan(10_000);
            assertThat(firewall.droppedPackets()).as("what the node reports").isGreaterThanOrEqualTo(droppedByRule);
            assertThat(fromGood).isGreaterThan(10_000);
        }
    }

    @Test
    void cleanupRemovesEverySikkerguardObjectOfEveryBlocklistAndNothingElse() {
        try (Lab lab = new Lab()) {
            lab.addSomeoneElsesRules();
            String before = lab.snapshot();
            new IpsetFirewall(lab.node.commands(), Naming.of("a", "one"), IptablesFlavour.NFT, state)
                    .apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            new IpsetFirewall(lab.node.commands(), Naming.of("b", "two"), IptablesFlavour.LEGACY, state.resolve("b"))
                    .apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.INPUT));
            List<String> removed = com.sikkerapi.guard.firewall.Cleanup.run(lab.node.commands());
            assertThat(removed).hasSizeGreaterThanOrEqualTo(12);
            assertThat(lab.node.run("ipset", "list", "-n").output().strip()).isEqualTo("someone-elses");
            for (String save : new String[] {"iptables-nft-save", "ip6tables-nft-save", "iptables-legacy-save",
                    "ip6tables-legacy-save"}) {
                assertThat(lab.node.run(save).output()).doesNotContain("SIKKERGUARD");
            }
            assertThat(lab.node.run("iptables-nft-save").output()).contains("--dport 9 -j ACCEPT");
            assertThat(lab.attacker.ping(Lab.NODE_A)).isTrue();
            assertThat(before).contains("someone-elses");
        }
    }
}
