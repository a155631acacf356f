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
 * 169.254.169.254), unspecified, the cluster's own ranges or the ranges the operator lists. Judged on the addresses
 * the host name resolves to now, for the first URL and every redirect. The JVM keeps a successful lookup for 30
 * seconds (networkaddress.cache.ttl), so the HTTP client connects to the very addresses judged here, whatever
 * TTL a rebinding DNS server answers with.
 */
public final class DestinationPolicy {
    /** Always refused. */
    static final List<String> NEVER = List.of("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "::/128", "::1/128",
            "fe80::/10");
    /** For the CLI and tests on loopback: every destination. */
    public static final DestinationPolicy ANY = new DestinationPolicy(true, AddressSet.EMPTY);

    private final boolean allowPlainHttp;
    private final AddressSet forbidden;

    private DestinationPolicy(boolean allowPlainHttp, AddressSet forbidden) {
        this.allowPlainHttp = allowPlainHttp;
        this.forbidden = forbidden;
    }

    /** @param refused the cluster's ranges and the operator's list, on top of {@link #NEVER} */
    public static DestinationPolicy of(boolean allowPlainHttp, Collection<String> refused) {
        List<String> ranges = new ArrayList<>(NEVER);
        ranges.addAll(refused);
        return exactly(allowPlainHttp, ranges);
    }

    /** Refusing these ranges alone: for tests on loopback, which {@link #of} always refuses. */
    static DestinationPolicy exactly(boolean allowPlainHttp, Collection<String> refused) {
        return new DestinationPolicy(allowPlainHttp, AddressSet.of(refused));
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
                return host + " resolves to " + cidr + ", which the hub may not reach (loopback, link-local, the "
                        + "cluster's own ranges or sikkerguard.feeds.refused-ranges)";
            }
        }
        return null;
    }
}
