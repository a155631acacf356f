package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.Firewall;
import com.sikkerapi.guard.firewall.FirewallException;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import com.sikkerapi.guard.net.Ipv4RangeSet;
import com.sikkerapi.guard.net.Ipv6RangeSet;
import java.util.List;
import java.nio.charset.StandardCharsets;

/**
 * ipset {@code hash:net} sets (one per family) and a chain of our own (its rules: RuleSpecs), entered by exactly one
 * jump rule that matches the set, in raw PREROUTING (before conntrack and kube-proxy's DNAT, so NodePorts, hostPorts
 * and pods are covered) or filter INPUT (host processes only). A new list is loaded into a fresh set sized for it and swapped with the live one in
 * the same {@code ipset restore} process: the kernel switches between two complete lists, never through a partial
 * one, and a failure before the swap leaves the live set as it was.
 */
public final class IpsetFirewall implements Firewall {
    /** ipset's own default; a larger list needs a larger maxelem, or restore stops half-way with "Hash is full". */
    static final long DEFAULT_MAXELEM = 65_536;

    private final Commands commands;
    private final Naming names;
    private final IptablesFlavour flavour;
    private final CreatedTables createdTables;
    private final long maxelemOverride;
    private final RuleSpecs specs;
    private Applied verified;

    /** @param stateDir where to remember the nf_tables tables this blocklist created (kept across restarts) */
    public IpsetFirewall(Commands commands, Naming names, IptablesFlavour flavour, java.nio.file.Path stateDir) {
        this(commands, names, flavour, stateDir, 0);
    }

    /** @param maxelemOverride a fixed maxelem (tests use it to make a load fail); 0 sizes the set from the list */
    IpsetFirewall(Commands commands, Naming names, IptablesFlavour flavour, java.nio.file.Path stateDir,
            long maxelemOverride) {
        this.commands = commands;
        this.names = names;
        this.flavour = flavour;
        this.createdTables = new CreatedTables(commands, stateDir.resolve("created-tables"));
        this.maxelemOverride = maxelemOverride;
        this.specs = new RuleSpecs(names);
    }

    public Naming names() {
        return names;
    }

    @Override
    public void apply(AddressSet list, EnforcementSpec enforcement) {
        if (verified == null) {
            applyChecked(list, enforcement, null);
            return;
        }
        try {
            applyChecked(list, enforcement, verified);
        } catch (FirewallException e) {
            // Something changed under us (an admin destroyed a set, a firewall reload): look at everything again.
            verified = null;
            applyChecked(list, enforcement, null);
        }
    }

    /**
     * @param known what the last apply of this agent left, so that steady-state cycles skip the checks whose answer
     *        cannot have changed (the set listing, the other hook's table, an empty IPv6 load); null checks all,
     *        as an agent adopting what a predecessor left must
     */
    private void applyChecked(AddressSet list, EnforcementSpec enforcement, Applied known) {
        verified = null;
        boolean ipv6 = Boolean.TRUE.equals(enforcement.getIpv6());
        boolean prerouting = enforcement.getHook() != EnforcementSpec.Hook.INPUT;
        java.util.Set<String> sets = known != null ? known.sets()
                : java.util.Set.copyOf(commands.run("ipset", "list", "-n").check().output().lines().toList());
        load(sets, false, list.v4().cidrCount(), out -> CidrWriter.write(new AddressSet(list.v4(), Ipv6RangeSet.EMPTY),
                out, add(names.next4())));
        int v6Count = list.v6().cidrCount();
        boolean v6Unchanged = known != null && known.ipv6() && known.v6Count() == 0 && v6Count == 0;
        if (ipv6 && !v6Unchanged) {
            load(sets, true, v6Count, out -> CidrWriter.write(new AddressSet(Ipv4RangeSet.EMPTY, list.v6()), out,
                    add(names.next6())));
        }
        boolean sameHook = known != null && known.prerouting() == prerouting && known.ipv6() == ipv6;
        for (boolean v6 : new boolean[] {false, true}) {
            if (v6 && !ipv6) {
                if (!sameHook) {
                    removeRules(true, true);
                    removeRules(true, false);
                    destroySets(true);
                }
                continue;
            }
            // The jump is checked every time (a flushed chain is repaired); the other hook only when it may hold ours.
            ensureRules(v6, prerouting, enforcement.getBlockedLog());
            if (!sameHook) {
                removeRules(v6, !prerouting);
            }
        }
        verified = new Applied(prerouting, ipv6, v6Count, ipv6 ? java.util.Set.of(names.live4(), names.live6())
                : java.util.Set.of(names.live4()));
    }

