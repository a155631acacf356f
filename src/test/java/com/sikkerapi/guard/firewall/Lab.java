package com.sikkerapi.guard.firewall;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.testing.NetNs;
import java.util.ArrayList;
import java.util.List;

/**
 * Three namespaces on veth pairs: a node, an attacker and a well-behaved client. The addresses are ordinary
 * unicast ones (the validator strips benchmarking and documentation ranges, so agent tests cannot use those); they
 * exist only on these veths, and no packet to them ever leaves these namespaces.
 */
final class Lab implements AutoCloseable {
    static final String NODE_A = "100.128.1.1";
    static final String ATTACKER = "100.128.1.2";
    static final String NODE_G = "100.128.2.1";
    static final String GOOD = "100.128.2.2";
    static final String NODE_A6 = "2a0f:1:1::1";
    static final String ATTACKER6 = "2a0f:1:1::2";
    static final String NODE_G6 = "2a0f:1:2::1";
    static final String GOOD6 = "2a0f:1:2::2";

    final NetNs node = NetNs.create("node");
    final NetNs attacker = NetNs.create("bad");
    final NetNs good = NetNs.create("good");

    Lab() {
        NetNs.link(node, List.of(NODE_A + "/24", NODE_A6 + "/64"), attacker, List.of(ATTACKER + "/24", ATTACKER6 + "/64"));
        NetNs.link(node, List.of(NODE_G + "/24", NODE_G6 + "/64"), good, List.of(GOOD + "/24", GOOD6 + "/64"));
    }

    /** The default enforcement with this hook. */
    static com.sikkerapi.guard.api.EnforcementSpec enforcement(com.sikkerapi.guard.api.EnforcementSpec.Hook hook) {
        com.sikkerapi.guard.api.EnforcementSpec spec = new com.sikkerapi.guard.api.EnforcementSpec();
        spec.setHook(hook);
        return spec;
    }

    /** Hosts number {@code from} to {@code to} (exclusive) of 46.0.0.0/14, every other address: none merge. */
    static List<String> scatteredHosts(int from, int to) {
        List<String> hosts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            hosts.add("46." + (i >> 15) + "." + (i >> 7 & 255) + "." + ((i & 127) * 2 + 1));
        }
        return hosts;
    }

    /** The attacker's addresses among some filler entries, as a feed would list them. */
    static AddressSet blocklist() {
        List<String> entries = new ArrayList<>(List.of(ATTACKER, ATTACKER6, "45.0.0.0/24", "2a0f:ff::/48"));
        for (int i = 0; i < 200; i++) {
            entries.add("45." + (1 + i % 100) + "." + i + ".0/24");
        }
        return AddressSet.of(entries);
    }

    /** The attacker gets no answer (ping, TCP to the port), in either family; the good neighbour gets them all. */
    void assertOnlyTheAttackerIsBlocked(int port) {
        org.assertj.core.api.Assertions.assertThat(List.of(attacker.ping(NODE_A), attacker.ping(NODE_A6),
                attacker.connects(NODE_A, port), attacker.connects(NODE_A6, port))).as("the attacker")
                .containsOnly(false);
        org.assertj.core.api.Assertions.assertThat(List.of(good.ping(NODE_G), good.ping(NODE_G6),
                good.connects(NODE_G, port), good.connects(NODE_G6, port))).as("the good neighbour")
                .containsOnly(true);
    }

    /** Packets that reached the node (counted after our hook) from the attacker and from the good neighbour. */
    record Reached(long attacker, long good) {
    }

    /**
     * Small UDP datagrams as fast as socat sends them, for {@code seconds} from each side, counted after the hook
     * (mangle INPUT comes after raw PREROUTING); {@code during} runs while they flow.
     */
    Reached flood(int seconds, Runnable during) {
        for (String source : new String[] {ATTACKER, GOOD}) {
            node.run("iptables-nft", "-t", "mangle", "-A", "INPUT", "-s", source, "-p", "udp").check();
        }
        Process bad = attacker.start("timeout", Integer.toString(seconds), "socat", "-u", "-b", "64", "/dev/zero",
                "UDP4-SENDTO:" + NODE_A + ":9999");
        Process fine = good.start("timeout", Integer.toString(seconds), "socat", "-u", "-b", "64", "/dev/zero",
                "UDP4-SENDTO:" + NODE_G + ":9999");
        NetNs.sleep(500);
        during.run();
        try {
            bad.waitFor();
            fine.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String counted = node.run("iptables-nft", "-t", "mangle", "-L", "INPUT", "-v", "-n", "-x").output();
        return new Reached(packets(counted, ATTACKER), packets(counted, GOOD));
    }

    private static long packets(String listing, String source) {
        return listing.lines().filter(l -> l.contains(" " + source + " ")).mapToLong(
                l -> Long.parseLong(l.strip().split("\\s+")[0])).sum();
    }

    /** Somebody else's rule and set on the node (a kube-proxy stand-in), which must be there after us as before. */
    void addSomeoneElsesRules() {
        node.run("iptables-nft", "-t", "raw", "-A", "PREROUTING", "-p", "tcp", "--dport", "9", "-j", "ACCEPT").check();
        node.run("ipset", "create", "someone-elses", "hash:ip").check();
    }

    /** The node's firewall, counters aside: what "exactly as before" compares. */
    String snapshot() {
        return node.firewallSnapshot();
    }

    @Override
    public void close() {
        good.close();
        attacker.close();
        node.close();
    }
}
