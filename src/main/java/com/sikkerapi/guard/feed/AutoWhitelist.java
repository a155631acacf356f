package com.sikkerapi.guard.feed;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * What a node must always reach, whatever a feed says: its default gateways, its DNS servers, its own addresses,
 * the feed and report endpoints, loopback, and the cluster ranges the operator hands over. Read from the node's
 * own kernel and files (the agent runs on the host network), so it is right for the node it runs on.
 */
public final class AutoWhitelist {
    private static final Logger LOG = Logger.getLogger(AutoWhitelist.class);

    /** Where the facts come from; tests point these at fixture files. */
    public record Sources(Path ipv4Routes, Path ipv6Routes, Path resolvConf) {
        public static final Sources NODE = new Sources(Path.of("/proc/net/route"), Path.of("/proc/net/ipv6_route"),
                Path.of("/etc/resolv.conf"));
    }

    private AutoWhitelist() {
    }

    /** @return addresses and CIDRs as text, each with nothing to parse but an address */
    public static List<String> collect(Sources sources, Collection<URI> endpoints, Collection<String> clusterRanges) {
        List<String> ranges = new ArrayList<>(List.of("127.0.0.0/8", "::1"));
        ranges.addAll(gateways(sources));
        ranges.addAll(nameservers(read(sources.resolvConf())));
        ranges.addAll(ownAddresses());
        ranges.addAll(endpoints(endpoints));
        ranges.addAll(clusterRanges);
        return ranges;
    }

    /** The addresses the endpoints' host names resolve to now. */
    public static List<String> endpoints(Collection<URI> endpoints) {
        List<String> addresses = new ArrayList<>();
        for (URI endpoint : endpoints) {
            addresses.addAll(resolve(endpoint.getHost()));
        }
        return addresses;
    }

    /** The node's default gateways, both families: what the self-test checks first. */
    public static List<String> gateways(Sources sources) {
        List<String> gateways = new ArrayList<>(gatewaysV4(read(sources.ipv4Routes())));
        gateways.addAll(gatewaysV6(read(sources.ipv6Routes())));
        return gateways;
    }

    /** Default routes' gateways from /proc/net/route (hexadecimal, little-endian). */
    static List<String> gatewaysV4(List<String> lines) {
        List<String> gateways = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // Iface Destination Gateway Flags ...; a default route has destination 0 and the gateway flag (0x2).
            if (f.length > 3 && f[1].equals("00000000") && !f[2].equals("00000000")
                    && (Integer.parseInt(f[3], 16) & 0x2) != 0) {
                long le = Long.parseLong(f[2], 16);
                gateways.add((le & 0xff) + "." + ((le >> 8) & 0xff) + "." + ((le >> 16) & 0xff) + "." + ((le >> 24) & 0xff));
            }
        }
        return gateways;
    }

    /** Default routes' gateways from /proc/net/ipv6_route (32 hex digits per address). */
    static List<String> gatewaysV6(List<String> lines) {
        List<String> gateways = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // dest dest_len src src_len next_hop metric refcnt use flags iface
            if (f.length > 4 && f[0].matches("0{32}") && f[1].equals("00") && !f[4].matches("0{32}")) {
                StringBuilder address = new StringBuilder();
                for (int i = 0; i < 32; i += 4) {
                    address.append(i == 0 ? "" : ":").append(f[4], i, i + 4);
                }
                gateways.add(address.toString().toLowerCase(Locale.ROOT));
            }
        }
        return gateways;
    }

    static List<String> nameservers(List<String> lines) {
        List<String> servers = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) {
                // A scoped link-local server (fe80::1%eth0) is link-local, which no list may block anyway.
                servers.add(f[1].contains("%") ? f[1].substring(0, f[1].indexOf('%')) : f[1]);
            }
        }
        return servers;
    }

    private static List<String> ownAddresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    addresses.add(text(address));
                }
            }
        } catch (SocketException e) {
            LOG.warnf("Could not list this node's addresses: %s", e.getMessage());
        }
        return addresses;
    }

    private static List<String> resolve(String host) {
        List<String> addresses = new ArrayList<>();
        if (host == null) {
            return addresses;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                addresses.add(text(address));
            }
        } catch (UnknownHostException e) {
            LOG.warnf("Could not resolve %s for the whitelist: %s", host, e.getMessage());
        }
        return addresses;
    }

    private static String text(InetAddress address) {
        String text = address.getHostAddress();
        return address instanceof Inet6Address && text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            LOG.warnf("Could not read %s: %s", file, e.getMessage());
            return List.of();
        }
    }
}
