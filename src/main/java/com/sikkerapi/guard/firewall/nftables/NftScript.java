package com.sikkerapi.guard.firewall.nftables;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.ipset.Naming;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import com.sikkerapi.guard.net.Ipv4RangeSet;
import com.sikkerapi.guard.net.Ipv6RangeSet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The whole state of one blocklist's nftables table, as one {@code nft -f} transaction that can be run any number of
 * times: what is missing is made ({@code add} of what exists is no error), the base chain for the hook in use is
 * flushed and filled, the one for the other hook is made and deleted (so that its removal never depends on whether it
 * was there), and each set is flushed and filled. Elements go in statements of {@link #BATCH} at most, all in the one
 * transaction: nft parses a statement whole, and one of a million elements costs it far more memory than many.
 */
final class NftScript {
    static final String SET4 = "v4";
    static final String SET6 = "v6";
    static final String DROPPED4 = "dropped4";
    static final String DROPPED6 = "dropped6";
    static final String PREROUTING_CHAIN = "prerouting";
    static final String INPUT_CHAIN = "input";
    /** Logged packets per second and family at most, and the burst allowed above that (as the ipset backend). */
    static final String LOG_LIMIT = "limit rate 20/second burst 40 packets";
    static final int BATCH = 20_000;

    private final String table;
    private final Naming names;
    private final boolean prerouting;
    private final boolean ipv6;
    private final EnforcementSpec.BlockedLog log;

    NftScript(String table, Naming names, boolean prerouting, boolean ipv6, EnforcementSpec.BlockedLog log) {
        this.table = table;
        this.names = names;
        this.prerouting = prerouting;
        this.ipv6 = ipv6;
        this.log = log;
    }

    void write(AddressSet list, OutputStream out) throws IOException {
        String t = "inet " + table;
        StringBuilder head = new StringBuilder();
        head.append("add table ").append(t).append('\n');
        head.append("add counter ").append(t).append(' ').append(DROPPED4).append('\n');
        head.append("add counter ").append(t).append(' ').append(DROPPED6).append('\n');
        head.append("add set ").append(t).append(' ').append(SET4).append(" { type ipv4_addr; flags interval; }\n");
        head.append("add set ").append(t).append(' ').append(SET6).append(" { type ipv6_addr; flags interval; }\n");
        String chain = prerouting ? PREROUTING_CHAIN : INPUT_CHAIN;
        String other = prerouting ? INPUT_CHAIN : PREROUTING_CHAIN;
        head.append("add chain ").append(t).append(' ').append(chain).append(base(prerouting)).append('\n');
        head.append("flush chain ").append(t).append(' ').append(chain).append('\n');
        rules(head, t, chain, "ip", SET4, DROPPED4);
        if (ipv6) {
            rules(head, t, chain, "ip6", SET6, DROPPED6);
        }
        head.append("add chain ").append(t).append(' ').append(other).append(base(!prerouting)).append('\n');
        head.append("flush chain ").append(t).append(' ').append(other).append('\n');
        head.append("delete chain ").append(t).append(' ').append(other).append('\n');
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        elements(out, t, SET4, new AddressSet(list.v4(), Ipv6RangeSet.EMPTY));
        elements(out, t, SET6, new AddressSet(Ipv4RangeSet.EMPTY, list.v6()));
    }

    private static String base(boolean prerouting) {
        return prerouting ? " { type filter hook prerouting priority raw; policy accept; }"
                : " { type filter hook input priority filter; policy accept; }";
    }

    /** A rate-limited sample to the log (an attack cannot flood the agent through it), then the counted DROP. */
    private void rules(StringBuilder out, String t, String chain, String family, String set, String counter) {
        String match = "add rule " + t + " " + chain + " " + family + " saddr @" + set + " ";
        switch (log) {
            case NFLOG -> out.append(match).append(LOG_LIMIT).append(" log prefix \"").append(names.logPrefix())
                    .append("\" group ").append(names.nflogGroup()).append('\n');
            case KMSG -> out.append(match).append(LOG_LIMIT).append(" log prefix \"").append(names.logPrefix())
                    .append(" \"\n");
            case NONE -> { }
        }
        out.append(match).append("counter name ").append(counter).append(" drop comment \"").append(names.comment())
                .append("\"\n");
    }

    /** Flushes the set and fills it, {@link #BATCH} elements per statement, streamed as CidrWriter writes them. */
    private static void elements(OutputStream out, String t, String set, AddressSet entries) throws IOException {
        out.write(("flush set " + t + " " + set + "\n").getBytes(StandardCharsets.US_ASCII));
        if (entries.cidrCountV4() + entries.cidrCountV6() == 0) {
            return;
        }
        byte[] open = ("add element " + t + " " + set + " {\n").getBytes(StandardCharsets.US_ASCII);
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
        CidrWriter.write(entries, statements);
        statements.close();
    }
}
