package com.sikkerapi.guard.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.net.SpecialRanges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * FireHOL's iprange (a C tool that has merged blocklists for a decade) as an oracle: on generated feeds, what we
 * would block is exactly {@code iprange FEED --except SPECIAL_RANGES}, compared as iprange's canonical CIDR list.
 * Feeds come from a seeded generator, so a failure names the seed that reproduces it.
 */
class IprangeOracleTest {
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** Random hosts and networks, denser in a few /8s so that overlaps, neighbours and special ranges all occur. */
    private static String feed(long seed, int lines) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        int[] firstOctets = {1, 10, 100, 127, 169, 172, 192, 198, 203, 223, 224, 250};
        for (int i = 0; i < lines; i++) {
            int a = random.nextInt(4) == 0 ? random.nextInt(223) + 1 : firstOctets[random.nextInt(firstOctets.length)];
            int b = random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(4) + 60;
            int c = random.nextInt(256);
            int d = random.nextInt(256);
            int prefix = random.nextInt(3) == 0 ? 32 : 8 + random.nextInt(25);
            text.append(a).append('.').append(b).append('.').append(c).append('.').append(d);
            if (prefix != 32 || random.nextBoolean()) {
                text.append('/').append(prefix);
            }
            text.append(random.nextInt(10) == 0 ? " # with a comment\n" : "\n");
        }
        return text.toString();
    }

    @Test
    void sameAddressesAsIprangeExceptSpecialRanges() throws Exception {
        for (long seed = 1; seed <= 30; seed++) {
            int lines = 1 + new Random(-seed).nextInt(3000);
            try {
                compare(seed, lines);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", " + lines + " lines", e);
            }
        }
    }

    /** The defaults but the coverage bound: the random lists here are about parsing and aggregation, and wide. */
    private static final ValidationPolicy ANY_COVERAGE = new ValidationPolicy(2.0, 8, 32, 0.1,
            com.sikkerapi.guard.net.AddressSet.EMPTY, new com.sikkerapi.guard.api.ListBounds(8, 32, 100, 100));

    private static void compare(long seed, int lines) throws Exception {
        Path dir = Files.createTempDirectory("oracle");
        try {
            Path feedFile = dir.resolve("feed.txt");
            Files.writeString(feedFile, feed(seed, lines));
            Path special = dir.resolve("special.txt");
            Files.write(special, SpecialRanges.IPV4);
            String expected = run(List.of("iprange", feedFile.toString(), "--except", special.toString()));

            var run = Feeds.validate("plain", feedFile, ANY_COVERAGE);
            if (run.result() instanceof ValidationResult.Rejected rejected) {
                assertThat(expected).as("refused only when nothing is left: " + rejected.reason()).isEmpty();
                return;
            }
            Path ours = dir.resolve("ours.txt");
            Files.write(ours, Feeds.blocked(run.result()));
            // Our output is already canonical; iprange re-reading it must change nothing.
            assertThat(run(List.of("iprange", ours.toString()))).isEqualTo(expected);
            assertThat(Files.readString(ours)).isEqualTo(expected);

            // The prefix reduction matches iprange's --ipset-reduce, entry for entry.
            var blocked = ((ValidationResult.Accepted) run.result()).blocked();
            var out = new java.io.ByteArrayOutputStream();
            com.sikkerapi.guard.net.CidrWriter.write(blocked, out,
                    com.sikkerapi.guard.net.PrefixReduction.plan(blocked.v4(), 20, 100), blocked.v4());
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(run(List.of("iprange", ours.toString(),
                    "--ipset-reduce", "20", "--ipset-reduce-entries", "100")));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