    /** What this agent's last successful apply left in the kernel. */
    private record Applied(boolean prerouting, boolean ipv6, int v6Count, java.util.Set<String> sets) {
    }

    private void load(java.util.Set<String> sets, boolean v6, int count, Commands.Input entries) {
        String live = v6 ? names.live6() : names.live4();
        String next = v6 ? names.next6() : names.next4();
        String family = v6 ? "inet6" : "inet";
        if (!sets.contains(live)) {
            commands.run("ipset", "create", live, "hash:net", "family", family).check();
        }
        if (sets.contains(next)) {
            commands.run("ipset", "destroy", next); // left over by an agent that died mid-load
        }
        long maxelem = maxelemOverride > 0 ? maxelemOverride : Math.max(DEFAULT_MAXELEM, count + count / 4);
        long hashsize = Long.highestOneBit(Math.max(1024, count / 2));
        String header = "create " + next + " hash:net family " + family + " hashsize " + hashsize + " maxelem "
                + maxelem + "\n";
        Commands.Result result = commands.run(out -> {
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            entries.writeTo(out);
            out.write(("swap " + next + " " + live + "\ndestroy " + next + "\n").getBytes(StandardCharsets.US_ASCII));
        }, "ipset", "restore");
        if (!result.ok()) {
            commands.run("ipset", "destroy", next);
            throw new FirewallException("loading " + count + " entries into " + live + " failed, the live set is "
                    + "unchanged: " + result.output().strip());
        }
    }

    private static byte[] add(String set) {
        return ("add " + set + " ").getBytes(StandardCharsets.US_ASCII);
    }

    private void ensureRules(boolean v6, boolean prerouting, EnforcementSpec.BlockedLog log) {
        String table = prerouting ? "raw" : "filter";
        String hook = prerouting ? "PREROUTING" : "INPUT";
        String live = v6 ? names.live6() : names.live4();
        // One listing of the table tells what exists; commands run only for what is missing.
        List<String> rules = iptables(v6, "-t", table, "-S").check().output().lines().toList();
        if (!rules.contains("-N " + names.chain())) {
            if (flavour == IptablesFlavour.NFT) {
                createdTables.noteBeforeCreating(v6 ? "ip6" : "ip", table);
            }
            iptables(v6, "-t", table, "-N", names.chain()).check();
        }
        // The chain's rules in order: each missing one is inserted at its place, then what an older configuration
        // left is deleted from the end, so the DROP rule is in the chain at every moment.
        List<String[]> desired = specs.chain(live, log == null ? EnforcementSpec.BlockedLog.NFLOG : log);
        List<String> actual = new java.util.ArrayList<>(rules.stream()
                .filter(l -> l.startsWith("-A " + names.chain() + " ")).toList());
        for (int i = 0; i < desired.size(); i++) {
            String want = "-A " + names.chain() + " " + RuleSpecs.render(desired.get(i));
            if (i < actual.size() && actual.get(i).equals(want)) {
                continue;
            }
            iptables(v6, RuleSpecs.concat(new String[] {"-t", table, "-I", names.chain(), Integer.toString(i + 1)},
                    desired.get(i))).check();
            actual.add(i, want);
        }
        for (int n = actual.size(); n > desired.size(); n--) {
            iptables(v6, "-t", table, "-D", names.chain(), Integer.toString(n)).check();
        }
        // Exactly one jump, in its current form; any other (a second one left by an agent killed between two
        // steps, an older form) goes only once the right one is in place, so blocking never pauses.
        String[] jump = specs.jump(live);
        String wanted = "-A " + hook + " " + RuleSpecs.render(jump);
        List<String> jumps = jumps(rules, hook);
        boolean present = jumps.contains(wanted);
        if (!present) {
            iptables(v6, RuleSpecs.concat(new String[] {"-t", table, "-I", hook, "1"}, jump)).check();
        }
        boolean kept = false;
        for (String line : jumps) {
            if (present && !kept && line.equals(wanted)) {
                kept = true;
                continue;
            }
            deleteRule(v6, table, hook, line);
        }
    }

