package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.FirewallException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * This blocklist's chain and its one jump, in one family and one table, as kube-proxy writes its rules: one listing
 * ({@code iptables -S}) tells what is there, and what must change goes in one {@code iptables-restore --noflush}
 * input, which the kernel takes whole or not at all. The chain is declared (which empties it) and filled in the same
 * commit, so its DROP rule is there at every moment; a jump of another form (an older agent's, a second one left by
 * one that was killed) is deleted in the commit that inserts the right one.
 */
final class IptablesRules {
    private final Commands commands;
    private final Naming names;
    private final IptablesFlavour flavour;
    private final CreatedTables createdTables;
    private final RuleSpecs specs;

    IptablesRules(Commands commands, Naming names, IptablesFlavour flavour, CreatedTables createdTables) {
        this.commands = commands;
        this.names = names;
        this.flavour = flavour;
        this.createdTables = createdTables;
        this.specs = new RuleSpecs(names);
    }

    static String table(boolean prerouting) {
        return prerouting ? "raw" : "filter";
    }

    static String hook(boolean prerouting) {
        return prerouting ? "PREROUTING" : "INPUT";
    }

    /** The chain and the jump as wanted, in one commit when anything differs. */
    void ensure(boolean v6, boolean prerouting, EnforcementSpec.BlockedLog log) {
        List<String> rules = listing(v6, prerouting).check().output().lines().toList();
        List<String> wrong = differences(rules, v6, prerouting, log);
        if (wrong.isEmpty()) {
            return;
        }
        if (!rules.contains("-N " + names.chain()) && flavour == IptablesFlavour.NFT) {
            createdTables.noteBeforeCreating(v6 ? "ip6" : "ip", table(prerouting));
        }
        String live = v6 ? names.live6() : names.live4();
        StringBuilder input = new StringBuilder("*" + table(prerouting) + "\n:" + names.chain() + " - [0:0]\n");
        for (String[] rule : specs.chain(live, log)) {
            input.append("-A ").append(names.chain()).append(' ').append(RuleSpecs.render(rule)).append('\n');
        }
        String wanted = jumpLine(v6, prerouting);
        List<String> jumps = jumps(rules, prerouting);
        boolean keep = jumps.contains(wanted);
        boolean kept = false;
        for (String jump : jumps) {
            if (keep && !kept && jump.equals(wanted)) {
                kept = true;
            } else {
                input.append("-D").append(jump.substring(2)).append('\n'); // as printed: restore reads the quotes
            }
        }
        if (!keep) {
            input.append("-I ").append(hook(prerouting)).append(" 1 ").append(wanted.substring(3 + hook(prerouting)
                    .length())).append('\n');
        }
        restore(v6, input.append("COMMIT\n").toString());
    }

    /**
     * What differs from the wanted chain and jump (empty when all is in place), from one listing of the table:
     * the drift check's look at the rules.
     */
    List<String> differences(List<String> rules, boolean v6, boolean prerouting, EnforcementSpec.BlockedLog log) {
        List<String> wrong = new ArrayList<>();
        String family = v6 ? "IPv6" : "IPv4";
        if (!rules.contains("-N " + names.chain())) {
            wrong.add("the " + family + " chain " + names.chain() + " is missing from " + table(prerouting));
        } else if (!chainLines(rules).equals(wantedChain(v6, log))) {
            wrong.add("the " + family + " chain " + names.chain() + " does not hold its rules");
        }
        List<String> jumps = jumps(rules, prerouting);
        if (!jumps.equals(List.of(jumpLine(v6, prerouting)))) {
            wrong.add(jumps.isEmpty() ? "the " + family + " jump from " + hook(prerouting) + " is missing"
                    : "the " + family + " jumps from " + hook(prerouting) + " are " + jumps.size() + " or of another "
                            + "form");
        }
        return wrong;
    }

    /** The table's rules as {@code iptables -S} prints them. */
    Commands.Result listing(boolean v6, boolean prerouting) {
        return commands.run(flavour.binary(v6), "-w", "10", "-t", table(prerouting), "-S");
    }

    /** Takes the jumps and the chain out of one table, in one commit; nothing is run when none of it is there. */
    void remove(boolean v6, boolean prerouting) {
        Commands.Result listing = listing(v6, prerouting);
        if (!listing.ok() || !listing.output().contains(names.chain())) {
            return; // nothing of ours in this table (the usual case for the hook not in use)
        }
        List<String> rules = listing.output().lines().toList();
        StringBuilder input = new StringBuilder("*" + table(prerouting) + "\n");
        boolean chain = rules.contains("-N " + names.chain());
        if (chain) {
            input.append(':').append(names.chain()).append(" - [0:0]\n");
        }
        for (String jump : jumps(rules, prerouting)) {
            input.append("-D").append(jump.substring(2)).append('\n');
        }
        if (chain) {
            input.append("-X ").append(names.chain()).append('\n');
        }
        restore(v6, input.append("COMMIT\n").toString());
    }

    private String jumpLine(boolean v6, boolean prerouting) {
        return "-A " + hook(prerouting) + " " + RuleSpecs.render(specs.jump(v6 ? names.live6() : names.live4()));
    }

    private List<String> wantedChain(boolean v6, EnforcementSpec.BlockedLog log) {
        return specs.chain(v6 ? names.live6() : names.live4(), log).stream()
                .map(rule -> "-A " + names.chain() + " " + RuleSpecs.render(rule)).toList();
    }

    private List<String> chainLines(List<String> rules) {
        return rules.stream().filter(l -> l.startsWith("-A " + names.chain() + " ")).toList();
    }

    private List<String> jumps(List<String> rules, boolean prerouting) {
        return rules.stream().filter(l -> l.startsWith("-A " + hook(prerouting) + " ")
                && l.endsWith("-j " + names.chain())).toList();
    }

    private void restore(boolean v6, String input) {
        Commands.Result result = commands.run(out -> out.write(input.getBytes(StandardCharsets.UTF_8)),
                flavour.restore(v6), "-w", "10", "--noflush");
        if (!result.ok()) {
            throw new FirewallException(flavour.restore(v6) + " failed, the rules are as they were: "
                    + result.output().strip() + "\n" + input);
        }
    }

    /** The exact DROP counts of the chain (the first column of its DROP rules), -1 when it cannot be listed. */
    long dropped(boolean v6, boolean prerouting) {
        Commands.Result listing = commands.run(flavour.binary(v6), "-w", "10", "-t", table(prerouting), "-L",
                names.chain(), "-v", "-x", "-n");
        if (!listing.ok()) {
            return -1;
        }
        return listing.output().lines().map(String::strip).filter(l -> l.matches("\\d+\\s+\\d+\\s+DROP\\s.*"))
                .mapToLong(l -> Long.parseLong(l.split("\\s+")[0])).sum();
    }
}
