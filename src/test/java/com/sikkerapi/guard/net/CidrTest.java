package com.sikkerapi.guard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
    @ParameterizedTest
    @CsvSource({
            "1.2.3.4, 1.2.3.4",
            "1.2.3.4/32, 1.2.3.4",
            "10.1.2.3/8, 10.0.0.0/8",
            "0.0.0.0/0, 0.0.0.0/0",
            "255.255.255.255, 255.255.255.255",
            "2001:DB8::1, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
            "2001:db8::/32, 2001:db8::/32",
            "2001:db8:1:2:3:4:5:6/48, 2001:db8:1::/48",
            "::, ::",
            "::1, ::1",
            "1::, 1::",
            "1:0:0:1:0:0:0:1, 1:0:0:1::1",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
            "::ffff:1.2.3.4, 1.2.3.4",
            "::ffff:1.2.3.0/120, 1.2.3.0/24",
            "64:ff9b::1.2.3.4, 64:ff9b::102:304",
    })
    void parsesStrictlyAndPrintsCanonically(String text, String canonical) {
        assertThat(Cidr.parse(text)).hasToString(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"010.1.2.3", "1.2.3.04", "127.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33",
            "1.2.3.4/08", "1.2.3.4/", "1..2.3", ".1.2.3", "1.2.3.", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "1::2::3",
            "12345::", "::g", "1:2:3:4:5:6:7", ":1::", "1::/129", "::ffff:1.2.3.4/64", "", " ", "0x1.2.3.4",
            "1.2.3.4 ", "+1.2.3.4", "1.2.3.4/-1"})
    void refusesAmbiguousOrMalformedText(String text) {
        if (text.equals("1.2.3.4 ")) {
            // Surrounding white space is trimmed: it is how lines are written, not an ambiguous address.
            assertThat(Cidr.parse(text)).hasToString("1.2.3.4");
            return;
        }
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containsIsPrefixAware() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(Cidr.parse("10.20.30.40"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(Cidr.parse("11.0.0.0/8"))).isFalse();
        assertThat(Cidr.parse("10.1.0.0/16").contains(Cidr.parse("10.0.0.0/8"))).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.parse("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.parse("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(Cidr.parse("1.2.3.4"))).isFalse();
    }

    @Test
    void ordersIpv4BeforeIpv6AndNumerically() {
        var sorted = java.util.stream.Stream.of("2001:db8::1", "10.0.0.0/8", "9.255.255.255", "8000::1", "::1")
                .map(Cidr::parse).sorted().map(Cidr::toString).toList();
        assertThat(sorted).containsExactly("9.255.255.255", "10.0.0.0/8", "::1", "2001:db8::1", "8000::1");
    }
}
