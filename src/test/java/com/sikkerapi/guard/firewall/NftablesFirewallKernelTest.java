package com.sikkerapi.guard.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.firewall.nftables.NftablesFirewall;
import com.sikkerapi.guard.net.AddressSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The native nftables backend on the real kernel, in namespaces the test makes (root needed). */
@Tag("kernel")
class NftablesFirewallKernelTest {

    private static NftablesFirewall firewall(Lab lab) {
        return new NftablesFirewall(lab.node.commands(), Naming.of("security", "edge"));
    }

    /** The node's whole nftables ruleset, counters aside, and the sets' slot (a or b: each full load takes turns). */
    private static String ruleset(Lab lab) {
        return lab.node.run("nft", "list", "ruleset").output().replaceAll("packets \\d+ bytes \\d+",
                "packets 0 bytes 0").replaceAll("\\b([hv][46])[ab]\\b", "$1");
    }

    @ParameterizedTest(name = "{0} hook")
    @EnumSource(EnforcementSpec.Hook.class)
    void dropsListedSourcesOfBothFamiliesAndPassesOthers(EnforcementSpec.Hook hook) {
        try (Lab lab = new Lab()) {
            lab.node.serveHello(8080);
            NftablesFirewall firewall = firewall(lab);
            assertThat(firewall.exists()).isFalse();
            firewall.apply(Lab.blocklist(), Lab.enforcement(hook));

            lab.assertOnlyTheAttackerIsBlocked(8080);
            assertThat(firewall.exists()).isTrue();
            assertThat(firewall.liveEntries()).containsExactly(Lab.blocklist().cidrCountV4(),
                    Lab.blocklist().cidrCountV6());
            assertThat(firewall.droppedPackets()).as("the ping and the connections of both families").isPositive();
            String chain = hook == EnforcementSpec.Hook.PREROUTING ? "hook prerouting priority raw"
                    : "hook input priority filter";
            assertThat(ruleset(lab)).contains(chain).contains("log prefix \"" + firewall.names().logPrefix()
                    + "\" group " + firewall.names().nflogGroup());
        }
    }

    @Test
    void aHookChangeMovesTheChainInOneTransactionAndTheCountersStay() {
        try (Lab lab = new Lab()) {
            NftablesFirewall firewall = firewall(lab);
            firewall.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
            long dropped = firewall.droppedPackets();
            // The attacker floods while the hook changes back and forth: the list is never off.
            java.util.concurrent.CompletableFuture<Commands.Result> flood = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> lab.attacker.run("ping", "-f", "-q", "-w", "3", Lab.NODE_A));
            for (int k = 0; k < 7; k++) {
                firewall.apply(Lab.blocklist(), Lab.enforcement(k % 2 == 0 ? EnforcementSpec.Hook.INPUT
                        : EnforcementSpec.Hook.PREROUTING));
            }
            String replies = flood.join().output();
            assertThat(replies).as("no echo reply during the changes").contains(" 0 received");
            assertThat(ruleset(lab)).contains("hook input priority filter").doesNotContain("hook prerouting");
            assertThat(firewall.droppedPackets()).as("named counters survive the rewrites").isGreaterThan(dropped);
        }
    }

    @Test
    void aRestartedAgentAdoptsWhatIsThereAndRemovalLeavesTheRulesetAsBefore() {
        try (Lab lab = new Lab()) {
            String before = ruleset(lab);
            firewall(lab).apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            String applied = ruleset(lab);
            NftablesFirewall successor = firewall(lab);
            assertThat(successor.exists()).isTrue();
            successor.apply(Lab.blocklist(), Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(ruleset(lab)).as("the same again, nothing doubled").isEqualTo(applied);

            // A smaller list replaces the larger one whole; IPv6 off empties its set and drops its rules.
            EnforcementSpec v4only = Lab.enforcement(EnforcementSpec.Hook.PREROUTING);
            v4only.setIpv6(false);
            successor.apply(AddressSet.of(List.of(Lab.ATTACKER)), v4only);
            assertThat(successor.liveEntries()).containsExactly(1, 0);
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
            assertThat(lab.attacker.ping(Lab.NODE_A6)).as("IPv6 enforcement is off").isTrue();

            successor.remove();
            assertThat(ruleset(lab)).isEqualTo(before);
            assertThat(successor.exists()).isFalse();
            assertThat(successor.droppedPackets()).isEqualTo(-1);
            assertThat(lab.attacker.ping(Lab.NODE_A)).isTrue();
            successor.remove(); // nothing left to remove: no error
        }
    }

    @Test
    void largeListsGoInBatchedStatementsOfOneTransaction() {
        try (Lab lab = new Lab()) {
            List<String> entries = new ArrayList<>();
            // 50,001 separate /32s (every other address, so none merge): three statements, the last of one.
            for (int k = 0; k < 50_001; k++) {
                int host = 2 * k;
                entries.add("45." + (host >> 16 & 255) + "." + (host >> 8 & 255) + "." + (host & 255));
            }
            entries.add(Lab.ATTACKER);
            AddressSet list = AddressSet.of(entries);
            NftablesFirewall firewall = firewall(lab);
            long start = System.nanoTime();
            firewall.apply(list, Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            System.out.printf("nft apply of %d entries: %d ms%n", list.cidrCountV4(),
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(firewall.liveEntries()[0]).isEqualTo(list.cidrCountV4());
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
        }
    }
}
