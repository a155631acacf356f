package com.sikkerapi.guard.cli;

import com.sikkerapi.guard.feed.FeedParser;
import com.sikkerapi.guard.feed.ListCollector;
import com.sikkerapi.guard.feed.ListValidator;
import com.sikkerapi.guard.feed.ValidationPolicy;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import com.sikkerapi.guard.net.PrefixReduction;
import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code sikkerguard validate}: the agent's parse and validate path on a file, with no network and no
 * auto-whitelist. Exit 0 when the list is accepted, 3 when it is refused as a whole, 2 for a usage error.
 */
final class ValidateCommand implements Main.Command {
    static final int REJECTED = 3;
    private static final String USAGE = "usage: sikkerguard validate [--format plain|spamhaus-ndjson|json:<path>|"
            + "csv:<column>] [--whitelist IP_OR_CIDR,...] [--previous FILE] [--max-growth F] [--min-prefix-v4 N] "
            + "[--min-prefix-v6 N] [--ipset-reduce PERCENT [--ipset-reduce-entries N]] [FILE]";

    @Override
    public String summary() {
        return "validate a list file as the agent would, print what would be blocked";
    }

    @Override
    public String usage(String name) {
        return USAGE + "\n  " + summary() + "\n  exit 0 accepted, 3 refused as a whole, 2 usage error";
    }

    @Override
    public int run(String[] args) throws IOException {
        return run(args, System.in, System.out, System.err);
    }

    int run(String[] args, InputStream stdin, OutputStream stdout, PrintStream err) throws IOException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("sikkerguard validate: " + e.getMessage());
            err.println(USAGE);
            return Main.USAGE;
        }
        ValidationResult result = validate(options, stdin, err);
        if (result instanceof ValidationResult.Rejected) {
            return REJECTED;
        }
        ValidationResult.Counts c = result.counts();
        String counted = counted(c);
        AddressSet blocked = ((ValidationResult.Accepted) result).blocked();
        OutputStream out = new BufferedOutputStream(stdout, 1 << 16);
        if (options.reducePercent >= 0) {
            PrefixReduction plan = PrefixReduction.plan(blocked.v4(), options.reducePercent, options.reduceEntries);
            err.println("ipset-reduce: " + PrefixReduction.plan(blocked.v4(), 0, 0).prefixesAfter(blocked.v4())
                    + " prefix lengths before, " + plan.prefixesAfter(blocked.v4()) + " after");
            CidrWriter.write(new AddressSet(com.sikkerapi.guard.net.Ipv4RangeSet.EMPTY, blocked.v6()), out, plan,
                    blocked.v4());
        } else {
            CidrWriter.write(blocked, out);
        }
        out.flush();
        err.println("accepted: " + counted + "; " + c.specialRanges() + " ranges cut for special-purpose ranges, "
                + c.whitelistedRanges() + " for the whitelist; blocking " + blocked.cidrCountV4() + " IPv4 and "
                + blocked.cidrCountV6() + " IPv6 CIDRs");
        return 0;
    }

    /** Parses and validates the list as the hub would; a refusal is said on {@code err}. */
    static ValidationResult validate(Options options, InputStream stdin, PrintStream err) throws IOException {
        long previous = -1;
        if (options.previous != null) {
            ListCollector last = new ListCollector(options.policy.minPrefixV4(), options.policy.minPrefixV6(),
                    (source, line, reason, text) -> { });
            try (InputStream in = new FileInputStream(options.previous)) {
                options.parser.parse(in, last);
            }
            previous = last.entries();
        }
        ListCollector collector = new ListCollector(options.policy.minPrefixV4(), options.policy.minPrefixV6(),
                (source, line, reason, text) -> err.println("line " + line + ": " + reason + ": " + text));
        try (InputStream in = options.file == null ? stdin : new FileInputStream(options.file)) {
            options.parser.parse(in, collector);
        }
        ValidationResult result = ListValidator.validate(collector, options.policy, previous);
        if (result instanceof ValidationResult.Rejected rejected) {
            err.println("rejected: " + rejected.reason() + " (" + counted(result.counts()) + ")");
        }
        return result;
    }

    /** Plain concatenation: String.format would load the locale data, a fifth of this command's start-up. */
    static String counted(ValidationResult.Counts c) {
        return c.entries() + " entries, " + c.invalidLines() + " invalid lines, " + c.tooShort()
                + " too-short prefixes";
    }

    record Options(FeedParser parser, ValidationPolicy policy, String previous, String file,
            double reducePercent, long reduceEntries) {
        static Options parse(String[] args) {
            FeedParser parser = new com.sikkerapi.guard.feed.PlainTextParser();
            ValidationPolicy policy = ValidationPolicy.DEFAULTS;
            String previous = null;
            String file = null;
            double reducePercent = -1;
            long reduceEntries = 16384;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--") || arg.equals("--")) {
                    if (file != null) {
                        throw new IllegalArgumentException("one FILE at most");
                    }
                    file = arg.equals("--") && i + 1 < args.length ? args[++i] : arg;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--format" -> parser = FeedParser.forFormat(value);
                    case "--whitelist" -> policy = policy.withWhitelist(
                            AddressSet.of(Arrays.stream(value.split(",")).filter(s -> !s.isBlank()).toList()));
                    case "--previous" -> previous = value;
                    case "--max-growth" -> policy = new ValidationPolicy(number(arg, value, 1, 1000),
                            policy.minPrefixV4(), policy.minPrefixV6(), policy.maxInvalidLineRatio(), policy.whitelist());
                    case "--min-prefix-v4" -> policy = new ValidationPolicy(policy.maxGrowthFactor(),
                            (int) number(arg, value, 0, 32), policy.minPrefixV6(), policy.maxInvalidLineRatio(),
                            policy.whitelist());
                    case "--min-prefix-v6" -> policy = new ValidationPolicy(policy.maxGrowthFactor(),
                            policy.minPrefixV4(), (int) number(arg, value, 0, 128), policy.maxInvalidLineRatio(),
                            policy.whitelist());
                    case "--ipset-reduce" -> reducePercent = number(arg, value, 0, 10000);
                    case "--ipset-reduce-entries" -> reduceEntries = (long) number(arg, value, 0, 1e9);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            return new Options(parser, policy, previous, file, reducePercent, reduceEntries);
        }

        private static double number(String option, String value, double min, double max) {
            try {
                double n = Double.parseDouble(value);
                if (n < min || n > max) {
                    throw new IllegalArgumentException(option + " must be between " + min + " and " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number: " + value);
            }
        }
    }
}
