package com.sikkerapi.guard.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Entry point of every command but {@code operator} (which boots Quarkus through the launcher). Commands here run
 * without the framework, so a node agent or a one-off command costs only the JVM's start-up.
 */
public final class Main {
    /** A command's exit status for a usage error, as documented for every command. */
    public static final int USAGE = 2;

    interface Command {
        int run(String[] args) throws Exception;

        String summary();

        /** What {@code sikkerguard NAME --help} prints: the arguments the command takes. */
        default String usage(String name) {
            return "usage: sikkerguard " + name + "\n  " + summary();
        }
    }

    private static final Map<String, Command> COMMANDS = new TreeMap<>();

    static {
        COMMANDS.put("agent", new Command() {
            @Override
            public int run(String[] args) {
                return com.sikkerapi.guard.agent.AgentCommand.main();
            }

            @Override
            public String summary() {
                return "run the node agent (as the DaemonSet does; configured by its environment)";
            }
        });
        COMMANDS.put("hub", new Command() {
            @Override
            public int run(String[] args) {
                return com.sikkerapi.guard.hub.HubCommand.main();
            }

            @Override
            public String summary() {
                return "run the blocklist's hub: one pull for the cluster, the list published for the nodes and the"
                        + " web tier (as its Deployment does; configured by its environment)";
            }
        });
        COMMANDS.put("apply", new Command() {
            @Override
            public int run(String[] args) throws Exception {
                ConsoleLogging.configure(System.getenv("SIKKERGUARD_LOG_LEVEL"));
                return ApplyCommandLine.apply(args, System.in, System.out, System.err);
            }

            @Override
            public String summary() {
                return "validate a list file and enforce it in this network namespace as the agent would "
                        + "(a difference when a list of that name is in place)";
            }

            @Override
            public String usage(String name) {
                return ApplyCommandLine.APPLY_USAGE + "\n  " + summary() + "\n  NAME: a name of your own (default: "
                        + "default), or NAMESPACE/BLOCKLIST for that blocklist's agent's sets\n  exit 0 applied, 3 "
                        + "refused (validation or self-test), 2 usage error, 1 the kernel tools failed";
            }
        });
        COMMANDS.put("cleanup", new Command() {
            @Override
            public int run(String[] args) throws Exception {
                return ApplyCommandLine.cleanup(args, System.out, System.err);
            }

            @Override
            public String summary() {
                return "remove every sikkerguard rule, chain, set and table from this node, or --name NAME's only";
            }

            @Override
            public String usage(String name) {
                return ApplyCommandLine.CLEANUP_USAGE + "\n  " + summary();
            }
        });
        COMMANDS.put("health", new Command() {
            @Override
            public int run(String[] args) {
                return com.sikkerapi.guard.agent.HealthCommand.run(args, System.getenv(), System.out);
            }

            @Override
            public String summary() {
                return "ask this container's agent: /healthz, or --live (/livez), --status (/status)";
            }

            @Override
            public String usage(String name) {
                return "usage: sikkerguard health [--live|--status]\n  " + summary()
                        + "\n  exit 0 when the agent answers 200, 1 otherwise";
            }
        });
        COMMANDS.put("validate", new ValidateCommand());
        COMMANDS.put("version", new Command() {
            @Override
            public int run(String[] args) {
                System.out.println("sikkerguard " + version());
                return 0;
            }

            @Override
            public String summary() {
                return "print the version";
            }
        });
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(args.length == 0 ? err : System.out);
            return args.length == 0 ? USAGE : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("sikkerguard: unknown command: " + args[0]);
            usage(err);
            return USAGE;
        }
        if (args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"))) {
            System.out.println(command.usage(args[0]));
            return 0;
        }
        return command.run(Arrays.copyOfRange(args, 1, args.length));
    }

    private static void usage(PrintStream out) {
        out.println("usage: sikkerguard <command> [arguments]");
        out.println("  operator     run the Kubernetes operator");
        COMMANDS.forEach((name, command) -> out.printf("  %-12s %s%n", name, command.summary()));
    }

    public static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
