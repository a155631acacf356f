package com.sikkerapi.guard.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.nftables.NftDriftCheck;
import com.sikkerapi.guard.net.AddressSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift check of both backends on the real kernel: what somebody else does to the node between two pulls (a
 * chain flushed, the jump deleted, a set flushed or destroyed, the whole ruleset replaced by another tool's) is found
 * by the cheap check and put back, and the attacker is blocked again; an intact node is left alone.
 */
@Tag("kernel")
class DriftRepairKernelTest {
    @TempDir
    Path state;

    @Test
    void theIpsetBackendRepairsEachKindOfDrift() {
        Naming names = KernelSets.NAMES;
        Map<String, List<String[]>> sabotage = new LinkedHashMap<>();
        sabotage.put("chain flushed", List.<String[]>of(new String[] {"iptables-nft", "-t", "raw", "-F",
                names.chain()}));
        sabotage.put("jump deleted", List.<String[]>of(new String[] {"iptables-nft", "-t", "raw", "-D", "PREROUTING",
                "1"}));
        sabotage.put("set flushed", List.<String[]>of(new String[] {"ipset", "flush", names.live4()}));
        // A firewall reload: every rule and chain of the table gone, then the sets no rule references any more.
        sabotage.put("set destroyed", List.of(new String[] {"iptables-nft", "-t", "raw", "-F"},
                new String[] {"iptables-nft", "-t", "raw", "-X"}, new String[] {"ipset", "destroy", names.live4()}));
        sabotage.put("ruleset replaced", List.<String[]>of(new String[] {"sh", "-c", "printf '*raw\\n:PREROUTING "
                + "ACCEPT [0:0]\\n-A PREROUTING -p tcp --dport 9 -j ACCEPT\\nCOMMIT\\n' | iptables-nft-restore"}));
        repairsEach(EnforcementSpec.Backend.IPSET, Lab.blocklist(), sabotage);
    }

    @Test
    void theNftablesBackendRepairsEachKindOfDrift() {
        String table = KernelSets.NAMES.nftTable();
        Map<String, List<String[]>> sabotage = new LinkedHashMap<>();
        sabotage.put("chain flushed", List.<String[]>of(new String[] {"nft", "flush", "chain", "inet", table,
                "prerouting"}));
        sabotage.put("chain deleted", List.<String[]>of(new String[] {"nft", "delete", "chain", "inet", table,
                "prerouting"}));
        // The list was applied once (into slot a) and each repair loads it into the other slot.
        sabotage.put("set flushed", List.<String[]>of(new String[] {"sh", "-c", "nft flush set inet " + table
                + " h4a 2>/dev/null || nft flush set inet " + table + " h4b"}));
        sabotage.put("table deleted", List.<String[]>of(new String[] {"nft", "delete", "table", "inet", table}));
        sabotage.put("ruleset replaced", List.<String[]>of(new String[] {"sh", "-c", "printf 'flush ruleset\\ntable "
                + "inet filter {\\n chain input { type filter hook input priority 0; policy accept; }\\n}\\n' "
                + "| nft -f -"}));
        repairsEach(EnforcementSpec.Backend.NFTABLES, Lab.blocklist(), sabotage);
    }

    /**
     * Beside 100,000 hosts, where nft would read every element to list a chain or a set: the terse listing and the
     * check-only lookups still see a flushed chain and a flushed host set.
     */
    @Test
    void theNftablesBackendSeesAFlushedChainOrSetBesideAHundredThousandHosts() {
        String table = KernelSets.NAMES.nftTable();
        AddressSet list = Lab.blocklist().union(AddressSet.of(Lab.scatteredHosts(0, 100_000)));
        Map<String, List<String[]>> sabotage = new LinkedHashMap<>();
        sabotage.put("chain flushed", List.<String[]>of(new String[] {"nft", "flush", "chain", "inet", table,
                "prerouting"}));
        sabotage.put("drop rule deleted", List.<String[]>of(new String[] {"nft", "flush", "chain", "inet", table,
                "listed4"}));
        sabotage.put("host set flushed", List.<String[]>of(new String[] {"sh", "-c", "nft flush set inet " + table
                + " h4b 2>/dev/null || nft flush set inet " + table + " h4a"}));
        repairsEach(EnforcementSpec.Backend.NFTABLES, list, sabotage);
    }

    /**
     * Beside more networks than the check looks up samples at each time (nft reads interval sets whole for that), a
     * flushed network set is found within the checks it spaces the lookups over: 25,000 networks, every third.
     */
    @Test
    void theNftablesBackendFindsAFlushedNetworkSetBesideManyNetworksWithinAFewChecks() {
        List<String> entries = new ArrayList<>(List.of("100.128.1.0/30")); // the attacker's host in a network
        for (int i = 0; i < 25_000; i++) {
            entries.add("46." + (i >> 7) + "." + (i & 127) * 2 + ".0/24"); // every other /24: none merge
        }
        AddressSet list = Lab.blocklist().union(AddressSet.of(entries));
        int every = (int) Math.ceil(list.cidrCountV4() / (double) NftDriftCheck.SAMPLE_LIMIT);
        assertThat(every).isEqualTo(3);
        String table = KernelSets.NAMES.nftTable();
        try (Lab lab = new Lab()) {
            Firewall firewall = KernelSets.firewall(EnforcementSpec.Backend.NFTABLES, lab, state);
            firewall.apply(list, Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(firewall.repair()).as("nothing to repair on an intact node").isEmpty();
            lab.node.run("sh", "-c", "nft flush set inet " + table + " v4b 2>/dev/null || nft flush set inet " + table
                    + " v4a").check();
            assertThat(lab.attacker.ping(Lab.NODE_A)).as("the node is open").isTrue();
            int checks = 0;
            List<String> found = List.of();
            while (found.isEmpty() && checks < every) {
                found = firewall.repair();
                checks++;
            }
            System.out.printf("drift, nftables, network set flushed beside %d networks: found at check %d: %s%n",
                    list.cidrCountV4(), checks, found);
            assertThat(found).isNotEmpty();
            assertThat(lab.attacker.ping(Lab.NODE_A)).as("blocked again").isFalse();
            assertThat(KernelSets.text(KernelSets.read(EnforcementSpec.Backend.NFTABLES, lab)))
                    .isEqualTo(KernelSets.text(list));
        }
    }

    private void repairsEach(EnforcementSpec.Backend backend, AddressSet list,
            Map<String, List<String[]>> sabotage) {
        try (Lab lab = new Lab()) {
            Firewall firewall = KernelSets.firewall(backend, lab, state);
            firewall.apply(list, Lab.enforcement(EnforcementSpec.Hook.PREROUTING));
            assertThat(firewall.repair()).as("nothing to repair on an intact node").isEmpty();
            for (Map.Entry<String, List<String[]>> drift : sabotage.entrySet()) {
                for (String[] command : drift.getValue()) {
                    lab.node.run(command).check();
                }
                assertThat(lab.attacker.ping(Lab.NODE_A)).as(drift.getKey() + ": the node is open").isTrue();
                long start = System.nanoTime();
                List<String> found = firewall.repair();
                long micros = (System.nanoTime() - start) / 1000;
                System.out.printf("drift, %s, %s: found %s, repaired in %d ms%n", backend, drift.getKey(), found,
                        micros / 1000);
                assertThat(found).as(drift.getKey()).isNotEmpty();
                assertThat(lab.attacker.ping(Lab.NODE_A)).as(drift.getKey() + ": blocked again").isFalse();
                assertThat(KernelSets.text(KernelSets.read(backend, lab))).as(drift.getKey())
                        .isEqualTo(KernelSets.text(list));
                assertThat(firewall.repair()).as(drift.getKey() + ": nothing left to repair").isEmpty();
            }
            assertThat(lab.good.ping(Lab.NODE_G)).isTrue();
        }
    }
}
