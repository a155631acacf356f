package com.sikkerapi.guard.feed;

import static com.sikkerapi.guard.feed.Feeds.FEEDS;
import static com.sikkerapi.guard.feed.Feeds.blocked;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The real feeds in ../shared/feeds (see their README for the counts). */
class RealFeedsTest {
    @Test
    void fireholLevel1() {
        var run = Feeds.validate("plain", FEEDS.resolve("firehol_level1.netset"), ValidationPolicy.DEFAULTS);
        // 6273 entries; 224.0.0.0/3 is shorter than /8 and refused loudly.
        assertThat(run.collector().entries() + run.collector().tooShort()).isEqualTo(6273);
        assertThat(run.rejected()).containsExactly("line 6307: prefix shorter than /8 refused: 224.0.0.0/3");
        assertThat(run.result().counts().invalidLines()).isZero();
        var list = blocked(run.result());
        assertThat(list).hasSize(6260).doesNotContain("0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "224.0.0.0/3");
        var set = ((ValidationResult.Accepted) run.result()).blocked();
        for (String bogon : new String[] {"0.0.0.1", "10.1.2.3", "127.0.0.1", "192.168.1.1", "224.0.0.1"}) {
            assertThat(set.v4().contains(com.sikkerapi.guard.net.Cidr.parse(bogon).lo())).as(bogon).isFalse();
        }
    }

    @Test
    void spamhausDropWithOverlaps() {
        var run = Feeds.validate("plain", FEEDS.resolve("spamhaus_drop.txt"), ValidationPolicy.DEFAULTS);
        assertThat(run.collector().entries()).isEqualTo(1357);
        assertThat(run.rejected()).isEmpty();
        // Overlapping entries (95.161.128.0/24 in /23, 185.196.8.0/23 in /22) are merged.
        assertThat(blocked(run.result())).contains("95.161.128.0/23", "185.196.8.0/22")
                .doesNotContain("95.161.128.0/24", "185.196.8.0/23");
    }

    @Test
    void spamhausDropV6() {
        var run = Feeds.validate("plain", FEEDS.resolve("spamhaus_dropv6.txt"), ValidationPolicy.DEFAULTS);
        assertThat(run.collector().entries() + run.collector().tooShort()).isEqualTo(78);
        // /29 and /30 entries are shorter than the default IPv6 minimum of /32.
        assertThat(run.collector().tooShort()).isEqualTo(28);
        var relaxed = new ValidationPolicy(2, 8, 29, 0.1, com.sikkerapi.guard.net.AddressSet.EMPTY);
        var all = Feeds.validate("plain", FEEDS.resolve("spamhaus_dropv6.txt"), relaxed);
        assertThat(all.collector().entries()).isEqualTo(78);
        assertThat(blocked(all.result())).allMatch(line -> line.contains(":"));
    }
}
