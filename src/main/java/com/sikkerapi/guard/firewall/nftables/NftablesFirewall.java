package com.sikkerapi.guard.firewall.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.Firewall;
import com.sikkerapi.guard.firewall.FirewallException;
import com.sikkerapi.guard.firewall.LiveList;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidrs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The native nftables backend: one table of this blocklist's own in the {@code inet} family, with a host set and a
 * network set per family, named DROP counters and one base chain, at raw priority on prerouting or at filter priority
 * on input (the enforcement hook). A whole list goes into the other slot's sets in one {@code nft -f} transaction
 * ({@link NftScript}), and a second one points the rules at them and deletes the old slot's: packets meet the old list
 * or the new one, a hook change moves the chain without a gap, and a failure leaves everything as it was. A small
 * change to the list in place is a transaction of additions, then one of deletions, so that an address both lists
 * hold is listed throughout (one transaction when only single addresses change: none of them moves between sets);
 * its first transaction also looks up sample entries of the live sets ({@link NftDriftCheck#lookups}), so that it
 * never goes in on top of a set that was flushed meanwhile. The counters are named objects, so they survive the rule
 * rewrites; removal deletes the table, which holds nothing else.
 */
public final class NftablesFirewall implements Firewall {
    private static final Logger LOG = Logger.getLogger(NftablesFirewall.class);
    private final Commands commands;
    private final Naming names;
    private final String table;
    private final NftScript script;
    private final NftDriftCheck check;
    /** What this agent's last successful transaction left; null until then. */
    private LiveList live;
    /** The slot ('a' or 'b') whose sets the rules match; null until known. */
    private Character slot;

    public NftablesFirewall(Commands commands, Naming names) {
        this.commands = commands;
        this.names = names;
        this.table = names.nftTable();
        this.script = new NftScript(table, names);
        this.check = new NftDriftCheck(commands, table);
    }

    public Naming names() {
        return names;
    }

    @Override
    public Change apply(AddressSet list, EnforcementSpec enforcement) {
        LiveList next = LiveList.of(list, enforcement);
        Cidrs.Difference difference = LiveList.incremental(live, next, enforcement);
        NftDriftCheck.Ruleset now = difference == null ? null : check.ruleset();
        if (difference != null && check.structure(live, slot, now).isEmpty() && fits(now, live, difference, slot)) {
            LiveList from = live;
            char in = slot;
            // The first transaction looks up samples of the live sets too (one flushed meanwhile fails it, and the
            // whole list is loaded instead), as the deletion of each removed entry looks that one up.
            byte[] lookups = check.lookups(from, in, difference);
            Commands.Result result;
            if (NftScript.hostsOnly(difference)) {
                result = nft(out -> {
                    out.write(lookups);
                    script.additions(difference, from, next, in, out);
                    script.deletions(difference, next, in, out);
                });
            } else {
                result = nft(out -> {
                    out.write(lookups);
                    script.additions(difference, from, next, in, out);
                });
                if (result.ok()) {
                    result = nft(out -> script.deletions(difference, next, in, out));
                }
            }
            if (result.ok()) {
                live = next;
                return new Change(true, difference.removed().size(), difference.added().size());
            }
            LOG.warnf("The incremental transaction failed (%s); loading the whole list", result.output().strip());
        }
        live = null;
        load(next);
        return Change.full(next.entries().size());
    }

    /**
     * Whether the difference stays within the size of each live host set (see NftScript): the kernel counts an
     * addition against it before the deletions of the same transaction, so the set must have room for both lists'.
     */
    private static boolean fits(NftDriftCheck.Ruleset now, LiveList from, Cidrs.Difference difference, char slot) {
        for (boolean v6 : new boolean[] {false, true}) {
            long size = now.sets().getOrDefault(NftScript.set(v6, true, slot), 0L);
            if (size > 0 && from.entries().count(v6, true) + difference.added().count(v6, true) > size) {
                return false;
            }
        }
        return true;
    }

    /** The whole list into the other slot's sets, then the rules switched to them (see NftScript). */
    private void load(LiveList next) {
        char target = slot != null ? NftScript.other(slot)
                : liveSlot().map(NftScript::other).orElse('a');
        Commands.Result result = nft(out -> script.fill(next, target, out));
        if (result.ok()) {
            result = nft(out -> script.switchTo(next, target, out));
        }
        if (!result.ok()) {
            throw new FirewallException("the nft transactions of " + next.entries().sizeV4() + " IPv4 and "
                    + next.entries().sizeV6() + " IPv6 entries failed, the rules are as they were: "
                    + result.output().strip());
        }
        slot = target;
        live = next;
    }

    private Commands.Result nft(Commands.Input input) {
        return commands.run(input, "nft", "-f", "-");
    }

    /**
     * The slot whose sets exist, from a listing nft answers without reading elements; empty when neither's or both
     * slots' do (an agent stopped between a fill and its switch: either may be live, and a fill of either is safe,
     * being one transaction that flushes and refills its sets).
     */
    private Optional<Character> liveSlot() {
        Map<String, Long> sets = check.ruleset().sets();
        boolean a = sets.containsKey(NftScript.set(false, true, 'a'));
        boolean b = sets.containsKey(NftScript.set(false, true, 'b'));
        return a == b ? Optional.empty() : Optional.of(a ? 'a' : 'b');
    }

    @Override
    public boolean adopt(AddressSet list, EnforcementSpec enforcement) {
        slot = liveSlot().orElse(null);
        if (slot == null) {
            return false;
        }
        live = LiveList.of(list, enforcement);
        if (check.drift(live, slot).isEmpty()) {
            return true;
        }
        live = null;
        return false;
    }

    @Override
    public List<String> repair() {
        List<String> drift = check.drift(live, slot);
        if (!drift.isEmpty()) {
            LiveList again = live;
            live = null;
            load(again);
        }
        return drift;
    }

    /**
     * Whether the table has a chain or a set, from the terse listing (listing the tables, or the table, reads every
     * element of every set: 19 s with a million).
     */
    @Override
    public boolean exists() {
        return check.ruleset().exists();
    }

    @Override
    public long[] liveEntries() {
        long[] entries = {-1, -1};
        Character in = slot != null ? slot : liveSlot().orElse(null);
        if (in == null) {
            return entries;
        }
        for (boolean v6 : new boolean[] {false, true}) {
            long hosts = elements(NftScript.set(v6, true, in));
            long networks = elements(NftScript.set(v6, false, in));
            entries[v6 ? 1 : 0] = hosts < 0 || networks < 0 ? -1 : hosts + networks;
        }
        return entries;
    }

    /** Elements of one set as nft lists them (a CIDR or a range each), -1 when the set is absent. */
    private long elements(String set) {
        Commands.Result listing = commands.run("nft", "-j", "list", "set", "inet", table, set);
        if (!listing.ok()) {
            return -1;
        }
        for (JsonNode item : Json.read(listing.output(), JsonNode.class).path("nftables")) {
            if (item.has("set")) {
                return item.path("set").path("elem").size();
            }
        }
        return -1;
    }

    /** Both named counters, from the terse listing; -1 (unknown) unless both are there. */
    @Override
    public long droppedPackets() {
        Map<String, Long> counters = check.ruleset().counters();
        Long v4 = counters.get(NftScript.DROPPED4);
        Long v6 = counters.get(NftScript.DROPPED6);
        return v4 == null || v6 == null ? -1 : v4 + v6;
    }

    /** Every sikkerguard table in the inet family, of any blocklist, from the terse listing. */
    public static Set<String> tables(Commands commands) {
        Set<String> tables = new TreeSet<>();
        for (JsonNode item : NftDriftCheck.terse(commands)) {
            String table = item.path("table").path("name").asText();
            if (table.startsWith(Naming.NFT_TABLE_PREFIX)) {
                tables.add(table);
            }
        }
        return tables;
    }

    @Override
    public void remove() {
        live = null;
        slot = null;
        if (exists()) {
            commands.run("nft", "delete", "table", "inet", table).check();
        }
    }
}
