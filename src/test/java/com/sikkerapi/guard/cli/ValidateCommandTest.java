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

/** The command's contract: standard output, one line per rejected input line on standard error, exit codes. */
class ValidateCommandTest {
    record Outcome(int exit, String stdout, String stderr) {
    }

    private static Outcome run(String stdin, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new ValidateCommand().run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void acceptedListGoesToStdoutIpv4FirstThenIpv6() throws Exception {
        Outcome o = run("2a05:d000::/25\n2001:67C:2E8::1\n8.8.8.8\n1.1.1.0/24\n9.9.9.9/32\n" + "4.4.4.4\n".repeat(20),
                "--min-prefix-v6", "24");
        assertThat(o.exit()).isZero();
        assertThat(o.stdout()).isEqualTo("1.1.1.0/24\n4.4.4.4\n8.8.8.8\n9.9.9.9\n2001:67c:2e8::1\n2a05:d000::/25\n");
        assertThat(o.stderr()).startsWith("accepted: 25 entries, 0 invalid lines, 0 too-short prefixes");
    }

    @Test
    void rejectedLinesAreReportedOneEachAndTheListStillPasses() throws Exception {
        Outcome o = run("1.2.3.4\n" + "5.6.7.8\n".repeat(20) + "999.1.1.1\n", "--whitelist", "5.6.7.8");
        assertThat(o.exit()).isZero();
        assertThat(o.stdout()).isEqualTo("1.2.3.4\n");
        assertThat(o.stderr().lines()).first().isEqualTo("line 22: not a strict IPv4 address: 999.1.1.1");
    }

    @Test
    void aListPastTheDefaultCoverageBoundIsRefused() throws Exception {
        Outcome o = run(com.sikkerapi.guard.testing.TestFeeds.everySlashEight());
        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.stdout()).isEmpty();
        assertThat(o.stderr()).contains("the list covers 86.20% of the IPv4 space, more than the 5%");
    }

    @Test
    void refusedListExitsThreeWithTheReasonAndPrintsNothing() throws Exception {
        Outcome o = run("garbage\nmore garbage\n1.2.3.4\n");
        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.stdout()).isEmpty();
        assertThat(o.stderr()).contains("rejected: 2 of 3 lines are not addresses");
    }

    @Test
    void growthIsMeasuredAgainstThePreviousFile(@TempDir Path dir) throws Exception {
        Path previous = dir.resolve("previous.txt");
        Files.writeString(previous, "1.0.0.1\n1.0.0.2\n");
        Outcome o = run("1.0.0.1\n1.0.0.2\n1.0.0.3\n1.0.0.4\n1.0.0.5\n", "--previous", previous.toString());
        assertThat(o.exit()).isEqualTo(3);
        assertThat(o.stderr()).contains("5 entries is more than 2.0 times the 2 of the last good list");
        assertThat(run("1.0.0.1\n1.0.0.2\n1.0.0.3\n1.0.0.4\n1.0.0.5\n", "--previous", previous.toString(),
                "--max-growth", "3").exit()).isZero();
    }

    @Test
    void formatsAndFilesAreHonoured(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("drop.json");
        Files.writeString(file, "{\"cidr\":\"1.10.16.0/20\"}\n{\"type\":\"metadata\"}\n");
        Outcome o = run("", "--format", "spamhaus-ndjson", file.toString());
        assertThat(o.exit()).isZero();
        assertThat(o.stdout()).isEqualTo("1.10.16.0/20\n");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertThat(run("", "--format", "xml").exit()).isEqualTo(2);
        assertThat(run("", "--max-growth").exit()).isEqualTo(2);
        assertThat(run("", "--max-growth", "0.5").exit()).isEqualTo(2);
        assertThat(run("", "--whitelist", "010.1.1.1").exit()).isEqualTo(2);
        assertThat(run("", "--bogus", "1").exit()).isEqualTo(2);
        assertThat(run("", "a.txt", "b.txt").stderr()).contains("usage: sikkerguard validate");
    }
}
