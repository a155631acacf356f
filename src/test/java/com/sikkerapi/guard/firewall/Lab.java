package com.sikkerapi.guard.firewall;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.testing.NetNs;
import java.util.ArrayList;
import java.util.List;

/**
 * Three namespaces on veth pairs: a node, an attacker and a well-behaved client, with addresses from the
 * benchmarking and documentation ranges, assigned here and reachable only between these namespaces.
 */
final class Lab implements AutoCloseable {
    static final String NODE_A = "198.18.1.1";
    static final String ATTACKER = "198.18.1.2";
    static final String NODE_G = "198.18.2.1";
    static final String GOOD = "198.18.2.2";
    static final String NODE_A6 = "2001:db8:1::1";
    static final String ATTACKER6 = "2001:db8:1::2";
    static final String NODE_G6 = "2001:db8:2::1";
    static final String GOOD6 = "2001:db8:2::2";

    final NetNs node = NetNs.create("node");
    final NetNs attacker = NetNs.create("bad");
    final NetNs good = NetNs.create("good");

    Lab() {
        NetNs.link(node, List.of(NODE_A + "/24", NODE_A6 + "/64"), attacker, List.of(ATTACKER + "/24", ATTACKER6 + "/64"));
        NetNs.link(node, List.of(NODE_G + "/24", NODE_G6 + "/64"), good, List.of(GOOD + "/24", GOOD6 + "/64"));
    }

    /** The attacker's addresses among some filler entries, as a feed would list them. */
    static AddressSet blocklist() {
        List<String> entries = new ArrayList<>(List.of(ATTACKER, ATTACKER6, "203.0.113.0/24", "2001:db8:ff::/48"));
        for (int i = 0; i < 200; i++) {
            entries.add("100." + (128 + i % 100) + "." + i + ".0/24");
        }
        return AddressSet.of(entries);
    }

    /** The iptables and ipset state of the node, counters aside: what "exactly as before" compares. */
    String snapshot() {
        StringBuilder state = new StringBuilder();
        for (String tool : new String[] {"iptables-nft-save", "ip6tables-nft-save", "iptables-legacy-save",
                "ip6tables-legacy-save"}) {
            state.append(node.run(tool).output().lines().filter(l -> !l.startsWith("#"))
                    .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", "[0:0]")).reduce("", (a, b) -> a + b + "\n"));
        }
        state.append(node.run("ipset", "save").output());
        return state.toString();
    }

    @Override
    public void close() {
        good.close();
        attacker.close();
        node.close();
    }
}
