package com.sikkerapi.guard.bench;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.Firewall;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.nftables.NftablesFirewall;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Ipv4RangeSet;
import com.sikkerapi.guard.testing.NetNs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Both backends in a network namespace (root): a full apply and a 1% incremental one of 100,000 and 1,000,000
 * entries against each backend's floor (ipset restore of a prepared file + swap; nft -f of a prepared file that
 * fills the same kind of set, a hash set for these single addresses), the drift check's cost on an intact node and
 * its CPU per hour at the default interval of 10 s, and a repair. Prints markdown tables. A benchmark, not a test.
 */
public final class BackendBench {
    private BackendBench() {
    }

    /** {@code entries} hosts 45.0.0.0, 45.0.0.2, ...: no two merge. */
    static AddressSet hosts(int entries, long base) {
        Ipv4RangeSet.Builder builder = new Ipv4RangeSet.Builder();
        for (long i = 0; i < entries; i++) {
            builder.add(base + 2 * i, base + 2 * i);
        }
        return new AddressSet(builder.build(), AddressSet.EMPTY.v6());
    }

    /** The list with its first 0.5% of entries replaced by as many new ones: a 1% change (deleted + added). */
    static AddressSet onePercentChanged(AddressSet list, int entries, int round) {
        int changed = entries / 200;
        AddressSet dropped = hosts(changed, 0x2d000000L);
        AddressSet added = hosts(changed, 0x2e000000L + (long) round * 4 * changed);
        return list.except(dropped).union(added);
    }

