package com.sikkerapi.guard.net;

import java.util.Collection;

/** Both families together: the shape of every list the agent handles (feeds, whitelists, special ranges). */
public record AddressSet(Ipv4RangeSet v4, Ipv6RangeSet v6) {
    public static final AddressSet EMPTY = new AddressSet(Ipv4RangeSet.EMPTY, Ipv6RangeSet.EMPTY);

    /** From configuration-sized text lists; each entry is parsed strictly ({@link Cidr#parse}). */
    public static AddressSet of(Collection<String> cidrs) {
        Ipv4RangeSet.Builder v4 = new Ipv4RangeSet.Builder();
        Ipv6RangeSet.Builder v6 = new Ipv6RangeSet.Builder();
        for (String text : cidrs) {
            Cidr cidr = Cidr.parse(text);
            if (cidr.isV4()) {
                v4.addCidr(cidr.lo(), cidr.prefix());
            } else {
                v6.addCidr(cidr.hi(), cidr.lo(), cidr.prefix());
            }
        }
        return new AddressSet(v4.build(), v6.build());
    }

    public AddressSet union(AddressSet other) {
        return new AddressSet(v4.union(other.v4), v6.union(other.v6));
    }

    public AddressSet except(AddressSet other) {
        return new AddressSet(v4.except(other.v4), v6.except(other.v6));
    }

    public boolean isEmpty() {
        return v4.isEmpty() && v6.isEmpty();
    }

    public int cidrCountV4() {
        return v4.cidrCount();
    }

    public int cidrCountV6() {
        return v6.cidrCount();
    }
}
