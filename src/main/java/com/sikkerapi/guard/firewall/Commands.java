package com.sikkerapi.guard.firewall;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the kernel tools (ipset, iptables), optionally through a prefix such as {@code ip netns exec NS} (how tests
 * put a whole node into a network namespace). Standard input is streamed, so a million entries never sit in one
 * String.
 */
public final class Commands {
    /** Writes a command's standard input. */
    @FunctionalInterface
    public interface Input {
        void writeTo(OutputStream out) throws IOException;
    }

    public record Result(List<String> command, int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }

        public Result check() {
            if (exit != 0) {
                throw new FirewallException(String.join(" ", command) + " failed (" + exit + "): " + output.strip());
            }
            return this;
        }
    }

    private static final Logger LOG = Logger.getLogger(Commands.class);
    private final List<String> prefix;

    public Commands(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    public static Commands local() {
        return new Commands(List.of());
    }

    public Result run(String... command) {
        return run(null, command);
    }

    public Result run(Input input, String... command) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(command));
        long start = System.nanoTime();
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
            try (OutputStream stdin = new java.io.BufferedOutputStream(process.getOutputStream(), 1 << 16)) {
                if (input != null) {
                    input.writeTo(stdin);
                }
            } catch (IOException e) {
                // The tool stopped reading (it failed early); its exit status and output say why.
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new FirewallException(String.join(" ", full) + " did not finish within 120 s");
            }
            Result result = new Result(List.of(command), process.exitValue(), output.join());
            LOG.debugf("%s: exit %d after %d ms", String.join(" ", command), result.exit(),
                    (System.nanoTime() - start) / 1_000_000);
            return result;
        } catch (IOException e) {
            throw new FirewallException("cannot run " + String.join(" ", full) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FirewallException("interrupted: " + String.join(" ", full));
        }
    }

    /**
     * A long-running tool (a log reader): its standard output is for the caller to read, its standard error goes
     * to the agent's own. Stopping it is the caller's.
     */
    public Process start(String... command) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(command));
        try {
            return new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new FirewallException("cannot run " + String.join(" ", full) + ": " + e.getMessage());
        }
    }

    private static String drain(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
