package com.sikkerapi.guard.firewall;

import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.nftables.NftablesFirewall;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes everything any sikkerguard agent could have made on a node, whatever blocklist it was for: every jump to a
 * SIKKERGUARD- chain in raw PREROUTING and filter INPUT, those chains, and every sg- set, in both families and with
 * both iptables variants, and every sikkerguard_ table of the nftables backend. For admins cleaning a node by hand (an agent removes its own objects itself).
 */
public final class Cleanup {
    private Cleanup() {
    }

    /** @return what was removed, one line each */
    public static List<String> run(Commands commands) {
        List<String> removed = new ArrayList<>();
        for (IptablesFlavour flavour : IptablesFlavour.values()) {
            for (boolean v6 : new boolean[] {false, true}) {
                String iptables = flavour.binary(v6);
                for (String[] hook : new String[][] {{"raw", "PREROUTING"}, {"filter", "INPUT"}}) {
                    if (flavour == IptablesFlavour.LEGACY && !legacyTableExists(commands, v6, hook[0])) {
                        continue; // listing it would register it: the node would not be as it was
                    }
                    Commands.Result rules = commands.run(iptables, "-w", "10", "-t", hook[0], "-S");
                    if (!rules.ok()) {
                        continue;
                    }
                    // One commit per table: each chain declared (emptied), the jumps to it deleted, the chain deleted.
                    List<String> chains = new ArrayList<>();
                    List<String> jumps = new ArrayList<>();
                    for (String rule : rules.output().lines().toList()) {
                        if (rule.startsWith("-A " + hook[1] + " ") && rule.contains("-j " + Naming.CHAIN_PREFIX)) {
                            jumps.add(rule);
                        } else if (rule.startsWith("-N " + Naming.CHAIN_PREFIX)) {
                            chains.add(rule.substring(3).strip());
                        }
                    }
                    if (chains.isEmpty() && jumps.isEmpty()) {
                        continue;
                    }
                    StringBuilder input = new StringBuilder("*" + hook[0] + "\n");
                    chains.forEach(chain -> input.append(':').append(chain).append(" - [0:0]\n"));
                    jumps.forEach(jump -> input.append("-D").append(jump.substring(2)).append('\n'));
                    chains.forEach(chain -> input.append("-X ").append(chain).append('\n'));
                    commands.run(out -> out.write(input.append("COMMIT\n").toString().getBytes(
                            java.nio.charset.StandardCharsets.UTF_8)), flavour.restore(v6), "-w", "10", "--noflush")
                            .check();
                    jumps.forEach(jump -> removed.add(iptables + " " + hook[0] + ": " + jump));
                    chains.forEach(chain -> removed.add(iptables + " " + hook[0] + ": chain " + chain));
                }
            }
        }
        for (String set : commands.run("ipset", "list", "-n").output().lines().toList()) {
            if (set.startsWith(Naming.SET_PREFIX)) {
                commands.run("ipset", "destroy", set).check();
                removed.add("ipset " + set);
            }
        }
        for (String name : NftablesFirewall.tables(commands)) {
            commands.run("nft", "delete", "table", "inet", name).check();
            removed.add("nft table inet " + name);
        }
        return removed;
    }

    /** The legacy tables the kernel has registered, read without registering any (unlike any iptables call). */
    private static boolean legacyTableExists(Commands commands, boolean v6, String table) {
        Commands.Result names = commands.run("cat", v6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names");
        return names.ok() && names.output().lines().anyMatch(table::equals);
    }
}
