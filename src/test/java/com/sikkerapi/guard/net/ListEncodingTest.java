package com.sikkerapi.guard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The published list's encoding: every list comes back exactly (compared as the canonical CIDR text), one list has
 * one encoding, and anything encoding never produces (cut short, trailing bytes, a value in a longer form than
 * needed, a range past the end of the address space, parts of another version) is refused.
 */
class ListEncodingTest {
    private static String text(AddressSet set) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CidrWriter.write(set, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static void roundTrips(AddressSet set) {
        byte[] encoded = ListEncoding.encode(set);
        AddressSet decoded = ListEncoding.decode(encoded);
        assertThat(text(decoded)).isEqualTo(text(set));
        assertThat(ListEncoding.encode(decoded)).as("one list, one encoding").isEqualTo(encoded);
    }

    @Test
    void theEdgesOfBothAddressSpacesComeBackExactly() {
        for (List<String> list : List.of(List.<String>of(), List.of("0.0.0.0/0"), List.of("255.255.255.255"),
                List.of("0.0.0.0", "255.255.255.255"), List.of("127.255.255.255", "128.0.0.0/31"),
                List.of("0.0.0.0", "0.0.0.2", "255.255.255.253"), List.of("::/0"),
                List.of("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), List.of("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd"),
                List.of("::ffff:ffff:ffff:ffff", "0:0:0:1::/64", "1::/16"), List.of("0:0:0:0:ffff:ffff:ffff:fffe"),
                List.of("8000::/1", "7fff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"),
                List.of("45.1.2.3", "45.1.2.0/24", "2a0f:ff::/48", "1.1.1.1", "2001:db8::1"))) {
            roundTrips(AddressSet.of(list));
        }
    }

    @Test
    void randomListsComeBackExactly() {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            List<String> list = new ArrayList<>();
            for (int i = random.nextInt(60); i > 0; i--) {
                long address = random.nextBoolean() ? random.nextLong() & 0xffffffffL
                        : 0xffffffffL - random.nextInt(5000);
                list.add(((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "."
                        + (address & 255) + "/" + (16 + random.nextInt(17)));
            }
            for (int i = random.nextInt(30); i > 0; i--) {
                String[] near = {"0:0:0:1::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:", "2a0f:" + Integer.toHexString(
                        random.nextInt(65536)) + "::", "0:0:0:0:ffff:ffff:ffff:"};
                String base = near[random.nextInt(near.length)];
                String address = base.endsWith("::") ? base + Integer.toHexString(random.nextInt(65536))
                        : base + Integer.toHexString(random.nextInt(65536));
                list.add(address + "/" + (48 + random.nextInt(81)));
            }
            AddressSet set = AddressSet.of(list);
            byte[] encoded = ListEncoding.encode(set);
            assertThat(text(ListEncoding.decode(encoded))).as("seed %d", seed).isEqualTo(text(set));
        }
    }

    @Test
    void whatEncodingNeverProducesIsRefused() {
        byte[] valid = ListEncoding.encode(AddressSet.of(List.of("45.1.2.3", "45.9.0.0/16", "2a0f:ff::/48")));
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> ListEncoding.decode(cut)).as("cut to %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        assertThatThrownBy(() -> ListEncoding.decode(trailing)).hasMessageContaining("after the end");
        assertThatThrownBy(() -> ListEncoding.decode("XGL1".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("not a sikkerguard list");
        // count 1 written as 0x81 0x00: the same value in a longer form, which would give the list a second digest.
        assertThatThrownBy(() -> ListEncoding.decode(bytes("SGL1", 0x81, 0x00, 0x00, 0x05, 0x00)))
                .hasMessageContaining("shortest form");
        // one IPv4 range starting at 255.255.255.255 (gap 2^32 - 1) and two addresses long
        assertThatThrownBy(() -> ListEncoding.decode(bytes("SGL1", 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01)))
                .hasMessageContaining("past 255.255.255.255");
        // one IPv6 range from the last address, two long
        byte[] last = new byte[19];
        Arrays.fill(last, (byte) 0xff);
        last[18] = 0x03;
        ByteArrayOutputStream past = new ByteArrayOutputStream();
        past.writeBytes(bytes("SGL1", 0x00, 0x01));
        past.writeBytes(last);
        past.write(0x01);
        assertThatThrownBy(() -> ListEncoding.decode(past.toByteArray())).hasMessageContaining("past the last address");
    }

    private static byte[] bytes(String magic, int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(magic.getBytes(StandardCharsets.US_ASCII));
        for (int v : values) {
            out.write(v);
        }
        return out.toByteArray();
    }

    @Test
    void partsJoinOnlyIntoTheListTheirDigestNames() {
        Random random = new Random(7);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            entries.add((1 + random.nextInt(222)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                    + random.nextInt(256));
        }
        byte[] encoded = ListEncoding.encode(AddressSet.of(entries));
        String digest = ListEncoding.digest(encoded);
        assertThat(digest).hasSize(64).matches("[0-9a-f]+");
        List<byte[]> parts = ListEncoding.split(encoded, 10_000);
        assertThat(parts).hasSizeGreaterThan(3).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(10_000));
        assertThat(ListEncoding.join(parts, digest)).isEqualTo(encoded);

        List<byte[]> swapped = new ArrayList<>(parts);
        Collections.swap(swapped, 0, 1);
        assertThatThrownBy(() -> ListEncoding.join(swapped, digest)).hasMessageContaining("do not make the list");
        byte[] other = ListEncoding.encode(AddressSet.of(entries.subList(0, 19_000)));
        List<byte[]> mixed = new ArrayList<>(parts);
        mixed.set(0, ListEncoding.split(other, 10_000).get(0));
        assertThatThrownBy(() -> ListEncoding.join(mixed, digest)).hasMessageContaining("do not make the list");
        assertThat(ListEncoding.split(ListEncoding.encode(AddressSet.EMPTY), 10_000)).hasSize(1);
    }
}
