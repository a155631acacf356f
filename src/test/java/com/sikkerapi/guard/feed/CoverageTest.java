package com.sikkerapi.guard.feed;

import static com.sikkerapi.guard.feed.Feeds.FEEDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sikkerapi.guard.api.ListBounds;
import com.sikkerapi.guard.net.AddressSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster policy's coverage bound, on lists as feeds give them and as an attacker would write them. */
class CoverageTest {
    @Test
    void aFeedOfEverySlashEightIsRefusedWithTheCoverageReason() {
        var run = Feeds.validate("plain", com.sikkerapi.guard.testing.TestFeeds.everySlashEight(), ValidationPolicy.DEFAULTS, -1);
        assertThat(run.result()).isInstanceOfSatisfying(ValidationResult.Rejected.class, rejected -> assertThat(
                rejected.reason()).isEqualTo("the list covers 86.20% of the IPv4 space, more than the 5% the cluster "
                        + "policy allows"));
    }

    @Test
    void fireholLevel1IsWithinTheDefaultBound() {
        var run = Feeds.validate("plain", FEEDS.resolve("firehol_level1.netset"), ValidationPolicy.DEFAULTS);
        var blocked = ((ValidationResult.Accepted) run.result()).blocked();
        assertThat(Coverage.percentV4(blocked)).isCloseTo(2.05, within(0.01));
        assertThat(Coverage.refusal(blocked, ListBounds.DEFAULTS)).isNull();
    }

    @Test
    void halfTheIpv4SpaceInOneEntryIsRefused() {
        assertThat(Coverage.refusal(AddressSet.of(List.of("0.0.0.0/1")), ListBounds.DEFAULTS))
                .startsWith("the list covers 50.00% of the IPv4 space");
    }

    @Test
    void aPolicyMayAllowMore() {
        var bounds = new ListBounds(8, 32, 90.0, 0.1);
        var run = Feeds.validate("plain", com.sikkerapi.guard.testing.TestFeeds.everySlashEight(), new ValidationPolicy(2, 8, 32, 0.1, AddressSet.EMPTY,
                bounds), -1);
        assertThat(run.result()).isInstanceOf(ValidationResult.Accepted.class);
    }

    @Test
    void ipv6IsBoundedAgainstTheGlobalUnicastSpace() {
        assertThat(Coverage.percentV6(AddressSet.of(List.of("2000::/13")))).isCloseTo(0.1, within(0.01));
        assertThat(Coverage.refusal(AddressSet.of(List.of("2000::/14", "2a0f::/32")), ListBounds.DEFAULTS)).isNull();
        assertThat(Coverage.refusal(AddressSet.of(List.of("2000::/12")), ListBounds.DEFAULTS))
                .startsWith("the list covers 0.1953% of the global IPv6 space (2000::/3)");
    }

    @Test
    void aBlocklistMayRaiseThePolicysFloorsNeverLowerThem() {
        var safety = new com.sikkerapi.guard.api.SafetySpec();
        safety.setMinPrefixV4(0);
        safety.setMinPrefixV6(48);
        var policy = ValidationPolicy.of(safety, new ListBounds(16, 32, 5, 0.1), AddressSet.EMPTY);
        assertThat(policy.minPrefixV4()).isEqualTo(16);
        assertThat(policy.minPrefixV6()).isEqualTo(48);
        List<String> lines = new ArrayList<>(List.of("45.0.0.0/8", "46.1.0.0/16"));
        var run = Feeds.validate("plain", String.join("\n", lines), policy, -1);
        assertThat(run.collector().tooShort()).as("the /8 is below the policy's floor").isEqualTo(1);
    }
}
