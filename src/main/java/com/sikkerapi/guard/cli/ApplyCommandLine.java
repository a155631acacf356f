package com.sikkerapi.guard.cli;

import com.sikkerapi.guard.agent.ApplyCommand;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.firewall.Commands;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code sikkerguard apply} and {@code sikkerguard cleanup}: the options of the two commands, the list validated as
 * {@code validate} does, and the exit codes of {@code validate} (0 applied, 3 refused, 2 usage; 1 when the kernel
 * tools fail).
 */
final class ApplyCommandLine {
    static final String APPLY_USAGE = "usage: sikkerguard apply [--backend auto|ipset|nftables] [--hook prerouting|"
            + "input] [--no-ipv6] [--name NAME] [--state DIR] [validate's options] FILE";
    static final String CLEANUP_USAGE = "usage: sikkerguard cleanup [--name NAME] [--state DIR]";

    private ApplyCommandLine() {
    }

    /** The options of apply and cleanup, and what is left for validate's parser. */
    private record Options(EnforcementSpec enforcement, String name, Path state, List<String> rest) {
        static Options parse(String[] args) {
            EnforcementSpec enforcement = new EnforcementSpec();
            String name = null;
            Path state = ApplyCommand.STATE;
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--no-ipv6")) {
                    enforcement.setIpv6(false);
                    continue;
                }
                if (!List.of("--backend", "--hook", "--name", "--state").contains(arg)) {
                    rest.add(arg);
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--backend" -> enforcement.setBackend(switch (value) {
                        case "auto" -> EnforcementSpec.Backend.AUTO;
                        case "ipset" -> EnforcementSpec.Backend.IPSET;
                        case "nftables" -> EnforcementSpec.Backend.NFTABLES;
                        default -> throw new IllegalArgumentException("--backend is auto, ipset or nftables");
                    });
                    case "--hook" -> enforcement.setHook(switch (value) {
                        case "prerouting" -> EnforcementSpec.Hook.PREROUTING;
                        case "input" -> EnforcementSpec.Hook.INPUT;
                        default -> throw new IllegalArgumentException("--hook is prerouting or input");
                    });
                    case "--name" -> {
                        if (!value.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?")) {
                            throw new IllegalArgumentException("--name is a lower-case name, or NAMESPACE/BLOCKLIST");
                        }
                        name = value;
                    }
                    default -> state = Path.of(value);
                }
            }
            return new Options(enforcement, name, state, rest);
        }
    }

    static int apply(String[] args, InputStream stdin, PrintStream out, PrintStream err) throws Exception {
        Options options;
        ValidateCommand.Options list;
        try {
            options = Options.parse(args);
            list = ValidateCommand.Options.parse(options.rest().toArray(String[]::new));
            if (list.file() == null) {
                throw new IllegalArgumentException("FILE is missing (- for standard input is not taken: a list that"
                        + " replaces a node's must be a file you can look at again)");
            }
        } catch (IllegalArgumentException e) {
            err.println("sikkerguard apply: " + e.getMessage());
            err.println(APPLY_USAGE);
            return Main.USAGE;
        }
        ValidationResult result = ValidateCommand.validate(list, stdin, err);
        if (result instanceof ValidationResult.Rejected) {
            return ValidateCommand.REJECTED;
        }
        var blocked = ((ValidationResult.Accepted) result).blocked();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                java.nio.file.Files.readAllBytes(Path.of(list.file()))));
        String name = options.name() == null ? "default" : options.name();
        try {
            boolean applied = new ApplyCommand(Commands.local(), out).apply(blocked, digest, options.enforcement(),
                    name, options.state());
            return applied ? 0 : ValidateCommand.REJECTED;
        } catch (com.sikkerapi.guard.firewall.FirewallException e) {
            err.println("sikkerguard apply: " + e.getMessage());
            return 1;
        }
    }

    static int cleanup(String[] args, PrintStream out, PrintStream err) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
            if (!options.rest().isEmpty()) {
                throw new IllegalArgumentException("unknown argument " + options.rest().get(0));
            }
        } catch (IllegalArgumentException e) {
            err.println("sikkerguard cleanup: " + e.getMessage());
            err.println(CLEANUP_USAGE);
            return Main.USAGE;
        }
        List<String> removed = options.name() == null
                ? com.sikkerapi.guard.firewall.Cleanup.run(Commands.local())
                : new ApplyCommand(Commands.local(), out).cleanup(options.name(), options.state());
        removed.forEach(line -> out.println("removed " + line));
        out.println(removed.isEmpty() ? "nothing to remove" : removed.size() + " objects removed");
        return 0;
    }
}
