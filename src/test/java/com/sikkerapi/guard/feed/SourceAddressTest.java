package com.sikkerapi.guard.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** What the status shows of a source's address. */
class SourceAddressTest {
    @Test
    void aFeedsUserInfoIsNeverShown() {
        assertThat(SourceAddress.shown(URI.create("https://reader:s3cret@feeds.example/list.txt"), false))
                .isEqualTo("https://feeds.example/list.txt");
    }

    @Test
    void aFeedsQueryKeepsItsNamesAndHidesItsValues() {
        assertThat(SourceAddress.shown(URI.create("https://feeds.example:8443/l?format=txt&token=abc&raw"), false))
                .isEqualTo("https://feeds.example:8443/l?format=***&token=***&***");
    }

    @Test
    void sikkerApisFiltersAreShownAsTheyAre() {
        URI query = SikkerApiQuery.blacklist(sikkerapi());
        assertThat(SourceAddress.shown(query, true)).isEqualTo(query.toString())
                .contains("scoreMinimum=70").contains("protocols=ssh");
    }

    @Test
    void failureReasonsCarryNeitherUserInfoNorQuery() {
        assertThat(FeedClient.redacted(URI.create("http://u:p@[2001:db8::1]:8080/a/b?k=v")))
                .isEqualTo("http://[2001:db8::1]:8080/a/b");
    }

    private static com.sikkerapi.guard.api.SikkerApiSource sikkerapi() {
        var source = new com.sikkerapi.guard.api.SikkerApiSource();
        source.setEndpoint("https://api.sikkerapi.com");
        source.setScoreMinimum(70);
        source.setProtocols(java.util.List.of("ssh"));
        return source;
    }
}
