package com.sikkerapi.guard.firewall.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.LiveList;
import com.sikkerapi.guard.net.Cidrs;
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
public final class NftDriftCheck {
    /**
     * Networks (the interval sets' entries) up to which each check also looks up sample entries of every set: nft
     * reads the interval sets whole for that lookup, of a host set's entries too (0.24 s beside 50,000 networks,
     * measured), a hundredth of a core at a check every 10 s with 10,000. Hosts cost nothing there: a million as
     * fast as ten.
     */
    public static final int SAMPLE_LIMIT = 10_000;

    /** This table's objects as one terse listing shows them; each set with its size (0: none declared). */
    record Ruleset(List<String> chains, Map<String, Long> sets, Map<String, List<String>> rules,
            Map<String, Long> counters) {
        boolean exists() {
            return !chains.isEmpty() || !sets.isEmpty();
        }
    }

    private final Commands commands;
    private final String table;
    /** Drift checks run, to space out the sample lookups above {@link #SAMPLE_LIMIT} networks. */
    private long checks;

    NftDriftCheck(Commands commands, String table) {
        this.commands = commands;
        this.table = table;
    }

    /** The table's chains (each with its hook: {@code prerouting hook prerouting}), sets, rules and counters. */
    Ruleset ruleset() {
        List<String> chains = new ArrayList<>();
        Map<String, Long> sets = new TreeMap<>();
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
                sets.put(object.path("name").asText(), object.path("size").asLong(0));
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
     * What of the last transactions is no longer as they left it: its {@link #structure}, and sample entries of each
     * set looked up (a set flushed: nft tells no element count short of listing them all). nft reads the interval sets
     * whole for a lookup, so above {@link #SAMPLE_LIMIT} networks the samples are looked up every n-th check only
     * (n the networks over the limit, rounded up): the mean cost stays that of the limit, and a flushed set is found
     * within n checks.
     */
    List<String> drift(LiveList applied, Character slot) {
        if (applied == null) {
            return List.of();
        }
        List<String> drift = structure(applied, slot, ruleset());
        long every = (networks(applied) + SAMPLE_LIMIT - 1) / SAMPLE_LIMIT;
        if (!drift.isEmpty() || checks++ % Math.max(1, every) != 0) {
            return drift;
        }
        byte[] lookups = lookups(applied, slot, null);
        if (lookups.length == 0) {
            return List.of();
        }
        Commands.Result lookup = commands.run(out -> out.write(lookups), "nft", "-c", "-f", "-");
        return lookup.ok() ? List.of() : List.of("a set lacks entries it was given (flushed?): "
                + lookup.output().strip().lines().findFirst().orElse("exit " + lookup.exit()));
    }

    /**
     * What of the table is no longer as the last transactions left it, from one terse listing ({@link #ruleset}): the
     * table, its chains with their hooks, the live slot's sets and every chain's rules (no set's elements).
     */
    List<String> structure(LiveList applied, char slot, Ruleset now) {
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
                if (!now.sets().containsKey(NftScript.set(v6, hosts, slot))) {
                    drift.add("the set " + NftScript.set(v6, hosts, slot) + " is missing");
                }
            }
        }
        if (!drift.isEmpty()) {
            return drift;
        }
        Map<String, List<String>> rules = new TreeMap<>(now.rules());
        expected.keySet().forEach(chain -> rules.putIfAbsent(chain, List.of()));
        return rules.equals(expected) ? List.of() : List.of("the chains hold " + rules + " instead of " + expected);
    }

    /** The networks (interval sets' entries) of a list, both families. */
    static long networks(LiveList applied) {
        return applied.entries().count(false, false) + (long) applied.entries().count(true, false);
    }

    /**
     * nft statements that look up sample entries of each set ({@link Cidrs#samples}): a deletion of them, which fails
     * the transaction when one is missing. For an update's own transaction ({@code update} not null) each deletion is
     * followed by the same addition (the kernel commits both at once: a packet never meets the set without them),
     * and the update's removed entries are left out (an interval set refuses a second change of an element in one
     * transaction), as is a network set that the update refills whole, or every one above {@link #SAMPLE_LIMIT}
     * networks.
     */
    byte[] lookups(LiveList applied, char slot, Cidrs.Difference update) {
        Cidrs except = update == null ? new Cidrs() : update.removed();
        boolean networks = update == null || networks(applied) <= SAMPLE_LIMIT;
        StringBuilder script = new StringBuilder();
        for (boolean v6 : applied.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            for (boolean hosts : new boolean[] {true, false}) {
                if (!hosts && (!networks || update != null && NftScript.networksChanged(update, v6))) {
                    continue;
                }
                List<String> samples = applied.entries().samples(v6, hosts, except);
                if (samples.isEmpty()) {
                    continue;
                }
                String elements = " element inet " + table + " " + NftScript.set(v6, hosts, slot) + " { "
                        + String.join(", ", samples) + " }\n";
                script.append("delete").append(elements);
                if (update != null) {
                    script.append("add").append(elements);
                }
            }
        }
        return script.toString().getBytes(StandardCharsets.US_ASCII);
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
