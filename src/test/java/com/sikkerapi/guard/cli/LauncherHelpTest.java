package com.sikkerapi.guard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The built launcher (what the image runs): every command it lists answers {@code --help} with its own usage and
 * exit 0, without doing anything else (the operator does not boot, the agent does not start).
 */
class LauncherHelpTest {
    private static final Path LAUNCHER = Path.of("target/sikkerguard/bin/sikkerguard");

    record Run(int exit, String stdout) {
    }

    private static Run run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("sikkerguard %s ends", command).isTrue();
        return new Run(process.exitValue(), out);
    }

    @Test
    void everyListedCommandAnswersHelpWithItsUsage() throws Exception {
        assertThat(Files.isExecutable(LAUNCHER)).as("make build ran first").isTrue();
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        List<String> names = help.stdout().lines().filter(l -> l.startsWith("  ")).map(l -> l.strip().split(" ")[0])
                .toList();
        assertThat(names).contains("operator", "agent", "validate", "health", "cleanup", "hub", "version");
        for (String name : names) {
            Run usage = run(name, "--help");
            assertThat(usage.exit()).as("sikkerguard %s --help", name).isZero();
            assertThat(usage.stdout()).as("sikkerguard %s --help", name).startsWith("usage: sikkerguard " + name);
        }
        assertThat(run("validate", "-h").stdout()).contains("--format", "exit 0 accepted, 3 refused");
    }
}
