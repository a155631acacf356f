package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.firewall.Commands;

/**
 * Which iptables the node uses: nf_tables or legacy. Rules of the two live in different kernel tables, and a node
 * whose kube-proxy writes legacy rules must get ours there too, or they are not evaluated as the admin expects.
 * Decided as kube-proxy's iptables-wrapper does: the variant that already holds more rules wins; nf_tables when
 * neither holds any. Never mixed: every command of one agent uses the same variant.
 */
public enum IptablesFlavour {
    NFT("iptables-nft", "ip6tables-nft", "iptables-nft-save"),
    LEGACY("iptables-legacy", "ip6tables-legacy", "iptables-legacy-save");

    /** The binary that takes a whole table's changes as one commit (iptables-nft-restore and the like). */
    public String restore(boolean ipv6) {
        return binary(ipv6) + "-restore";
    }

    private final String v4;
    private final String v6;
    private final String save;

    IptablesFlavour(String v4, String v6, String save) {
        this.v4 = v4;
        this.v6 = v6;
        this.save = save;
    }

    public String binary(boolean ipv6) {
        return ipv6 ? v6 : v4;
    }

    public static IptablesFlavour detect(Commands commands) {
        long legacy = rules(commands, LEGACY);
        long nft = rules(commands, NFT);
        return legacy > nft ? LEGACY : NFT;
    }

    private static long rules(Commands commands, IptablesFlavour flavour) {
        try {
            Commands.Result result = commands.run(flavour.save);
            return result.ok() ? result.output().lines().filter(line -> line.startsWith("-")).count() : -1;
        } catch (com.sikkerapi.guard.firewall.FirewallException e) {
            return -1; // not installed (a host with nftables only)
        }
    }
}
