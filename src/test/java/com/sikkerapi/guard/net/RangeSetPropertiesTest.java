package com.sikkerapi.guard.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The set operations against a reference model that is obviously right: a TreeSet of every address, in a small
 * universe (a few thousand addresses, so the model stays small) placed across the boundaries where packing and
 * carries go wrong: 128.0.0.0 (the sign bit of a packed IPv4 range) and the 64-bit word boundary of IPv6.
 * Inputs are drawn from a seeded generator, so a failure names the seed that reproduces it.
 */
class RangeSetPropertiesTest {
    private static final long V4_BASE = 0x7ffff800L;            // 4096 addresses across 128.0.0.0
    private static final BigInteger V6_BASE = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.valueOf(2048));

    record Cidr4(long address, int prefix) {
    }

    static List<Cidr4> v4List(Random random) {
        List<Cidr4> list = new ArrayList<>();
        for (int i = random.nextInt(41); i > 0; i--) {
            list.add(new Cidr4(V4_BASE + random.nextInt(4096), 20 + random.nextInt(13)));
        }
        return list;
    }

    private static Ipv4RangeSet build4(List<Cidr4> cidrs) {
        Ipv4RangeSet.Builder builder = new Ipv4RangeSet.Builder();
        cidrs.forEach(c -> builder.addCidr(c.address(), c.prefix()));
        return builder.build();
    }

    private static TreeSet<Long> model4(List<Cidr4> cidrs) {
        TreeSet<Long> model = new TreeSet<>();
        for (Cidr4 c : cidrs) {
            long first = c.address() & Masks.v4Mask(c.prefix());
            for (long a = first; a <= (first | (~Masks.v4Mask(c.prefix()) & 0xffffffffL)); a++) {
                model.add(a);
            }
        }
        return model;
    }

    private static TreeSet<Long> expand4(Ipv4RangeSet set) {
        TreeSet<Long> out = new TreeSet<>();
        List<long[]> cidrs = new ArrayList<>();
        set.forEachCidr((address, prefix) -> cidrs.add(new long[] {address, prefix}));
        long previousEnd = -1;
        for (long[] c : cidrs) {
            int prefix = (int) c[1];
            assertThat(c[0] & ~Masks.v4Mask(prefix) & 0xffffffffL).as("network address").isZero();
            assertThat(c[0]).as("ascending and disjoint").isGreaterThan(previousEnd);
            long size = 1L << (32 - prefix);
            for (long a = c[0]; a < c[0] + size; a++) {
                out.add(a);
            }
            previousEnd = c[0] + size - 1;
        }
        return out;
    }

    @Test
    void v4UnionExceptAndAggregateMatchTheModel() {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            List<Cidr4> a = v4List(random);
            List<Cidr4> b = v4List(random);
            try {
                checkV4(a, b);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + a + " / " + b, e);
            }
        }
    }

    private static void checkV4(List<Cidr4> a, List<Cidr4> b) {
        Ipv4RangeSet setA = build4(a);
        Ipv4RangeSet setB = build4(b);
        TreeSet<Long> modelA = model4(a);
        TreeSet<Long> modelB = model4(b);
        TreeSet<Long> union = new TreeSet<>(modelA);
        union.addAll(modelB);
        TreeSet<Long> except = new TreeSet<>(modelA);
        except.removeAll(modelB);
        assertThat(expand4(setA.union(setB))).isEqualTo(union);
        assertThat(expand4(setA.except(setB))).isEqualTo(except);
        assertThat(setA.addressCount()).isEqualTo(modelA.size());
        for (long probe = V4_BASE; probe < V4_BASE + 4096; probe += 37) {
            assertThat(setA.contains(probe)).isEqualTo(modelA.contains(probe));
        }
        assertMinimal4(setA.union(setB));
    }

    /** Minimal: no two emitted CIDRs could merge into their common parent. */
    private static void assertMinimal4(Ipv4RangeSet set) {
        List<long[]> cidrs = new ArrayList<>();
        set.forEachCidr((address, prefix) -> cidrs.add(new long[] {address, prefix}));
        for (int i = 1; i < cidrs.size(); i++) {
            long[] x = cidrs.get(i - 1);
            long[] y = cidrs.get(i);
            boolean siblings = x[1] == y[1] && x[1] > 0 && (x[0] & Masks.v4Mask((int) x[1] - 1)) == (y[0]
                    & Masks.v4Mask((int) y[1] - 1));
            assertThat(siblings).as("%s and %s could merge", x[0], y[0]).isFalse();
        }
    }

    record Cidr6(BigInteger address, int prefix) {
    }

    static List<Cidr6> v6List(Random random) {
        List<Cidr6> list = new ArrayList<>();
        for (int i = random.nextInt(31); i > 0; i--) {
            list.add(new Cidr6(V6_BASE.add(BigInteger.valueOf(random.nextInt(4096))), 117 + random.nextInt(12)));
        }
        return list;
    }

    private static long hi(BigInteger a) {
        return a.shiftRight(64).longValue();
    }

    private static long lo(BigInteger a) {
        return a.longValue();
    }

    private static BigInteger big(long hi, long lo) {
        return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
    }

    private static Ipv6RangeSet build6(List<Cidr6> cidrs) {
        Ipv6RangeSet.Builder builder = new Ipv6RangeSet.Builder();
        cidrs.forEach(c -> builder.addCidr(hi(c.address()), lo(c.address()), c.prefix()));
        return builder.build();
    }

    private static TreeSet<BigInteger> model6(List<Cidr6> cidrs) {
        TreeSet<BigInteger> model = new TreeSet<>();
        for (Cidr6 c : cidrs) {
            BigInteger size = BigInteger.ONE.shiftLeft(128 - c.prefix());
            BigInteger first = c.address().subtract(c.address().mod(size));
            for (BigInteger a = first; a.compareTo(first.add(size)) < 0; a = a.add(BigInteger.ONE)) {
                model.add(a);
            }
        }
        return model;
    }

    private static TreeSet<BigInteger> expand6(Ipv6RangeSet set) {
        TreeSet<BigInteger> out = new TreeSet<>();
        set.forEachCidr((hi, lo, prefix) -> {
            BigInteger first = big(hi, lo);
            BigInteger size = BigInteger.ONE.shiftLeft(128 - prefix);
            assertThat(first.mod(size)).as("network address").isEqualTo(BigInteger.ZERO);
            for (BigInteger a = first; a.compareTo(first.add(size)) < 0; a = a.add(BigInteger.ONE)) {
                assertThat(out.add(a)).as("disjoint").isTrue();
            }
        });
        return out;
    }

    @Test
    void v6UnionExceptAndAggregateMatchTheModel() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            List<Cidr6> a = v6List(random);
            List<Cidr6> b = v6List(random);
            try {
                checkV6(a, b);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + a + " / " + b, e);
            }
        }
    }

    private static void checkV6(List<Cidr6> a, List<Cidr6> b) {
        Ipv6RangeSet setA = build6(a);
        Ipv6RangeSet setB = build6(b);
        TreeSet<BigInteger> modelA = model6(a);
        TreeSet<BigInteger> modelB = model6(b);
        TreeSet<BigInteger> union = new TreeSet<>(modelA);
        union.addAll(modelB);
        TreeSet<BigInteger> except = new TreeSet<>(modelA);
        except.removeAll(modelB);
        assertThat(expand6(setA.union(setB))).isEqualTo(union);
        assertThat(expand6(setA.except(setB))).isEqualTo(except);
        for (int offset = 0; offset < 4096; offset += 29) {
            BigInteger probe = V6_BASE.add(BigInteger.valueOf(offset));
            assertThat(setA.contains(hi(probe), lo(probe))).isEqualTo(modelA.contains(probe));
        }
    }
}
