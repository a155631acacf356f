package com.sikkerapi.guard.firewall.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.LiveList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The nftables backend's drift check: what of its last transactions is no longer in the kernel. */
final class NftDriftCheck {
    /**
     * Entries above which nothing here lists a rule, a counter or an element: nft 1.0.6 reads every element of the
     * table for any of them (0.4 s for 100,000, 17 s for a million), and the full check of 100,000 cost 0.82 s of CPU,
     * 8% of a core at a check every 10 s (BackendBench). At 10,000 it costs a tenth of that.
     */
    static final int LISTING_LIMIT = 10_000;

    private final Commands commands;
    private final String table;

    NftDriftCheck(Commands commands, String table) {
        this.commands = commands;
        this.table = table;
    }

    /** The table's chains, each with its hook ({@code prerouting hook prerouting}), from a listing without elements. */
    List<String> chains() {
        List<String> chains = new ArrayList<>();
        for (JsonNode item : listing("list", "chains", "inet")) {
            JsonNode chain = item.path("chain");
            if (chain.path("table").asText().equals(table)) {
                chains.add(chain.path("name").asText() + (chain.has("hook") ? " hook " + chain.path("hook")
                        .asText() : ""));
            }
        }
        return chains;
    }

    /** The names of the table's sets, from a listing without elements. */
    List<String> sets() {
        List<String> sets = new ArrayList<>();
        for (JsonNode item : listing("-t", "list", "sets", "inet")) {
            if (item.path("set").path("table").asText().equals(table)) {
                sets.add(item.path("set").path("name").asText());
            }
        }
        return sets;
    }

    /**
     * What of the last transactions is no longer as they left it. Always, from two listings nft answers without
     * reading any set's elements ({@code list chains}, {@code -t list sets}): the table, its chains with their hooks,
     * and the live slot's sets. Up to {@link #LISTING_LIMIT} entries also the rules (a terse listing of the table)
     * and a lookup of sample entries of each set (nft tells no element count short of listing them all): a chain or
     * a set flushed. Above it those are not looked at: nft 1.0.6 reads every element of the table to list any rule,
     * counter or element (17 s for a million, 0.4 s for 100,000, measured).
     */
    List<String> drift(LiveList applied, Character slot) {
        if (applied == null) {
            return List.of();
        }
        Map<String, List<String>> expected = expectedSignatures(applied, slot);
        List<String> chains = chains();
        List<String> expectedChains = expected.keySet().stream().map(c -> c.startsWith("listed") ? c : c + " hook " + c)
                .sorted().toList();
        List<String> drift = new ArrayList<>();
        if (chains.isEmpty()) {
            return List.of("the table inet " + table + " or its chains are missing");
        }
        if (!chains.stream().sorted().toList().equals(expectedChains)) {
            drift.add("the table's chains are " + chains + " instead of " + expectedChains);
        }
        List<String> sets = sets();
        for (boolean v6 : applied.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            for (boolean hosts : new boolean[] {true, false}) {
                if (!sets.contains(NftScript.set(v6, hosts, slot))) {
                    drift.add("the set " + NftScript.set(v6, hosts, slot) + " is missing");
                }
            }
        }
        if (drift.isEmpty() && applied.entries().size() <= LISTING_LIMIT) {
            drift.addAll(rulesAndElements(applied, slot, expected));
        }
        return drift;
    }

    /** The rules of each chain, and sample entries of each set looked up (the check of small tables). */
    private List<String> rulesAndElements(LiveList applied, char slot, Map<String, List<String>> expected) {
        Map<String, List<String>> rules = new TreeMap<>();
        for (JsonNode item : terse()) {
            if (item.has("rule")) {
                rules.computeIfAbsent(item.path("rule").path("chain").asText(), c -> new ArrayList<>())
                        .add(signature(item.path("rule")));
            }
        }
        expected.keySet().forEach(chain -> rules.putIfAbsent(chain, List.of()));
        List<String> drift = new ArrayList<>();
        if (!rules.equals(expected)) {
            drift.add("the chains hold " + rules + " instead of " + expected);
        }
        for (boolean v6 : applied.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            for (boolean hosts : new boolean[] {true, false}) {
                String set = NftScript.set(v6, hosts, slot);
                List<String> samples = applied.entries().family(v6).hosts(hosts).samples(v6);
                if (!samples.isEmpty() && !commands.run("nft", "get", "element", "inet", table, set,
                        "{ " + String.join(", ", samples) + " }").ok()) {
                    drift.add("the set " + set + " lacks entries it was given (flushed?)");
                }
            }
        }
        return drift;
    }

    /** The items of an nft JSON listing; none when it fails. */
    private JsonNode listing(String... command) {
        String[] full = new String[command.length + 2];
        full[0] = "nft";
        full[1] = "-j";
        System.arraycopy(command, 0, full, 2, command.length);
        Commands.Result result = commands.run(full);
        return result.ok() ? Json.read(result.output(), JsonNode.class).path("nftables")
                : Json.MAPPER.createArrayNode();
    }

    /** A rule as the drift check compares it: the set it matches and what it does (goto, log, drop). */
    private static String signature(JsonNode rule) {
        StringBuilder signature = new StringBuilder();
        for (JsonNode expr : rule.path("expr")) {
            if (expr.has("match")) {
                signature.append(expr.path("match").path("right").asText()).append(' ');
            } else if (expr.has("goto")) {
                signature.append("goto ").append(expr.path("goto").path("target").asText());
            } else if (expr.has("log")) {
                signature.append("log");
            } else if (expr.has("drop")) {
                signature.append("drop");
            }
        }
        return signature.toString();
    }

    /** Each chain the last transaction made, with its rules as {@link #signature} gives them. */
    static Map<String, List<String>> expectedSignatures(LiveList live, char slot) {
        Map<String, List<String>> expected = new TreeMap<>();
        List<String> base = new ArrayList<>();
        expected.put(NftScript.chain(live.prerouting()), base);
        for (boolean v6 : live.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            for (boolean hosts : new boolean[] {true, false}) {
                base.add("@" + NftScript.set(v6, hosts, slot) + " goto " + NftScript.listed(v6));
            }
            expected.put(NftScript.listed(v6), live.log() == EnforcementSpec.BlockedLog.NONE ? List.of("drop")
                    : List.of("log", "drop"));
        }
        return expected;
    }

    /** The table's terse listing (its counters, sets, chains and rules; elements read, not printed). */
    JsonNode terse() {
        return listing("-t", "list", "table", "inet", table);
    }
}
