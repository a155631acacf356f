package com.sikkerapi.guard.feed;

import static com.sikkerapi.guard.feed.Feeds.blocked;
import static com.sikkerapi.guard.feed.Feeds.validate;
import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.net.AddressSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every validation rule, each with the reason it gives. */
class ListValidatorTest {
    private static final ValidationPolicy DEFAULTS = ValidationPolicy.DEFAULTS;

    @Test
    void strictParsingSkipsAndCountsBadLinesWithTheirReason() {
        var run = validate("plain", """
                # a comment
                1.2.3.4
                010.1.2.3
                127.1
                fe80::1%eth0
                5.6.7.0/33
                2001:db8::/129
                ::ffff:8.8.4.4
                9.9.9.9 ; trailer
                """ + "1.1.1.1\n".repeat(50), DEFAULTS, -1);
        assertThat(run.rejected()).containsExactly(
                "line 3: not a strict IPv4 address: 010.1.2.3",
                "line 4: not a strict IPv4 address: 127.1",
                "line 5: zone index not allowed: fe80::1%eth0",
                "line 6: prefix length out of range: 5.6.7.0/33",
                "line 7: prefix length out of range: 2001:db8::/129");
        assertThat(run.result()).isInstanceOf(ValidationResult.Accepted.class);
        assertThat(run.result().counts().invalidLines()).isEqualTo(5);
        assertThat(blocked(run.result())).containsExactly("1.1.1.1", "1.2.3.4", "8.8.4.4", "9.9.9.9");
    }

    @Test
    void tooManyBadLinesRefuseTheWholeList() {
        var run = validate("plain", "1.2.3.4\nnot-an-ip\nstill-not\n", DEFAULTS, -1);
        assertThat(run.result()).isInstanceOfSatisfying(ValidationResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo("2 of 3 lines are not addresses (more than 10%)"));
    }

    @Test
    void emptyListIsRefused() {
        var run = validate("plain", "# nothing today\n\n", DEFAULTS, -1);
        assertThat(run.result()).isInstanceOfSatisfying(ValidationResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo("the list is empty"));
    }

    @Test
    void growthBeyondTheFactorIsRefusedAtTheFactorItIsAccepted() {
        String four = "1.0.0.1\n1.0.0.2\n1.0.0.3\n1.0.0.4\n";
        assertThat(validate("plain", four, DEFAULTS, 2).result()).isInstanceOf(ValidationResult.Accepted.class);
        var run = validate("plain", four + "1.0.0.5\n", DEFAULTS, 2);
        assertThat(run.result()).isInstanceOfSatisfying(ValidationResult.Rejected.class, r -> assertThat(r.reason())
                .isEqualTo("5 entries is more than 2.0 times the 2 of the last good list"));
        // Entries are counted as listed, before aggregation: 5 adjacent hosts are 5 entries, not 2 CIDRs.
        assertThat(run.result().counts().entries()).isEqualTo(5);
    }

    @Test
    void shortPrefixesAreDroppedLoudlyNeverApplied() {
        var run = validate("plain", "1.0.0.0/7\n2.0.0.0/8\n2a00::/31\n2a01::/32\n", DEFAULTS, -1);
        assertThat(run.rejected()).containsExactly("line 1: prefix shorter than /8 refused: 1.0.0.0/7",
                "line 3: prefix shorter than /32 refused: 2a00::/31");
        assertThat(blocked(run.result())).containsExactly("2.0.0.0/8", "2a01::/32");
    }

    @Test
    void specialPurposeRangesAreStrippedFromEveryEntryThatTouchesThem() {
        var run = validate("plain", """
                0.0.0.0/8
                10.0.0.0/8
                100.64.0.0/10
                127.0.0.1
                169.254.1.1
                172.16.0.0/12
                192.168.1.1
                224.0.0.1
                240.0.0.0/4
                255.255.255.255
                192.0.2.1
                198.51.100.0/24
                203.0.113.9
                100.0.0.0/8
                ::1
                ::
                fe80::1
                fc00::/7
                ff02::1
                2001:db8::1
                2a02:1::/32
                """, DEFAULTS, -1);
        // 100.0.0.0/8 contains the CGNAT range: it is split around it, not dropped and not kept whole.
        assertThat(blocked(run.result())).containsExactly("100.0.0.0/10", "100.128.0.0/9", "2a02:1::/32");
    }

    @Test
    void whitelistSplitsContainingNetworksExactly() {
        var policy = DEFAULTS.withWhitelist(AddressSet.of(List.of("81.2.3.4", "2a03:0:1::/48")));
        var run = validate("plain", "81.2.0.0/16\n81.2.3.4\n2a03::/32\n", policy, -1);
        List<String> blocked = blocked(run.result());
        assertThat(blocked).doesNotContain("81.2.3.4").contains("81.2.0.0/23", "81.2.3.5", "81.2.128.0/17");
        var set = ((ValidationResult.Accepted) run.result()).blocked();
        assertThat(set.v4().addressCount()).isEqualTo(65535);
        assertThat(set.v4().contains(com.sikkerapi.guard.net.Cidr.parse("81.2.3.4").lo())).isFalse();
        assertThat(set.v6().containsCidr(0x2a03_0000_0000_0000L, 0, 48)).isTrue();
        assertThat(set.v6().contains(0x2a03_0000_0001_0000L, 1)).isFalse();
        assertThat(run.result().counts().whitelistedRanges()).isEqualTo(2);
    }

    @Test
    void aListThatIsAllWhitelistedOrSpecialIsRefused() {
        var run = validate("plain", "10.1.2.3\n192.168.0.0/16\n", DEFAULTS, -1);
        assertThat(run.result()).isInstanceOfSatisfying(ValidationResult.Rejected.class,
                r -> assertThat(r.reason()).contains("nothing is left to block"));
    }

    @Test
    void aggregatesDuplicatesOverlapsAndNeighbours() {
        var run = validate("plain", "5.5.5.5\n5.5.5.5\n5.5.5.0/24\n5.5.4.0/24\n5.5.6.0/23\n2a04::1\n2a04::/127\n",
                DEFAULTS, -1);
        assertThat(blocked(run.result())).containsExactly("5.5.4.0/22", "2a04::/127");
    }
}
