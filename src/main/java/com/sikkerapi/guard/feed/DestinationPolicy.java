package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidr;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Where the hub may send a request for a namespaced resource: a feed URL or the SikkerAPI endpoint is written by
 * whoever may create a ThreatBlocklist in one namespace, and must not reach beyond it. {@code https} only, unless
 * the operator's configuration allows plain HTTP; never loopback, link-local (cloud metadata lives at
 * 169.254.169.254), unspecified, the cluster's own ranges or the ranges the operator lists; and not the private
 * networks (RFC 1918, fc00::/7, where a cloud's IPv6 metadata address lives), shared address space, NAT64,
 * multicast or broadcast, unless the operator allows a range of them (an internal mirror). Judged on the addresses
 * the host name resolves to, before every attempt (each retry and each redirect): the JVM keeps a lookup for
 * {@link #DNS_CACHE_SECONDS} seconds and the connection that follows uses that very lookup, so a name that
 * resolves elsewhere later is judged again before it is asked.
 */
public final class DestinationPolicy {
    /** Always refused. */
    static final List<String> NEVER = List.of("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "::/128", "::1/128",
            "fe80::/10");
    /** Refused unless the operator allows a range of them. */
    static final List<String> PRIVATE = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
            "224.0.0.0/4", "255.255.255.255/32", "fc00::/7", "64:ff9b::/96", "ff00::/8");
    /** How long a successful lookup is kept (networkaddress.cache.ttl), set by {@link #pinLookups}. */
    public static final int DNS_CACHE_SECONDS = 30;
    /** For the CLI and tests on loopback: every destination. */
    public static final DestinationPolicy ANY = new DestinationPolicy(true, AddressSet.EMPTY);

    private final boolean allowPlainHttp;
    private final AddressSet forbidden;

    private DestinationPolicy(boolean allowPlainHttp, AddressSet forbidden) {
        this.allowPlainHttp = allowPlainHttp;
        this.forbidden = forbidden;
    }

    /**
     * @param refused the cluster's ranges and the operator's list, on top of {@link #NEVER} and {@link #PRIVATE}
     * @param allowed exceptions to {@link #PRIVATE} alone
     */
    public static DestinationPolicy of(boolean allowPlainHttp, Collection<String> refused,
            Collection<String> allowed) {
        AddressSet always = AddressSet.of(NEVER).union(AddressSet.of(refused));
        return new DestinationPolicy(allowPlainHttp, always.union(AddressSet.of(PRIVATE).except(AddressSet.of(
                allowed))));
    }

    /** Refusing these ranges alone: for tests on loopback, which {@link #of} always refuses. */
    static DestinationPolicy exactly(boolean allowPlainHttp, Collection<String> refused) {
        return new DestinationPolicy(allowPlainHttp, AddressSet.of(refused));
    }

    /**
     * Makes the JVM keep a successful lookup for {@link #DNS_CACHE_SECONDS} (the default without a security manager,
     * set here so that no JVM option changes it): the judgement before an attempt and its connection see one
     * lookup.
     */
    public static void pinLookups() {
        java.security.Security.setProperty("networkaddress.cache.ttl", Integer.toString(DNS_CACHE_SECONDS));
    }

    /** Why {@code uri} must not be asked, or null when it may be; never names more than the host. */
    public String refusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowPlainHttp && scheme.equals("http"))) {
            return scheme + ":// is not allowed (https only" + (allowPlainHttp ? "" : "; the operator's "
                    + "sikkerguard.feeds.allow-plain-http allows http") + ")";
        }
        String host = uri.getHost();
        if (host == null) {
            return "the URL has no host";
        }
        if (forbidden.isEmpty()) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return null; // the request fails on its own, with the resolver's answer
        }
        for (InetAddress address : addresses) {
            String text = address.getHostAddress();
            Cidr cidr = Cidr.parse(text.contains("%") ? text.substring(0, text.indexOf('%')) : text);
            boolean refused = cidr.isV4() ? forbidden.v4().contains(cidr.lo())
                    : forbidden.v6().contains(cidr.hi(), cidr.lo());
            if (refused) {
                return host + " resolves to " + cidr + ", which the hub may not reach (loopback, link-local, "
                        + "private, multicast, the cluster's own ranges or sikkerguard.feeds.refused-ranges; "
                        + "sikkerguard.feeds.allowed-ranges may allow a private range)";
            }
        }
        return null;
    }
}
