package com.sikkerapi.guard.firewall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Kernel object names for one blocklist, stable across restarts (so a new agent adopts what the last one made) and
 * within the kernel's limits: ipset names at most 31 characters, iptables chain names at most 28. The hash of the
 * blocklist's namespace and name keeps two blocklists apart; the prefix makes them recognisable in `ipset list` and
 * `iptables-save`, and lets `sikkerguard cleanup` find them all.
 */
public record Naming(String live4, String live6, String next4, String next6, String chain, String comment,
        String logPrefix, int nflogGroup) {
    public static final String SET_PREFIX = "sg-";
    public static final String CHAIN_PREFIX = "SIKKERGUARD-";
    public static final String NFT_TABLE_PREFIX = "sikkerguard_";
    /** NFLOG groups from here up; 0 and the low ones are what other tools (ulogd's examples, Suricata) use. */
    static final int NFLOG_GROUP_BASE = 10_000;

    public static Naming of(String namespace, String blocklist) {
        String id = hash(namespace + "/" + blocklist);
        int group = NFLOG_GROUP_BASE + Integer.parseInt(id.substring(0, 4), 16) % 50_000;
        return new Naming(SET_PREFIX + id + "-4", SET_PREFIX + id + "-6", SET_PREFIX + id + "-4n", SET_PREFIX + id + "-6n",
                CHAIN_PREFIX + id, "sikkerguard " + namespace + "/" + blocklist, "SG-" + id, group);
    }

    /** The nftables backend's table (inet family): the same hash under a name nft takes. */
    public String nftTable() {
        return NFT_TABLE_PREFIX + chain.substring(CHAIN_PREFIX.length());
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
