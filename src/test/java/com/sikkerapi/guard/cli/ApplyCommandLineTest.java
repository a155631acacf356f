package com.sikkerapi.guard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apply's and cleanup's exit codes before anything reaches the kernel: usage errors (2) and refused lists (3). */
class ApplyCommandLineTest {
    @TempDir
    Path folder;

    private static int apply(PrintStream err, String... args) throws Exception {
        return ApplyCommandLine.apply(args, new ByteArrayInputStream(new byte[0]), System.out, err);
    }

    @Test
    void usageErrorsExitTwoAndSayWhy() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(apply(errors, "--backend", "pf", "list.txt")).isEqualTo(2);
        assertThat(apply(errors, "--hook", "output", "list.txt")).isEqualTo(2);
        assertThat(apply(errors, "--name", "Not A Name", "list.txt")).isEqualTo(2);
        assertThat(apply(errors, "--backend", "nftables")).as("no FILE").isEqualTo(2);
        assertThat(apply(errors, "--format", "xml", "list.txt")).as("validate's own options").isEqualTo(2);
        assertThat(ApplyCommandLine.cleanup(new String[] {"--name"}, System.out, errors)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--backend is auto, ipset or nftables")
                .contains("--hook is prerouting or input").contains("FILE is missing")
                .contains(ApplyCommandLine.APPLY_USAGE).contains(ApplyCommandLine.CLEANUP_USAGE);
    }

    @Test
    void aListValidateRefusesIsRefusedWithThreeAndNothingApplied() throws Exception {
        Path list = Files.writeString(folder.resolve("list.txt"), "garbage\nmore garbage\n1.2.3.4\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(apply(new PrintStream(err, true, StandardCharsets.UTF_8), "--state", folder.resolve("state")
                .toString(), list.toString())).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("rejected: 2 of 3 lines are not addresses");
        assertThat(folder.resolve("state")).doesNotExist();
    }
}