    private List<String> jumps(List<String> rules, String hook) {
        return rules.stream().filter(l -> l.startsWith("-A " + hook + " ") && l.endsWith("-j " + names.chain()))
                .toList();
    }

    /** Deletes a rule by the specification `iptables -S` printed for it. */
    private void deleteRule(boolean v6, String table, String hook, String printed) {
        List<String> args = new java.util.ArrayList<>(List.of("-t", table, "-D", hook));
        args.addAll(RuleSpecs.unquote(printed.substring(("-A " + hook + " ").length())));
        iptables(v6, args.toArray(String[]::new)).check();
    }

    private void removeRules(boolean v6, boolean prerouting) {
        String table = prerouting ? "raw" : "filter";
        String hook = prerouting ? "PREROUTING" : "INPUT";
        Commands.Result listing = iptables(v6, "-t", table, "-S");
        if (!listing.ok() || !listing.output().contains(names.chain())) {
            return; // nothing of ours in this table (the usual case for the hook not in use)
        }
        List<String> rules = listing.output().lines().toList();
        for (String jump : jumps(rules, hook)) {
            deleteRule(v6, table, hook, jump);
        }
        if (rules.contains("-N " + names.chain())) {
            iptables(v6, "-t", table, "-F", names.chain()).check();
            iptables(v6, "-t", table, "-X", names.chain()).check();
        }
    }

    private void destroySets(boolean v6) {
        for (String set : v6 ? new String[] {names.live6(), names.next6()} : new String[] {names.live4(), names.next4()}) {
            if (commands.run("ipset", "list", "-n", set).ok()) {
                commands.run("ipset", "destroy", set).check();
            }
        }
    }

    @Override
    public boolean exists() {
        return commands.run("ipset", "list", "-n", names.live4()).ok() || commands.run("ipset", "list", "-n",
                names.live6()).ok();
    }

    @Override
    public long[] liveEntries() {
        return new long[] {entries(names.live4()), entries(names.live6())};
    }

    @Override
    public long droppedPackets() {
        Applied applied = verified;
        if (applied == null) {
            return -1;
        }
        long total = 0;
        for (boolean v6 : applied.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            // -L -v -x: exact counters; the DROP rule's first column is its packet count.
            Commands.Result listing = iptables(v6, "-t", applied.prerouting() ? "raw" : "filter", "-L", names.chain(),
                    "-v", "-x", "-n");
            if (!listing.ok()) {
                return -1;
            }
            total += listing.output().lines().map(String::strip).filter(l -> l.matches("\\d+\\s+\\d+\\s+DROP\\s.*"))
                    .mapToLong(l -> Long.parseLong(l.split("\\s+")[0])).sum();
        }
        return total;
    }

    private long entries(String set) {
        Commands.Result result = commands.run("ipset", "list", "-t", set);
        if (!result.ok()) {
            return -1;
        }
        return result.output().lines().filter(l -> l.startsWith("Number of entries:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(-1);
    }

    @Override
    public void remove() {
        verified = null;
        // Rules first: a set that a rule still references cannot be destroyed.
        for (boolean v6 : new boolean[] {false, true}) {
            removeRules(v6, true);
            removeRules(v6, false);
        }
        destroySets(false);
        destroySets(true);
        createdTables.deleteIfEmpty();
    }

    private Commands.Result iptables(boolean v6, String... args) {
        return commands.run(RuleSpecs.concat(new String[] {flavour.binary(v6), "-w", "10"}, args));
    }
}