    public static void main(String[] args) throws Exception {
        List<String> applies = new ArrayList<>();
        List<String> drift = new ArrayList<>();
        EnforcementSpec enforcement = new EnforcementSpec();
        enforcement.setIpv6(false);
        for (int entries : new int[] {100_000, 1_000_000}) {
            AddressSet list = hosts(entries, 0x2d000000L);
            int rounds = 5;
            for (String backend : new String[] {"ipset", "nftables"}) {
                try (NetNs node = NetNs.create("bkbench")) {
                    double floor = floor(node, backend, list, rounds);
                    Firewall firewall = backend.equals("ipset")
                            ? new IpsetFirewall(node.commands(), Naming.of("bench", "backend"), IptablesFlavour.NFT,
                                    Files.createTempDirectory("bkbench"))
                            : new NftablesFirewall(node.commands(), Naming.of("bench", "backend"));
                    double[] full = new double[rounds];
                    double[] incremental = new double[rounds];
                    for (int round = 0; round < rounds; round++) {
                        firewall.remove(); // a full load into empty sets each round, as a new node's first
                        long start = System.nanoTime();
                        firewall.apply(list, enforcement);
                        full[round] = FirewallBench.seconds(start);
                        AddressSet next = onePercentChanged(list, entries, round);
                        start = System.nanoTime();
                        Firewall.Change change = firewall.apply(next, enforcement);
                        incremental[round] = FirewallBench.seconds(start);
                        if (!change.incremental()) {
                            throw new IllegalStateException("a 1% change was loaded whole: " + change);
                        }
                    }
                    applies.add(String.format("| %s | %,d entries | %.3f s | %.3f s | %.3f s | %.1fx |", backend,
                            entries, floor, FirewallBench.median(full), FirewallBench.median(incremental),
                            floor / FirewallBench.median(incremental)));
                    drift.add(driftRow(node, backend, firewall, entries));
                    firewall.remove();
                }
            }
        }
        System.out.println("| backend | list | floor (full load, prepared file) | sikkerguard full apply | "
                + "1% incremental apply | floor / incremental |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        applies.forEach(System.out::println);
        System.out.println();
        System.out.println("| backend | list | drift check, intact (wall) | its CPU (agent + tools) | "
                + "CPU per hour at 10 s | repair: ipset chain flushed, nftables base chain deleted |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        drift.forEach(System.out::println);
    }

    /** The backend's floor: the same entries from a prepared file, median of the rounds. */
    static double floor(NetNs node, String backend, AddressSet list, int rounds) throws Exception {
        Path prepared = Files.createTempFile("floor", ".txt");
        StringBuilder text = new StringBuilder();
        List<String> cidrs = new ArrayList<>();
        list.v4().forEachCidr((address, prefix) -> cidrs.add((address >>> 24) + "." + ((address >>> 16) & 255) + "."
                + ((address >>> 8) & 255) + "." + (address & 255)));
        if (backend.equals("ipset")) {
            text.append("create floor-next hash:net family inet hashsize ")
                    .append(Long.highestOneBit(Math.max(1024, cidrs.size() / 2))).append(" maxelem ")
                    .append(cidrs.size() + cidrs.size() / 4).append('\n');
            cidrs.forEach(c -> text.append("add floor-next ").append(c).append('\n'));
            node.run("ipset", "create", "floor-live", "hash:net").check();
        } else {
            // The set the backend puts these entries in (single addresses: a hash set declared with a size, a
            // quarter above the entries), in statements of 20,000 elements as the backend's, with no rules around it.
            text.append("add table inet floor\nadd set inet floor v4 { type ipv4_addr; size ")
                    .append(cidrs.size() + cidrs.size() / 4).append("; }\n");
            for (int i = 0; i < cidrs.size(); i += 20_000) {
                text.append("add element inet floor v4 { ")
                        .append(String.join(", ", cidrs.subList(i, Math.min(cidrs.size(), i + 20_000)))).append(" }\n");
            }
        }
        Files.writeString(prepared, text, StandardCharsets.US_ASCII);
        double[] times = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            if (backend.equals("ipset")) {
                node.run("ipset", "restore", "-f", prepared.toString()).check();
                node.run("ipset", "swap", "floor-next", "floor-live").check();
                times[round] = FirewallBench.seconds(start);
                node.run("ipset", "destroy", "floor-next").check();
            } else {
                node.run("nft", "-f", prepared.toString()).check();
                times[round] = FirewallBench.seconds(start);
                node.run("nft", "delete", "table", "inet", "floor").check(); // into an empty set each round
            }
        }
        if (backend.equals("ipset")) {
            node.run("ipset", "destroy", "floor-live").check();
        }
        Files.delete(prepared);
        return FirewallBench.median(times);
    }

    /** The drift check on an intact node (wall and CPU, 20 checks) and the repair of a flushed chain. */
    static String driftRow(NetNs node, String backend, Firewall firewall, int entries) throws Exception {
        int checks = 20;
        long cpuBefore = cpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < checks; i++) {
            if (!firewall.repair().isEmpty()) {
                throw new IllegalStateException("an intact node reported drift");
            }
        }
        double wall = FirewallBench.seconds(start) / checks;
        double cpu = (cpuNanos() - cpuBefore) / 1e9 / checks;
        if (backend.equals("ipset")) {
            node.run("iptables-nft", "-t", "raw", "-F", Naming.of("bench", "backend").chain()).check();
        } else {
            // Deleted, not flushed: above 100,000 entries the check does not list rules (see NftDriftCheck).
            node.run("nft", "delete", "chain", "inet", Naming.of("bench", "backend").nftTable(), "prerouting").check();
        }
        start = System.nanoTime();
        List<String> found = firewall.repair();
        double repair = FirewallBench.seconds(start);
        if (found.isEmpty()) {
            throw new IllegalStateException("the flushed chain was not found");
        }
        return String.format("| %s | %,d entries | %.1f ms | %.1f ms | %.1f s | %.3f s |", backend, entries,
                wall * 1000, cpu * 1000, cpu * 360, repair);
    }

    /** This JVM's CPU time and that of the children it waited for (the ipset, iptables and nft runs). */
    static long cpuNanos() throws Exception {
        String[] stat = Files.readString(Path.of("/proc/self/stat")).substring(
                Files.readString(Path.of("/proc/self/stat")).lastIndexOf(')') + 2).split(" ");
        // Fields 14-17 of proc(5) (utime, stime, cutime, cstime) are 11-14 here, counted from the state field (3).
        long ticks = 0;
        for (int field = 11; field <= 14; field++) {
            ticks += Long.parseLong(stat[field]);
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }
}
