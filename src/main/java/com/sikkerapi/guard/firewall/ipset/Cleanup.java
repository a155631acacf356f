package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.firewall.Commands;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes everything any sikkerguard agent could have made on a node, whatever blocklist it was for: every jump to a
 * SIKKERGUARD- chain in raw PREROUTING and filter INPUT, those chains, and every sg- set, in both families and with
 * both iptables variants. For admins cleaning a node by hand (an agent removes its own objects itself).
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
                    List<String> chains = new ArrayList<>();
                    for (String rule : rules.output().lines().toList()) {
                        if (rule.startsWith("-A " + hook[1] + " ") && rule.contains("-j " + Naming.CHAIN_PREFIX)) {
                            List<String> delete = new ArrayList<>(List.of(iptables, "-w", "10", "-t", hook[0], "-D"));
                            delete.addAll(RuleSpecs.unquote(rule.substring(3)));
                            commands.run(delete.toArray(String[]::new)).check();
                            removed.add(iptables + " " + hook[0] + ": " + rule);
                        } else if (rule.startsWith("-N " + Naming.CHAIN_PREFIX)) {
                            chains.add(rule.substring(3).strip());
                        }
                    }
                    for (String chain : chains) {
                        commands.run(iptables, "-w", "10", "-t", hook[0], "-F", chain).check();
                        commands.run(iptables, "-w", "10", "-t", hook[0], "-X", chain).check();
                        removed.add(iptables + " " + hook[0] + ": chain " + chain);
                    }
                }
            }
        }
        for (String set : commands.run("ipset", "list", "-n").output().lines().toList()) {
            if (set.startsWith(Naming.SET_PREFIX)) {
                commands.run("ipset", "destroy", set).check();
                removed.add("ipset " + set);
            }
        }
        return removed;
    }

    /** The legacy tables the kernel has registered, read without registering any (unlike any iptables call). */
    private static boolean legacyTableExists(Commands commands, boolean v6, String table) {
        Commands.Result names = commands.run("cat", v6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names");
        return names.ok() && names.output().lines().anyMatch(table::equals);
    }
}
