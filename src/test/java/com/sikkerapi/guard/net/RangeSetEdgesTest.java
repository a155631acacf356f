package com.sikkerapi.guard.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The corners a random generator rarely reaches: whole address spaces, top and bottom, big prefixes. */
class RangeSetEdgesTest {
    private static List<String> cidrs(Ipv4RangeSet set) {
        List<String> out = new ArrayList<>();
        set.forEachCidr((address, prefix) -> out.add(Cidr.v4(address, prefix).toString()));
        return out;
    }

    private static List<String> cidrs(Ipv6RangeSet set) {
        List<String> out = new ArrayList<>();
        set.forEachCidr((hi, lo, prefix) -> out.add(Cidr.v6(hi, lo, prefix).toString()));
        return out;
    }

    @Test
    void v4WholeSpaceAndHoles() {
        Ipv4RangeSet all = new Ipv4RangeSet.Builder().addCidr(0, 0).build();
        assertThat(cidrs(all)).containsExactly("0.0.0.0/0");
        assertThat(all.addressCount()).isEqualTo(1L << 32);
        Ipv4RangeSet holes = all.except(new Ipv4RangeSet.Builder().addCidr(0, 1).addCidr(0xffffffffL, 32).build());
        assertThat(cidrs(holes)).containsExactly("128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5",
                "248.0.0.0/6", "252.0.0.0/7", "254.0.0.0/8", "255.0.0.0/9", "255.128.0.0/10", "255.192.0.0/11",
                "255.224.0.0/12", "255.240.0.0/13", "255.248.0.0/14", "255.252.0.0/15", "255.254.0.0/16",
                "255.255.0.0/17", "255.255.128.0/18", "255.255.192.0/19", "255.255.224.0/20", "255.255.240.0/21",
                "255.255.248.0/22", "255.255.252.0/23", "255.255.254.0/24", "255.255.255.0/25", "255.255.255.128/26",
                "255.255.255.192/27", "255.255.255.224/28", "255.255.255.240/29", "255.255.255.248/30",
                "255.255.255.252/31", "255.255.255.254");
    }

    @Test
    void v4SixteenMinusOneHostIsSplitNotDropped() {
        Ipv4RangeSet net = new Ipv4RangeSet.Builder().addCidr(Cidr.parse("198.18.0.0/16").lo(), 16).build();
        Ipv4RangeSet rest = net.except(new Ipv4RangeSet.Builder().addCidr(Cidr.parse("198.18.7.9").lo(), 32).build());
        assertThat(rest.addressCount()).isEqualTo(65535);
        assertThat(rest.cidrCount()).isEqualTo(16);
        assertThat(rest.contains(Cidr.parse("198.18.7.9").lo())).isFalse();
        assertThat(rest.contains(Cidr.parse("198.18.7.8").lo())).isTrue();
    }

    @Test
    void v4AdjacentRangesMergeAcrossPrefixes() {
        Ipv4RangeSet merged = new Ipv4RangeSet.Builder().addCidr(Cidr.parse("10.0.0.0/25").lo(), 25)
                .addCidr(Cidr.parse("10.0.0.128/25").lo(), 25).addCidr(Cidr.parse("10.0.1.0/24").lo(), 24)
                .addCidr(Cidr.parse("10.0.0.7").lo(), 32).build();
        assertThat(cidrs(merged)).containsExactly("10.0.0.0/23");
    }

    @Test
    void v6WholeSpaceTopAndBottom() {
        Ipv6RangeSet all = new Ipv6RangeSet.Builder().addCidr(0, 0, 0).build();
        assertThat(cidrs(all)).containsExactly("::/0");
        Ipv6RangeSet cut = all.except(new Ipv6RangeSet.Builder().addCidr(0, 0, 1).build());
        assertThat(cidrs(cut)).containsExactly("8000::/1");
        Ipv6RangeSet top = new Ipv6RangeSet.Builder().add(-1L, -2L, -1L, -1L).add(0, 0, 0, 1).build();
        assertThat(cidrs(top)).containsExactly("::/127", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
        Ipv6RangeSet crossing = new Ipv6RangeSet.Builder().add(0, -1L, 1, 0).build();
        assertThat(cidrs(crossing)).containsExactly("::ffff:ffff:ffff:ffff", "0:0:0:1::");
        Ipv6RangeSet adjacentAcrossWord = new Ipv6RangeSet.Builder().add(0, 0, 0, -1L).add(1, 0, 1, -1L).build();
        assertThat(cidrs(adjacentAcrossWord)).containsExactly("::/63");
    }
}
