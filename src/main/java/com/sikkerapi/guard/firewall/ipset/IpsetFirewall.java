package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.Firewall;
import com.sikkerapi.guard.firewall.FirewallException;
import com.sikkerapi.guard.firewall.LiveList;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import com.sikkerapi.guard.net.Cidrs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * ipset {@code hash:net} sets (one per family) and a chain of our own ({@link IptablesRules}), entered by exactly one
 * jump rule that matches the set, in raw PREROUTING (before conntrack and kube-proxy's DNAT, so NodePorts, hostPorts
 * and pods are covered) or filter INPUT (host processes only). A new list is loaded into a fresh set sized for it and
 * swapped with the live one in the same {@code ipset restore} process: the kernel switches between two complete
 * lists, never through a partial one, and a failure before the swap leaves the live set as it was. A small change to
 * the list in place goes in as {@code add} lines, then {@code del} lines, in one {@code ipset restore}: an address
 * both lists hold is in the set throughout (under its new CIDR before its old one goes).
 */
public final class IpsetFirewall implements Firewall {
    private static final Logger LOG = Logger.getLogger(IpsetFirewall.class);
    /** ipset's own default; a larger list needs a larger maxelem, or restore stops half-way with "Hash is full". */
    static final long DEFAULT_MAXELEM = 65_536;

    private final Commands commands;
    private final Naming names;
    private final CreatedTables createdTables;
    private final IptablesRules rules;
    private final long maxelemOverride;
    /** What this agent's last successful apply left; null until then. */
    private LiveList live;
    /** The live sets' maxelem (IPv4, IPv6) as this agent created them: an incremental update stays within it. */
    private final long[] capacity = new long[2];

    /** @param stateDir where to remember the nf_tables tables this blocklist created (kept across restarts) */
    public IpsetFirewall(Commands commands, Naming names, IptablesFlavour flavour, java.nio.file.Path stateDir) {
        this(commands, names, flavour, stateDir, 0);
    }

    /** @param maxelemOverride a fixed maxelem (tests use it to make a load fail); 0 sizes the set from the list */
    IpsetFirewall(Commands commands, Naming names, IptablesFlavour flavour, java.nio.file.Path stateDir,
            long maxelemOverride) {
        this.commands = commands;
        this.names = names;
        this.createdTables = new CreatedTables(commands, stateDir.resolve("created-tables"));
        this.rules = new IptablesRules(commands, names, flavour, createdTables);
        this.maxelemOverride = maxelemOverride;
    }

    public Naming names() {
        return names;
    }

    @Override
    public Change apply(AddressSet list, EnforcementSpec enforcement) {
        // The check that the kernel still holds the live list (a walk of the set's hash for its count, mostly kernel
        // time) runs beside the computation of the difference, the agent's own: 15 ms less at a million entries.
        LiveList applied = live;
        CompletableFuture<Boolean> intact = CompletableFuture.supplyAsync(() -> {
            try {
                return applied != null && drift(applied).isEmpty();
            } catch (FirewallException e) {
                return false; // in doubt: the whole list is loaded, and says what fails
            }
        });
        LiveList next = LiveList.of(list, enforcement);
        Cidrs.Difference difference = LiveList.incremental(applied, next, enforcement);
        if (intact.join() && difference != null && fits(applied, difference) && samePrefixLengths(next)) {
            try {
                update(difference);
                live = next;
                return new Change(true, difference.removed().size(), difference.added().size());
            } catch (FirewallException e) {
                LOG.warnf("The incremental update failed (%s); loading the whole list", e.getMessage());
            }
        }
        live = null;
        load(next);
        live = next;
        return Change.full(next.entries().size());
    }

    /**
     * Whether the difference stays within the live sets' maxelem: its additions go in before its deletions, so the
     * set holds both lists' entries for a moment (beyond maxelem the kernel stops the restore half-way).
     */
    private boolean fits(LiveList from, Cidrs.Difference difference) {
        return from.entries().sizeV4() + difference.added().sizeV4() <= capacity[0]
                && (!from.ipv6() || from.entries().sizeV6() + difference.added().sizeV6() <= capacity[1]);
    }

    /**
     * Whether each family's set keeps the prefix lengths it has. A hash:net set keeps a sorted array of the prefix
     * lengths it holds, and a lookup walks it without a lock; an add of a new length or a delete of a length's last
     * entry shifts it under a concurrent lookup, which can then miss a length: under a flood, one packet of an
     * address that stayed listed (its /32 replaced by a /30) passed such an update. A change of lengths is swapped
     * in whole, as the kernel swaps two complete sets.
     */
    private boolean samePrefixLengths(LiveList next) {
        return live.entries().prefixLengths(false).equals(next.entries().prefixLengths(false))
                && live.entries().prefixLengths(true).equals(next.entries().prefixLengths(true));
    }

