package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.api.EnforcementSpec;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The iptables rules of one blocklist in one family, as arguments and as `iptables -S` prints them. The set is
 * matched once for a packet that is not listed: in the jump from the hook. Inside the chain (only listed packets get
 * there) the rules match the set again, so the chain is safe however it is entered, with {@code ! --update-counters}
 * so that the set's per-entry counters count each packet once: a rate-limited sample to the log (an attack cannot
 * flood the agent through it), then the DROP.
 */
final class RuleSpecs {
    /** Logged packets per second and family at most, and the burst allowed above that. */
    static final String LOG_RATE = "20/sec";
    static final String LOG_BURST = "40";

    private final Naming names;

    RuleSpecs(Naming names) {
        this.names = names;
    }

    String[] jump(String live) {
        return new String[] {"-m", "set", "--match-set", live, "src", "-m", "comment", "--comment", names.comment(),
                "-j", names.chain()};
    }

    List<String[]> chain(String live, EnforcementSpec.BlockedLog log) {
        String[] listed = {"-m", "set", "--match-set", live, "src", "!", "--update-counters", "!",
                "--update-subcounters"};
        String[] drop = concat(listed, "-j", "DROP");
        if (log == EnforcementSpec.BlockedLog.NONE) {
            return List.<String[]>of(drop);
        }
        String[] sample = concat(listed, "-m", "limit", "--limit", LOG_RATE, "--limit-burst", LOG_BURST);
        String[] target = log == EnforcementSpec.BlockedLog.KMSG
                ? new String[] {"-j", "LOG", "--log-prefix", names.logPrefix() + " "}
                : new String[] {"-j", "NFLOG", "--nflog-prefix", names.logPrefix(), "--nflog-group",
                        Integer.toString(names.nflogGroup())};
        return List.of(concat(sample, target), drop);
    }

    /** A rule's arguments as `iptables -S` prints them: an argument with a space is quoted. */
    static String render(String[] args) {
        return Arrays.stream(args).map(a -> a.contains(" ") ? "\"" + a + "\"" : a).collect(Collectors.joining(" "));
    }

    static String[] concat(String[] head, String... tail) {
        String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
