package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.api.ListBounds;
import com.sikkerapi.guard.net.AddressSet;
import java.util.Locale;

/**
 * How much of the address space a list covers, and whether the cluster policy allows it: the one bound that holds
 * for any list, including one that was aggregated (adjacent entries merge into wider networks, so a prefix floor can
 * only be checked on the entries themselves) or edited by hand.
 */
public final class Coverage {
    private static final double IPV4_SPACE = Math.pow(2, 32);
    /** 2000::/3, the global unicast space. */
    private static final double IPV6_UNICAST = Math.pow(2, 125);

    private Coverage() {
    }

    /** Percent of the IPv4 space. */
    public static double percentV4(AddressSet list) {
        return 100.0 * list.v4().addressCount() / IPV4_SPACE;
    }

    /** Percent of 2000::/3 (a list's IPv6 networks outside it count too: they are never global attackers). */
    public static double percentV6(AddressSet list) {
        double[] addresses = {0};
        list.v6().forEachCidr((hi, lo, prefix) -> addresses[0] += Math.pow(2, 128 - prefix));
        return 100.0 * addresses[0] / IPV6_UNICAST;
    }

    /** Why the list is refused, or null when it is within the bounds. */
    public static String refusal(AddressSet list, ListBounds bounds) {
        double v4 = percentV4(list);
        if (v4 > bounds.maxCoveragePercentV4()) {
            return String.format(Locale.ROOT, "the list covers %.2f%% of the IPv4 space, more than the %s%% the "
                    + "cluster policy allows", v4, plain(bounds.maxCoveragePercentV4()));
        }
        double v6 = percentV6(list);
        if (v6 > bounds.maxCoveragePercentV6()) {
            return String.format(Locale.ROOT, "the list covers %.4f%% of the global IPv6 space (2000::/3), more "
                    + "than the %s%% the cluster policy allows", v6, plain(bounds.maxCoveragePercentV6()));
        }
        return null;
    }

    private static String plain(double percent) {
        return java.math.BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString();
    }
}
