package com.sikkerapi.guard.firewall.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.LiveList;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nftables backend's look at the kernel: what of its last transactions is no longer there, and its counters.
 * nft 1.0.6 reads every element of every set for most listings (a chain, a counter, a set, the table: 12 s and
 * 640 MB beside a million hosts, measured), and {@code nft monitor} keeps them all in memory too. Two things it
 * answers without reading any: the ruleset listed terse ({@code -t list ruleset}: tables, chains, sets without
 * elements, rules, counters; 0.00 s beside a million), and a check-only deletion of given elements ({@code -c
 * delete element}: the kernel looks each up and the transaction is dropped; it reads the interval sets' elements
 * only, so its cost grows with the networks listed, not the hosts).
 */
final class NftDriftCheck {
    /**
     * Networks (the interval sets' entries) up to which each check also looks up sample entries of every set: nft
     * reads the interval sets whole for that lookup (0.24 s for 50,000 networks, measured), a hundredth of a core
     * at a check every 10 s with 10,000. Hosts cost nothing there: a million as fast as ten.
     */
    static final int SAMPLE_LIMIT = 10_000;

    /** This table's objects as one terse listing shows them. */
    record Ruleset(List<String> chains, List<String> sets, Map<String, List<String>> rules,
            Map<String, Long> counters) {
        boolean exists() {
            return !chains.isEmpty() || !sets.isEmpty();
        }
    }

    private final Commands commands;
    private final String table;

    NftDriftCheck(Commands commands, String table) {
        this.commands = commands;
        this.table = table;
    }

    /** The table's chains (each with its hook: {@code prerouting hook prerouting}), sets, rules and counters. */
    Ruleset ruleset() {
        List<String> chains = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        Map<String, List<String>> rules = new TreeMap<>();
        Map<String, Long> counters = new TreeMap<>();
        for (JsonNode item : terse(commands)) {
            JsonNode object = item.elements().hasNext() ? item.elements().next() : item;
            if (!object.path("table").asText().equals(table)) {
                continue;
            }
            if (item.has("chain")) {
                chains.add(object.path("name").asText() + (object.has("hook") ? " hook " + object.path("hook")
                        .asText() : ""));
            } else if (item.has("set")) {
                sets.add(object.path("name").asText());
            } else if (item.has("rule")) {
                rules.computeIfAbsent(object.path("chain").asText(), c -> new ArrayList<>()).add(signature(object));
            } else if (item.has("counter")) {
                counters.put(object.path("name").asText(), object.path("packets").asLong());
            }
        }
        return new Ruleset(chains, sets, rules, counters);
    }

    /** The items of the inet family's terse ruleset listing (no set's elements read); none when it fails. */
    static JsonNode terse(Commands commands) {
        Commands.Result result = commands.run("nft", "-j", "-t", "list", "ruleset", "inet");
        return result.ok() ? Json.read(result.output(), JsonNode.class).path("nftables")
                : Json.MAPPER.createArrayNode();
    }

    /**
     * What of the last transactions is no longer as they left it: the table, its chains with their hooks, the live
     * slot's sets and every chain's rules, from one terse listing; up to {@link #SAMPLE_LIMIT} networks also sample
     * entries of each set looked up (a set flushed: nft tells no element count short of listing them all).
     */
    List<String> drift(LiveList applied, Character slot) {
        if (applied == null) {
            return List.of();
        }
        Ruleset now = ruleset();
        if (now.chains().isEmpty()) {
            return List.of("the table inet " + table + " or its chains are missing");
        }
        Map<String, List<String>> expected = expectedSignatures(applied, slot);
        List<String> expectedChains = expected.keySet().stream().map(c -> c.startsWith("listed") ? c : c + " hook " + c)
                .sorted().toList();
        List<String> drift = new ArrayList<>();
        if (!now.chains().stream().sorted().toList().equals(expectedChains)) {
            drift.add("the table's chains are " + now.chains() + " instead of " + expectedChains);
        }
        for (boolean v6 : applied.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            for (boolean hosts : new boolean[] {true, false}) {
                if (!now.sets().contains(NftScript.set(v6, hosts, slot))) {
                    drift.add("the set " + NftScript.set(v6, hosts, slot) + " is missing");
                }
            }
        }
        if (!drift.isEmpty()) {
            return drift;
        }
        Map<String, List<String>> rules = new TreeMap<>(now.rules());
        expected.keySet().forEach(chain -> rules.putIfAbsent(chain, List.of()));
        if (!rules.equals(expected)) {
            return List.of("the chains hold " + rules + " instead of " + expected);
        }
        return applied.entries().hosts(false).size() <= SAMPLE_LIMIT ? samples(applied, slot) : List.of();
    }

    /** Sample entries of each set, looked up by a deletion that nft only checks (nothing changes). */
    private List<String> samples(LiveList applied, char slot) {
        StringBuilder script = new StringBuilder();
        for (boolean v6 : applied.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            for (boolean hosts : new boolean[] {true, false}) {
                List<String> samples = applied.entries().family(v6).hosts(hosts).samples(v6);
                if (!samples.isEmpty()) {
                    script.append("delete element inet ").append(table).append(' ')
                            .append(NftScript.set(v6, hosts, slot)).append(" { ").append(String.join(", ", samples))
                            .append(" }\n");
                }
            }
        }
        if (script.isEmpty()) {
            return List.of();
        }
        Commands.Result lookup = commands.run(out -> out.write(script.toString().getBytes(StandardCharsets.US_ASCII)),
                "nft", "-c", "-f", "-");
        return lookup.ok() ? List.of() : List.of("a set lacks entries it was given (flushed?): "
                + lookup.output().strip().lines().findFirst().orElse("exit " + lookup.exit()));
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
}
