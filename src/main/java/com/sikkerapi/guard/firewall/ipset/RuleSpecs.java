package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.api.EnforcementSpec;
import java.util.ArrayList;
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

    /** The arguments of a rule as `iptables -S` printed it (without "-A CHAIN"): quotes taken off again. */
    static List<String> unquote(String printed) {
        List<String> args = new ArrayList<>();
        StringBuilder quoted = null;
        for (String word : printed.split(" ")) {
            if (quoted != null) {
                quoted.append(' ').append(word);
                if (word.endsWith("\"")) {
                    args.add(quoted.substring(1, quoted.length() - 1));
                    quoted = null;
                }
            } else if (word.startsWith("\"") && !(word.length() > 1 && word.endsWith("\""))) {
                quoted = new StringBuilder(word);
            } else {
                args.add(word.length() > 1 && word.startsWith("\"") && word.endsWith("\"")
                        ? word.substring(1, word.length() - 1) : word);
            }
        }
        return args;
    }

    static String[] concat(String[] head, String... tail) {
        String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
