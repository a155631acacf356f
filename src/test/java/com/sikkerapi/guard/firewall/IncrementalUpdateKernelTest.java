package com.sikkerapi.guard.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidrs;
import com.sikkerapi.guard.testing.NetNs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Incremental updates of both backends on the real kernel: over random sequences of lists, the kernel's sets read
 * back whole equal each list (a property test against the plainest model, the set of addresses the list's entries
 * cover), and a listed address is never let through while the difference goes in. The seed is printed and can be
 * given back with {@code -Dsikkerguard.seed=N}. (jqwik, the property-testing library, runs on JUnit Platform 1 and
 * this project's tests on JUnit 6, so the sequences are drawn from a seeded Random.)
 */
@Tag("kernel")
class IncrementalUpdateKernelTest {
    @TempDir
    Path state;

    /** A list as a blocklist's feeds change it: entries come and go, ranges grow and split, now and then a big change. */
    private static final class Lists {
        private final Random random;
        private final TreeSet<String> entries = new TreeSet<>();

        Lists(Random random) {
            this.random = random;
            entries.add(Lab.ATTACKER);
            entries.add(Lab.ATTACKER6);
            for (int i = 0; i < 400; i++) {
                entries.add(randomEntry());
            }
        }

        private String randomEntry() {
            if (random.nextInt(4) == 0) {
                return "2a0f:ff:" + Integer.toHexString(random.nextInt(64)) + "::" + Integer.toHexString(
                        random.nextInt(4096)) + "/" + (112 + random.nextInt(17));
            }
            return "45." + random.nextInt(8) + "." + random.nextInt(256) + "." + random.nextInt(256) + "/"
                    + (22 + random.nextInt(11));
        }

        /** The next list: a few percent changed, or (one step in six) most of it. */
        AddressSet next() {
            List<String> current = new ArrayList<>(entries);
            boolean big = random.nextInt(6) == 0;
            int changes = big ? current.size() / 2 : 1 + random.nextInt(current.size() / 30);
            for (int i = 0; i < changes; i++) {
                switch (random.nextInt(4)) {
                    case 0 -> entries.remove(current.get(random.nextInt(current.size())));
                    case 1 -> entries.add(randomEntry());
                    // A range that grows over its neighbours: its CIDRs change while its addresses stay listed.
                    case 2 -> entries.add("45." + random.nextInt(8) + "." + random.nextInt(256) + ".0/"
                            + (20 + random.nextInt(3)));
                    // A hole punched into a range: one CIDR becomes many.
                    default -> entries.add("!45." + random.nextInt(8) + "." + random.nextInt(256) + "."
                            + random.nextInt(256));
                }
            }
            entries.remove(Lab.ATTACKER);
            entries.add(Lab.ATTACKER);
            return list();
        }

        AddressSet list() {
            List<String> listed = entries.stream().filter(e -> !e.startsWith("!")).toList();
            List<String> holes = entries.stream().filter(e -> e.startsWith("!")).map(e -> e.substring(1))
                    .filter(e -> !e.equals(Lab.ATTACKER)).toList();
            return AddressSet.of(listed).except(AddressSet.of(holes));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EnforcementSpec.Backend.class, names = {"IPSET", "NFTABLES"})
    void overRandomSequencesOfListsTheKernelHoldsExactlyEachList(EnforcementSpec.Backend backend) {
        long seed = Long.getLong("sikkerguard.seed", System.nanoTime());
        System.out.printf("incremental updates, %s: seed %d%n", backend, seed);
        Lists lists = new Lists(new Random(seed));
        try (Lab lab = new Lab()) {
            Firewall firewall = KernelSets.firewall(backend, lab, state);
            EnforcementSpec enforcement = Lab.enforcement(EnforcementSpec.Hook.PREROUTING);
            int incremental = 0;
            int full = 0;
            for (int step = 0; step < 30; step++) {
                AddressSet list = step == 0 ? lists.list() : lists.next();
                Firewall.Change change = firewall.apply(list, enforcement);
                if (change.incremental()) {
                    incremental++;
                } else {
                    full++;
                }
                String at = "seed " + seed + ", step " + step + " (" + change + ")";
                assertThat(KernelSets.text(KernelSets.read(backend, lab))).as(at).isEqualTo(KernelSets.text(list));
                // Exactly the list's entries: no stale entry hidden under a new one that covers it.
                assertThat(firewall.liveEntries()).as(at).containsExactly(list.cidrCountV4(), list.cidrCountV6());
            }
            System.out.printf("  %d incremental, %d full%n", incremental, full);
            assertThat(incremental).as("small changes go in as differences").isGreaterThanOrEqualTo(10);
            assertThat(full).as("the first list and big changes are loaded whole").isGreaterThanOrEqualTo(2);
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
        }
    }

    /**
     * Each backend's set is made with room for a quarter more entries than its list (ipset: maxelem; nftables: the
     * host set's size, for the kernel's hash of a fixed size). A difference goes in only where the set has room for
     * both lists' entries (its additions are counted before its deletions); otherwise the list is loaded whole into
     * sets sized anew, and differences go in again after that.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EnforcementSpec.Backend.class, names = {"IPSET", "NFTABLES"})
    void aDifferenceThatTheSetsHaveNoRoomForIsLoadedWholeIntoLargerSets(EnforcementSpec.Backend backend) {
        try (Lab lab = new Lab()) {
            Firewall firewall = KernelSets.firewall(backend, lab, state);
            EnforcementSpec enforcement = Lab.enforcement(EnforcementSpec.Hook.PREROUTING);
            boolean nft = backend == EnforcementSpec.Backend.NFTABLES;
            List<Boolean> incremental = new ArrayList<>();
            AddressSet loaded = null;
            // Hosts [from, to): room for 75,000 after the first; then 11,000 more (19%: room enough); then 7,000
            // replaced (20% changed, and no room for the 78,000 of both lists); then 1,000 more in the new room.
            for (int[] hosts : new int[][] {{0, 60_000}, {0, 71_000}, {7_000, 78_000}, {7_000, 79_000}}) {
                AddressSet list = Lab.blocklist().union(AddressSet.of(Lab.scatteredHosts(hosts[0], hosts[1])));
                Firewall.Change change = firewall.apply(list, enforcement);
                incremental.add(change.incremental());
                loaded = change.incremental() ? loaded : list;
                String at = "hosts " + hosts[0] + "-" + hosts[1];
                assertThat(KernelSets.text(KernelSets.read(backend, lab))).as(at).isEqualTo(KernelSets.text(list));
                // The room of the last full load: a quarter above the entries it loaded (the nftables host set's
                // hosts; all of ipset's IPv4 entries).
                long counted = nft ? Cidrs.of(loaded).count(false, true) : loaded.cidrCountV4();
                String room = nft ? lab.node.run("nft", "-t", "list", "ruleset", "inet").check().output()
                        : lab.node.run("ipset", "list", "-t", KernelSets.NAMES.live4()).check().output();
                assertThat(room).as(at).contains((nft ? "size " : "maxelem ") + (counted + counted / 4));
            }
            assertThat(incremental).containsExactly(false, true, false, true);
        }
    }

    /**
     * A set flushed by someone else after the last apply: a difference of additions only (no deletion to miss an
     * entry) must not go in on top of it, the whole list is loaded instead (ipset: the set's entry count; nftables:
     * the samples the update's transaction looks up).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EnforcementSpec.Backend.class, names = {"IPSET", "NFTABLES"})
    void aDifferenceIsNotAppliedOnTopOfASetThatWasFlushedMeanwhile(EnforcementSpec.Backend backend) {
        try (Lab lab = new Lab()) {
            Firewall firewall = KernelSets.firewall(backend, lab, state);
            EnforcementSpec enforcement = Lab.enforcement(EnforcementSpec.Hook.PREROUTING);
            AddressSet list = Lab.blocklist().union(AddressSet.of(Lab.scatteredHosts(0, 300)));
            firewall.apply(list, enforcement);
            String flush = backend == EnforcementSpec.Backend.NFTABLES
                    ? "nft flush set inet " + KernelSets.NAMES.nftTable() + " h4b 2>/dev/null || nft flush set inet "
                            + KernelSets.NAMES.nftTable() + " h4a"
                    : "ipset flush " + KernelSets.NAMES.live4();
            lab.node.run("sh", "-c", flush).check();
            AddressSet next = list.union(AddressSet.of(List.of("46.1.0.1", "46.1.0.3")));
            Firewall.Change change = firewall.apply(next, enforcement);
            assertThat(change.incremental()).as("loaded whole").isFalse();
            assertThat(KernelSets.text(KernelSets.read(backend, lab))).isEqualTo(KernelSets.text(next));
            assertThat(lab.attacker.ping(Lab.NODE_A)).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EnforcementSpec.Backend.class, names = {"IPSET", "NFTABLES"})
    void aFloodFromAListedAddressGetsNoPacketThroughWhileDifferencesGoIn(EnforcementSpec.Backend backend) {
        flood(backend, false);
    }

    /** Only single addresses change (nftables: additions and deletions in one transaction), the attacker's stays. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EnforcementSpec.Backend.class, names = {"IPSET", "NFTABLES"})
    void aFloodFromAListedAddressGetsNoPacketThroughWhileOtherHostsChange(EnforcementSpec.Backend backend) {
        flood(backend, true);
    }

    private void flood(EnforcementSpec.Backend backend, boolean hostsOnly) {
        try (Lab lab = new Lab()) {
            Firewall firewall = KernelSets.firewall(backend, lab, state);
            EnforcementSpec enforcement = Lab.enforcement(EnforcementSpec.Hook.PREROUTING);
            List<String> filler = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                filler.add("45." + (i >> 7) + "." + (i & 127) * 2 + ".0/24"); // every other /24: none merge
            }
            // A /30 and hosts elsewhere, so that each list has the prefix lengths the attacker's entry takes (ipset
            // swaps a change of lengths in whole, see IpsetFirewall).
            filler.add("45.250.0.0/30");
            filler.add("45.251.0.1");
            AddressSet base = AddressSet.of(filler);
            // The attacker's entry is the last of its kind, one of the samples that the nftables backend's update
            // deletes and adds back in its own transaction (its check that the set was not flushed meanwhile).
            Cidrs none = new Cidrs();
            assertThat(Cidrs.of(base.union(AddressSet.of(List.of(Lab.ATTACKER)))).samples(false, true, none))
                    .contains(Lab.ATTACKER);
            assertThat(Cidrs.of(base.union(AddressSet.of(List.of("100.128.1.0/30")))).samples(false, false, none))
                    .contains("100.128.1.0/30");
            firewall.apply(base.union(AddressSet.of(List.of(Lab.ATTACKER))), enforcement);
            int[] incremental = {0};
            Lab.Reached reached = lab.flood(3, () -> {
                for (int update = 0; update < 20; update++) {
                    // The attacker's entry changes form each time (its host, then the /30 around it): its old CIDR
                    // goes and a new one comes in the same update, and 50 other entries change; or, hosts only,
                    // the attacker's host stays and 50 other hosts change.
                    String attacker = update % 2 == 0 && !hostsOnly ? "100.128.1.0/30" : Lab.ATTACKER;
                    List<String> changed = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        changed.add(hostsOnly ? "46." + update + "." + i * 2 + ".1"
                                : "46." + update + "." + i * 2 + ".0/24");
                    }
                    Firewall.Change change = firewall.apply(base.union(AddressSet.of(changed))
                            .union(AddressSet.of(List.of(attacker))), enforcement);
                    incremental[0] += change.incremental() ? 1 : 0;
                }
            });
            long fromAttacker = reached.attacker();
            long fromGood = reached.good();
            System.out.printf("flood, %s%s: %d incremental updates; %d attacker packets reached the node, %d dropped "
                    + "by the rule; %d good packets reached it%n", backend, hostsOnly ? " (hosts only)" : "",
                    incremental[0], fromAttacker,
                    firewall.droppedPackets(), fromGood);
            assertThat(incremental[0]).isEqualTo(20);
            assertThat(fromAttacker).isZero();
            assertThat(firewall.droppedPackets()).isGreaterThan(10_000);
            assertThat(fromGood).isGreaterThan(10_000);
        }
    }

}
