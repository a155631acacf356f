package com.sikkerapi.guard.bench;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Ipv4RangeSet;
import com.sikkerapi.guard.net.Ipv6RangeSet;
import com.sikkerapi.guard.net.ListEncoding;
import java.util.Arrays;
import java.util.Random;

/**
 * `make bench`: the size of a published list (ListEncoding) for 5k, 100k and 1M entries, IPv4 only and mixed (80%
 * IPv4 hosts, 20% IPv6 /64s, scattered as real feeds are), the ConfigMap parts it needs, and the time to encode and
 * to decode it (median of 9). Prints Markdown table rows. A benchmark, not a test.
 */
public final class ListEncodingBench {
    /** What one ConfigMap part holds: binaryData under the API server's 1 MiB object limit, with room to spare. */
    static final int PART = 900 * 1024;

    private ListEncodingBench() {
    }

    static AddressSet list(int entries, double v6Share, long seed) {
        Random random = new Random(seed);
        Ipv4RangeSet.Builder v4 = new Ipv4RangeSet.Builder();
        Ipv6RangeSet.Builder v6 = new Ipv6RangeSet.Builder();
        for (int i = 0; i < entries; i++) {
            if (random.nextDouble() < v6Share) {
                v6.addCidr(0x2000_0000_0000_0000L | (random.nextLong() >>> 4), 0, 64);
            } else {
                long address = random.nextLong() & 0xffffffffL;
                v4.add(address, address);
            }
        }
        return new AddressSet(v4.build(), v6.build());
    }

    public static void main(String[] args) {
        for (double v6Share : new double[] {0, 0.2}) {
            for (int entries : new int[] {5_000, 100_000, 1_000_000}) {
                AddressSet list = list(entries, v6Share, entries);
                long[] encode = new long[9];
                long[] decode = new long[9];
                byte[] encoded = null;
                for (int round = 0; round < 9; round++) {
                    long t0 = System.nanoTime();
                    encoded = ListEncoding.encode(list);
                    long t1 = System.nanoTime();
                    ListEncoding.decode(encoded);
                    decode[round] = System.nanoTime() - t1;
                    encode[round] = t1 - t0;
                }
                Arrays.sort(encode);
                Arrays.sort(decode);
                System.out.printf("| %,d | %s | %,d bytes (%.2f a range) | %d | %.1f ms | %.1f ms |%n", entries,
                        v6Share == 0 ? "IPv4" : "80% IPv4, 20% IPv6 /64", encoded.length,
                        (double) encoded.length / (list.v4().rangeCount() + list.v6().rangeCount()),
                        ListEncoding.split(encoded, PART).size(), encode[4] / 1e6, decode[4] / 1e6);
            }
        }
    }
}