    /** The additions first, then the deletions, in one restore: a listed address is never out of the set. */
    private void update(Cidrs.Difference difference) {
        Commands.Result result = commands.run(out -> {
            CidrWriter.write(difference.added().family(false), out, line("add", names.live4()));
            CidrWriter.write(difference.added().family(true), out, line("add", names.live6()));
            CidrWriter.write(difference.removed().family(false), out, line("del", names.live4()));
            CidrWriter.write(difference.removed().family(true), out, line("del", names.live6()));
        }, "ipset", "restore");
        if (!result.ok()) {
            throw new FirewallException("ipset restore of the difference failed: " + result.output().strip());
        }
    }

    /** Everything anew: each family's set loaded and swapped, then the rules of both hooks as the spec wants them. */
    private void load(LiveList next) {
        Set<String> sets = Set.copyOf(commands.run("ipset", "list", "-n").check().output().lines().toList());
        capacity[0] = loadSet(sets, false, next.entries().family(false));
        if (next.ipv6()) {
            capacity[1] = loadSet(sets, true, next.entries().family(true));
        }
        for (boolean v6 : new boolean[] {false, true}) {
            if (v6 && !next.ipv6()) {
                rules.remove(true, true);
                rules.remove(true, false);
                destroySets(true);
                continue;
            }
            rules.ensure(v6, next.prerouting(), next.log());
            rules.remove(v6, !next.prerouting());
        }
    }

    /** @return the maxelem of the set now live */
    private long loadSet(Set<String> sets, boolean v6, Cidrs entries) {
        String live = v6 ? names.live6() : names.live4();
        String next = v6 ? names.next6() : names.next4();
        String family = v6 ? "inet6" : "inet";
        int count = entries.size();
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
            CidrWriter.write(entries, out, line("add", next));
            out.write(("swap " + next + " " + live + "\ndestroy " + next + "\n").getBytes(StandardCharsets.US_ASCII));
        }, "ipset", "restore");
        if (!result.ok()) {
            commands.run("ipset", "destroy", next);
            throw new FirewallException("loading " + count + " entries into " + live + " failed, the live set is "
                    + "unchanged: " + result.output().strip());
        }
        return maxelem;
    }

    private static byte[] line(String command, String set) {
        return (command + " " + set + " ").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean adopt(AddressSet list, EnforcementSpec enforcement) {
        capacity[0] = header(names.live4())[1];
        capacity[1] = header(names.live6())[1];
        live = LiveList.of(list, enforcement);
        if (drift(live).isEmpty()) {
            return true;
        }
        live = null;
        return false;
    }

    @Override
    public List<String> repair() {
        List<String> drift = live == null ? List.of() : drift(live);
        if (!drift.isEmpty()) {
            LiveList again = live;
            live = null;
            load(again);
            live = again;
        }
        return drift;
    }

    /**
     * What of the last apply is no longer as it left it: each live set's existence and entry count ({@code ipset
     * list -t}, no entries listed) and each family's rules (one {@code iptables -S} of the table).
     */
    private List<String> drift(LiveList applied) {
        List<String> drift = new ArrayList<>();
        for (boolean v6 : applied.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            String set = v6 ? names.live6() : names.live4();
            long expected = v6 ? applied.entries().sizeV6() : applied.entries().sizeV4();
            long actual = entries(set);
            if (actual != expected) {
                drift.add(actual < 0 ? "the set " + set + " is missing"
                        : "the set " + set + " holds " + actual + " entries instead of " + expected);
            }
            Commands.Result listing = rules.listing(v6, applied.prerouting());
            drift.addAll(listing.ok() ? rules.differences(listing.output().lines().toList(), v6, applied.prerouting(),
                    applied.log()) : List.of("the " + IptablesRules.table(applied.prerouting()) + " table cannot be "
                            + "listed: " + listing.output().strip()));
        }
        return drift;
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
        LiveList applied = live;
        if (applied == null) {
            return -1;
        }
        long total = 0;
        for (boolean v6 : applied.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            long dropped = rules.dropped(v6, applied.prerouting());
            if (dropped < 0) {
                return -1;
            }
            total += dropped;
        }
        return total;
    }

    private long entries(String set) {
        return header(set)[0];
    }

    /** A set's entry count and maxelem from {@code ipset list -t} (no entries listed); -1 each when it is absent. */
    private long[] header(String set) {
        Commands.Result result = commands.run("ipset", "list", "-t", set);
        long[] header = {-1, -1};
        if (!result.ok()) {
            return header;
        }
        for (String line : result.output().lines().toList()) {
            if (line.startsWith("Number of entries:")) {
                header[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            } else if (line.startsWith("Header:") && line.contains(" maxelem ")) {
                header[1] = Long.parseLong(line.substring(line.indexOf(" maxelem ") + 9).strip().split(" ")[0]);
            }
        }
        return header;
    }

    @Override
    public void remove() {
        live = null;
        // Rules first: a set that a rule still references cannot be destroyed.
        for (boolean v6 : new boolean[] {false, true}) {
            rules.remove(v6, true);
            rules.remove(v6, false);
        }
        destroySets(false);
        destroySets(true);
        createdTables.deleteIfEmpty();
    }
}
