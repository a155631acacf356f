package com.sikkerapi.guard.firewall.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.Firewall;
import com.sikkerapi.guard.firewall.FirewallException;
import com.sikkerapi.guard.firewall.ipset.Naming;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Ipv6RangeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The native nftables backend: one table of this blocklist's own in the {@code inet} family, with an interval set per
 * family, named DROP counters and one base chain, at raw priority on prerouting or at filter priority on input (the
 * enforcement hook). Every apply is one {@code nft -f} transaction ({@link NftScript}): the kernel takes all of it or
 * none, so packets meet the old list or the new one, a hook change moves the chain without a gap, and a failure
 * leaves everything as it was. The counters are named objects, so they survive the rule rewrites; removal deletes the
 * table, which holds nothing else.
 */
public final class NftablesFirewall implements Firewall {
    private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");

    private final Commands commands;
    private final Naming names;
    private final String table;

    public NftablesFirewall(Commands commands, Naming names) {
        this.commands = commands;
        this.names = names;
        this.table = names.nftTable();
    }

    public Naming names() {
        return names;
    }

    @Override
    public void apply(AddressSet list, EnforcementSpec enforcement) {
        boolean ipv6 = Boolean.TRUE.equals(enforcement.getIpv6());
        AddressSet enforced = ipv6 ? list : new AddressSet(list.v4(), Ipv6RangeSet.EMPTY);
        NftScript script = new NftScript(table, names, enforcement.getHook() != EnforcementSpec.Hook.INPUT, ipv6,
                enforcement.getBlockedLog() == null ? EnforcementSpec.BlockedLog.NFLOG : enforcement.getBlockedLog());
        Commands.Result result = commands.run(out -> script.write(enforced, out), "nft", "-f", "-");
        if (!result.ok()) {
            throw new FirewallException("the nft transaction of " + list.cidrCountV4() + " IPv4 and "
                    + enforced.cidrCountV6() + " IPv6 entries failed, nothing changed: " + result.output().strip());
        }
    }

    @Override
    public boolean exists() {
        return commands.run("nft", "list", "table", "inet", table).ok();
    }

    @Override
    public long[] liveEntries() {
        return new long[] {elements(NftScript.SET4), elements(NftScript.SET6)};
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

    @Override
    public long droppedPackets() {
        long total = 0;
        for (String counter : new String[] {NftScript.DROPPED4, NftScript.DROPPED6}) {
            Commands.Result listing = commands.run("nft", "list", "counter", "inet", table, counter);
            Matcher packets = PACKETS.matcher(listing.output());
            if (!listing.ok() || !packets.find()) {
                return -1;
            }
            total += Long.parseLong(packets.group(1));
        }
        return total;
    }

    @Override
    public void remove() {
        if (exists()) {
            commands.run("nft", "delete", "table", "inet", table).check();
        }
    }
}
