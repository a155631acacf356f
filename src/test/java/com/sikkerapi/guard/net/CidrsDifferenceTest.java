package com.sikkerapi.guard.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The difference an incremental update applies, against the plainest model: the two lists' entries as sets of text
 * lines. Deleting what it says to delete from the old entries and adding what it says to add gives exactly the new
 * ones; nothing it deletes is missing from the old ones, nothing it adds is there already. Seeded lists in a small
 * universe across 128.0.0.0 and an IPv6 64-bit boundary, so that ranges merge, split and carry.
 */
class CidrsDifferenceTest {
    private static AddressSet list(Random random) {
        List<String> entries = new ArrayList<>();
        for (int i = random.nextInt(60); i > 0; i--) {
            long address = 0x7ffff800L + random.nextInt(4096);
            entries.add(((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "."
                    + (address & 255) + "/" + (20 + random.nextInt(13)));
        }
        for (int i = random.nextInt(20); i > 0; i--) {
            entries.add("2a0f:0:0:" + (random.nextBoolean() ? "ffff" : "1") + ":ffff:ffff:ffff:"
                    + Integer.toHexString(random.nextInt(65536)) + "/" + (100 + random.nextInt(29)));
        }
        return AddressSet.of(entries);
    }

    private static TreeSet<String> lines(Cidrs cidrs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CidrWriter.write(cidrs, out, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TreeSet<>(out.toString(java.nio.charset.StandardCharsets.US_ASCII).lines().toList());
    }

    @Test
    void deletingAndAddingTheDifferenceTurnsOneListsEntriesIntoTheOthers() {
        for (long seed = 0; seed < 3000; seed++) {
            Random random = new Random(seed);
            AddressSet from = list(random);
            AddressSet to = random.nextInt(5) == 0 ? from : random.nextBoolean() ? list(random)
                    : from.union(list(random)).except(list(random));
            Cidrs before = Cidrs.of(from);
            Cidrs after = Cidrs.of(to);
            Cidrs.Difference difference = Cidrs.difference(before, after);
            TreeSet<String> old = lines(before);
            TreeSet<String> removed = lines(difference.removed());
            TreeSet<String> added = lines(difference.added());
            assertThat(old).as("seed %d: deletes only what is there", seed).containsAll(removed);
            assertThat(added).as("seed %d: adds nothing that is there", seed).doesNotContainAnyElementsOf(old);
            TreeSet<String> result = new TreeSet<>(old);
            result.removeAll(removed);
            result.addAll(added);
            assertThat(result).as("seed %d", seed).isEqualTo(lines(after));
            assertThat(difference.changes()).as("seed %d: counted", seed).isEqualTo(removed.size() + added.size());
            if (from == to) {
                assertThat(difference.changes()).isZero();
            }
        }
    }

    @Test
    void samplesAreTheFirstMiddleAndLastHostsOrNetworksOfAFamilyAsWritten() {
        Cidrs cidrs = Cidrs.of(AddressSet.of(List.of("45.0.0.0/24", "45.0.1.9", "45.0.2.0/24", "45.0.3.1",
                "45.0.4.0/24", "45.0.5.1", "45.0.6.0/24", "45.0.7.7", "2a0f::/48", "2a0f:1::1")));
        Cidrs none = Cidrs.of(AddressSet.EMPTY);
        assertThat(cidrs.samples(false, false, none)).containsExactly("45.0.0.0/24", "45.0.4.0/24", "45.0.6.0/24");
        assertThat(cidrs.samples(false, true, none)).containsExactly("45.0.1.9", "45.0.5.1", "45.0.7.7");
        Cidrs removed = Cidrs.of(AddressSet.of(List.of("45.0.5.1", "45.0.6.0/24", "2a0f::/48")));
        assertThat(cidrs.samples(false, true, removed)).containsExactly("45.0.1.9", "45.0.7.7");
        assertThat(cidrs.samples(false, false, removed)).containsExactly("45.0.0.0/24", "45.0.4.0/24");
        assertThat(cidrs.samples(true, false, removed)).isEmpty();
        assertThat(cidrs.count(false, true)).isEqualTo(4);
        assertThat(cidrs.samples(true, false, none)).containsExactly("2a0f::/48");
        assertThat(cidrs.samples(true, true, removed)).containsExactly("2a0f:1::1");
        assertThat(cidrs.count(true, false)).isEqualTo(1);
        assertThat(Cidrs.of(AddressSet.EMPTY).samples(false, true, none)).isEmpty();
    }
}
