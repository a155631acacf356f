package com.sikkerapi.guard.net;

import java.util.List;

/**
 * Special-purpose ranges (IANA's registries, RFC 6890 and successors) that no blocklist may block: they are never
 * attackers on the Internet, and blocking them breaks a node (loopback, link-local, the node's own private network).
 * Real feeds list some of them: FireHOL level1 carries 0.0.0.0/8, 10.0.0.0/8, 127.0.0.0/8 and 224.0.0.0/3.
 */
public final class SpecialRanges {
    public static final List<String> IPV4 = List.of(
            "0.0.0.0/8",          // "this network"
            "10.0.0.0/8",         // RFC 1918
            "100.64.0.0/10",      // shared address space (CGNAT)
            "127.0.0.0/8",        // loopback
            "169.254.0.0/16",     // link-local
            "172.16.0.0/12",      // RFC 1918
            "192.0.0.0/24",       // IETF protocol assignments
            "192.0.2.0/24",       // documentation (TEST-NET-1)
            "192.88.99.0/24",     // deprecated 6to4 relay anycast
            "192.168.0.0/16",     // RFC 1918
            "198.18.0.0/15",      // benchmarking
            "198.51.100.0/24",    // documentation (TEST-NET-2)
            "203.0.113.0/24",     // documentation (TEST-NET-3)
            "224.0.0.0/4",        // multicast
            "240.0.0.0/4");       // reserved, and 255.255.255.255 broadcast
    /**
     * IPv4-mapped addresses (::ffff:0:0/96) are not listed: parsing turns them into the IPv4 address they map, which
     * the IPv4 list then judges (listed here, ::ffff:0:0/96 would parse as 0.0.0.0/0 and strip every IPv4 entry).
     */
    public static final List<String> IPV6 = List.of(
            "::/128",             // unspecified
            "::1/128",            // loopback
            "64:ff9b:1::/48",     // local-use IPv4/IPv6 translation
            "100::/64",           // discard-only
            "2001:db8::/32",      // documentation
            "3fff::/20",          // documentation (RFC 9637)
            "fc00::/7",           // unique local
            "fe80::/10",          // link-local
            "fec0::/10",          // deprecated site-local
            "ff00::/8");          // multicast

    public static final AddressSet SET = AddressSet.of(IPV4).union(AddressSet.of(IPV6));

    private SpecialRanges() {
    }
}
