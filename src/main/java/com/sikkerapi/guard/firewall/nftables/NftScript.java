package com.sikkerapi.guard.firewall.nftables;

import com.sikkerapi.guard.firewall.LiveList;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.net.CidrWriter;
import com.sikkerapi.guard.net.Cidrs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One blocklist's nftables table as {@code nft -f} input, each one transaction.
 *
 * <p>Per family, the single addresses are in a plain hash set ({@code h4a}, {@code h6a}) and the networks in an
 * interval set ({@code v4a}, {@code v6a}): nft loads a million hosts into a hash set in a quarter of the time an
 * interval set takes, and deletes from it at once, where each deletion from a large interval set costs nft a pass
 * over the whole set (0.15 s at 100,000 elements, nft 1.0.6). The base chain sends a packet whose source is in either
 * set to the family's chain ({@code listed4}, {@code listed6}: a rate-limited log sample, then the counted DROP), as
 * the ipset backend's jump does.
 *
 * <p>An address must never be taken out of one set and put into the other in the same transaction: under a flood,
 * packets from such an address passed while the transaction was committed (300 of 700,000 on kernel 6.18, where a
 * transaction that only changes one set, or only rules, let none through). So a whole list goes into the sets of
 * the other slot ({@code a} or {@code b}) first ({@link #fill}), and a second transaction points the rules at them
 * and deletes the old slot's sets ({@link #switchTo}), as ipset's swap does; and a difference goes in as additions
 * first, then deletions ({@link #additions}, {@link #deletions}), a changed network set being refilled whole (a
 * flush and refill of one set let nothing through), holding the networks of both lists in between.
 *
 * <p>Elements go in statements of {@link #BATCH} at most: nft parses a statement whole, and one of a million
 * elements costs it far more memory than many.
 */
final class NftScript {
    static final String DROPPED4 = "dropped4";
    static final String DROPPED6 = "dropped6";
    static final String PREROUTING_CHAIN = "prerouting";
    static final String INPUT_CHAIN = "input";
    /** Logged packets per second and family at most, and the burst allowed above that (as the ipset backend). */
    static final String LOG_LIMIT = "limit rate 20/second burst 40 packets";
    static final int BATCH = 20_000;

    private final String table;
    private final Naming names;

    NftScript(String table, Naming names) {
        this.table = "inet " + table;
        this.names = names;
    }

    static String chain(boolean prerouting) {
        return prerouting ? PREROUTING_CHAIN : INPUT_CHAIN;
    }

    /** The set of one family's hosts or networks in one slot. */
    static String set(boolean v6, boolean hosts, char slot) {
        return (hosts ? "h" : "v") + (v6 ? "6" : "4") + slot;
    }

    static char other(char slot) {
        return slot == 'a' ? 'b' : 'a';
    }

    /** The chain a family's listed packets go to. */
    static String listed(boolean v6) {
        return v6 ? "listed6" : "listed4";
    }

    /** The first transaction of a whole list: the table, its counters, and the slot's sets emptied and filled. */
    void fill(LiveList live, char slot, OutputStream out) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append("add table ").append(table).append('\n');
        head.append("add counter ").append(table).append(' ').append(DROPPED4).append('\n');
        head.append("add counter ").append(table).append(' ').append(DROPPED6).append('\n');
        for (boolean v6 : new boolean[] {false, true}) {
            for (boolean hosts : new boolean[] {true, false}) {
                declare(head, v6, hosts, slot, capacity(live.entries().count(v6, true)));
                head.append("flush set ").append(table).append(' ').append(set(v6, hosts, slot)).append('\n');
            }
        }
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        for (boolean v6 : new boolean[] {false, true}) {
            for (boolean hosts : new boolean[] {true, false}) {
                elements(out, "add", set(v6, hosts, slot), live.entries().family(v6).hosts(hosts));
            }
        }
    }

    /**
     * A set declared; a host set with its size when one is given ({@code size} above 0): the kernel then takes its
     * hash of a fixed size (rather than one that grows as elements come), which loads a million hosts in half the
     * time (2.1 s against 4.3 s, nft -f alone, measured). The size bounds the set: {@link #capacity}.
     */
    private void declare(StringBuilder out, boolean v6, boolean hosts, char slot, long size) {
        out.append("add set ").append(table).append(' ').append(set(v6, hosts, slot)).append(" { type ")
                .append(v6 ? "ipv6_addr" : "ipv4_addr").append(hosts ? "; " : "; flags interval; ")
                .append(hosts && size > 0 ? "size " + size + "; }\n" : "}\n");
    }

    /**
     * The size a host set is declared with for this many hosts: room for a quarter more, so that differences can go
     * in until the list has grown by that (a larger one is loaded whole, into sets sized anew); 4,096 at least, whose
     * hash costs the kernel 64 KiB.
     */
    static long capacity(int hosts) {
        return Math.max(4_096, hosts + hosts / 4L);
    }

    /**
     * The second transaction of a whole list: the chains emptied first (so that nothing still refers to what is
     * deleted at the end) and filled with rules that match the slot's sets; the other hook's base chain, an unused
     * IPv6 chain and the other slot's sets made if missing and deleted, so that this never depends on what was there.
     */
    void switchTo(LiveList live, char slot, OutputStream out) throws IOException {
        StringBuilder script = new StringBuilder();
        String chain = chain(live.prerouting());
        String other = chain(!live.prerouting());
        script.append("add chain ").append(table).append(' ').append(chain).append(base(live.prerouting()))
                .append('\n');
        script.append("add chain ").append(table).append(' ').append(other).append(base(!live.prerouting()))
                .append('\n');
        for (String each : new String[] {chain, other, listed(false), listed(true)}) {
            if (each.startsWith("listed")) {
                script.append("add chain ").append(table).append(' ').append(each).append('\n');
            }
            script.append("flush chain ").append(table).append(' ').append(each).append('\n');
        }
        for (String rule : rules(live, slot)) {
            script.append("add rule ").append(table).append(' ').append(rule).append('\n');
        }
        script.append("delete chain ").append(table).append(' ').append(other).append('\n');
        if (!live.ipv6()) {
            script.append("delete chain ").append(table).append(' ').append(listed(true)).append('\n');
        }
        for (boolean v6 : new boolean[] {false, true}) {
            for (boolean hosts : new boolean[] {true, false}) {
                declare(script, v6, hosts, other(slot), 0);
                script.append("delete set ").append(table).append(' ').append(set(v6, hosts, other(slot)))
                        .append('\n');
            }
        }
        out.write(script.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The first transaction of a difference: the hosts added, and each family whose networks changed given the
     * networks of both lists (their union, so that no two elements overlap), so that nothing listed before or after
     * is missing.
     */
    void additions(Cidrs.Difference difference, LiveList from, LiveList next, char slot, OutputStream out)
            throws IOException {
        for (boolean v6 : new boolean[] {false, true}) {
            elements(out, "add", set(v6, true, slot), difference.added().family(v6).hosts(true));
            if (networksChanged(difference, v6)) {
                Cidrs both = Cidrs.of(from.entries().family(v6).hosts(false).ranges()
                        .union(next.entries().family(v6).hosts(false).ranges()));
                refill(out, set(v6, false, slot), both);
            }
        }
    }

    /** The second transaction of a difference: the hosts deleted, each changed network set refilled with the new list's. */
    void deletions(Cidrs.Difference difference, LiveList next, char slot, OutputStream out) throws IOException {
        for (boolean v6 : new boolean[] {false, true}) {
            elements(out, "delete", set(v6, true, slot), difference.removed().family(v6).hosts(true));
            if (networksChanged(difference, v6)) {
                refill(out, set(v6, false, slot), next.entries().family(v6).hosts(false));
            }
        }
    }

    /**
     * Whether a difference touches the host sets only: then no address moves from one set to the other, and one that
     * stays listed is not touched at all, so additions and deletions may go in one transaction.
     */
    static boolean hostsOnly(Cidrs.Difference difference) {
        return !networksChanged(difference, false) && !networksChanged(difference, true);
    }

    static boolean networksChanged(Cidrs.Difference difference, boolean v6) {
        return difference.removed().count(v6, false) + difference.added().count(v6, false) > 0;
    }

    private void refill(OutputStream out, String set, Cidrs entries) throws IOException {
        out.write(("flush set " + table + " " + set + "\n").getBytes(StandardCharsets.US_ASCII));
        elements(out, "add", set, entries);
    }

    private static String base(boolean prerouting) {
        return prerouting ? " { type filter hook prerouting priority raw; policy accept; }"
                : " { type filter hook input priority filter; policy accept; }";
    }

    /**
     * The rules, each with its chain: in the base chain, for each enforced family, a packet whose source is in the
     * host set or the network set goes to the family's chain, which logs a rate-limited sample (an attack cannot
     * flood the agent through it) and drops it, counted.
     */
    List<String> rules(LiveList live, char slot) {
        List<String> rules = new ArrayList<>();
        String chain = chain(live.prerouting());
        for (boolean v6 : live.ipv6() ? new boolean[] {false, true} : new boolean[] {false}) {
            String family = v6 ? "ip6" : "ip";
            for (boolean hosts : new boolean[] {true, false}) {
                rules.add(chain + " " + family + " saddr @" + set(v6, hosts, slot) + " goto " + listed(v6));
            }
            String listed = listed(v6) + " ";
            switch (live.log()) {
                case NFLOG -> rules.add(listed + LOG_LIMIT + " log prefix \"" + names.logPrefix() + "\" group "
                        + names.nflogGroup());
                case KMSG -> rules.add(listed + LOG_LIMIT + " log prefix \"" + names.logPrefix() + " \"");
                case NONE -> { }
            }
            rules.add(listed + "counter name " + (v6 ? DROPPED6 : DROPPED4) + " drop comment \"" + names.comment()
                    + "\"");
        }
        return rules;
    }

    /** One verb over one set's entries, {@link #BATCH} elements per statement, streamed as CidrWriter writes. */
    private void elements(OutputStream out, String verb, String set, Cidrs entries) throws IOException {
        if (entries.size() == 0) {
            return;
        }
        byte[] open = (verb + " element " + table + " " + set + " {\n").getBytes(StandardCharsets.US_ASCII);
        byte[] close = ",\n}\n".getBytes(StandardCharsets.US_ASCII);
        OutputStream statements = new OutputStream() {
            private int count;
            private boolean inStatement;

            @Override
            public void write(int b) throws IOException {
                if (b == '\n') {
                    if (++count % BATCH == 0) {
                        out.write(close);
                        inStatement = false;
                    } else {
                        out.write(',');
                        out.write('\n');
                    }
                    return;
                }
                if (!inStatement) {
                    out.write(open);
                    inStatement = true;
                }
                out.write(b);
            }

            /** Ends the last statement; one that the batch size ended already is not opened again. */
            @Override
            public void close() throws IOException {
                if (inStatement) {
                    out.write("}\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        };
        CidrWriter.write(entries, statements, new byte[0]);
        statements.close();
    }
}
