package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.IpFormat;
import com.sikkerapi.guard.net.Ipv4RangeSet;
import com.sikkerapi.guard.net.Ipv6RangeSet;

/**
 * Gathers the entries of all sources of one list into compact range builders, and counts what it refuses: lines
 * that are not strict addresses, and networks with a prefix shorter than the configured minimum (a /1 in a feed is
 * a mistake or an attack on the blocklist itself; it is dropped with a loud reason, never applied).
 */
public final class ListCollector implements EntrySink {
    private final int minPrefixV4;
    private final int minPrefixV6;
    private final RejectedLines rejected;
    private final Ipv4RangeSet.Builder v4 = new Ipv4RangeSet.Builder();
    private final Ipv6RangeSet.Builder v6 = new Ipv6RangeSet.Builder();
    private String source = "input";
    private long entries;
    private long invalidLines;
    private long tooShort;

    public ListCollector(int minPrefixV4, int minPrefixV6, RejectedLines rejected) {
        this.minPrefixV4 = minPrefixV4;
        this.minPrefixV6 = minPrefixV6;
        this.rejected = rejected;
    }

    /** Names the source whose lines follow, for the rejection reasons. */
    public void beginSource(String name) {
        this.source = name;
    }

    @Override
    public void v4(long address, int prefix, int line) {
        if (prefix < minPrefixV4) {
            tooShort++;
            StringBuilder text = new StringBuilder();
            IpFormat.appendIpv4(text, address);
            rejected.rejected(source, line, "prefix shorter than /" + minPrefixV4 + " refused",
                    text.append('/').append(prefix).toString());
            return;
        }
        entries++;
        v4.addCidr(address, prefix);
    }

    @Override
    public void v6(long hi, long lo, int prefix, int line) {
        if (prefix < minPrefixV6) {
            tooShort++;
            StringBuilder text = new StringBuilder();
            IpFormat.appendIpv6(text, hi, lo);
            rejected.rejected(source, line, "prefix shorter than /" + minPrefixV6 + " refused",
                    text.append('/').append(prefix).toString());
            return;
        }
        entries++;
        v6.addCidr(hi, lo, prefix);
    }

    @Override
    public void invalid(int line, String reason, String text) {
        invalidLines++;
        rejected.rejected(source, line, reason, text);
    }

    /** Entries as the feeds list them, after dropping bad lines and too-short prefixes, before aggregation. */
    public long entries() {
        return entries;
    }

    public long invalidLines() {
        return invalidLines;
    }

    public long tooShort() {
        return tooShort;
    }

    public AddressSet build() {
        return new AddressSet(v4.build(), v6.build());
    }
}
