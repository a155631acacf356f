package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.FeedFormat;
import com.sikkerapi.guard.api.FeedSource;
import com.sikkerapi.guard.api.SecretKeyRef;
import com.sikkerapi.guard.api.SikkerApiSource;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
    static ThreatBlocklistSpec validSpec() {
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        SikkerApiSource sikkerapi = new SikkerApiSource();
        sikkerapi.setApiKeySecretRef(new SecretKeyRef("sikkerapi-key", "api-key"));
        spec.getSource().setSikkerapi(sikkerapi);
        return spec;
    }

    static FeedSource feed(String name, FeedFormat format) {
        FeedSource feed = new FeedSource();
        feed.setName(name);
        feed.setUrl("https://feeds.example/" + name);
        feed.setFormat(format);
        return feed;
    }

    @Test
    void acceptsTheDefaults() {
        assertThat(SpecValidator.validate(validSpec(), false)).isEmpty();
    }

    @Test
    void needsAtLeastOneSource() {
        ThreatBlocklistSpec spec = validSpec();
        spec.getSource().setSikkerapi(null);
        assertThat(SpecValidator.validate(spec, false)).containsExactly("spec.source: set sikkerapi, feeds, or both");
        spec.getSource().setFeeds(List.of(feed("firehol", FeedFormat.PLAIN)));
        assertThat(SpecValidator.validate(spec, false)).isEmpty();
    }

    @Test
    void namesEveryBadWhitelistEntry() {
        ThreatBlocklistSpec spec = validSpec();
        // The schema's pattern lets these through; strict parsing must not.
        spec.setWhitelist(List.of("192.0.2.1", "10.0.0.1/8", "fe80::1%eth0", "1:2:3:4:5:6:7"));
        assertThat(SpecValidator.validate(spec, false)).containsExactly(
                "spec.whitelist[2]: zone index not allowed: fe80::1%eth0",
                "spec.whitelist[3]: not a strict IPv6 address: 1:2:3:4:5:6:7");
    }

    @Test
    void checksCrossFieldFeedRules() {
        ThreatBlocklistSpec spec = validSpec();
        spec.getSource().setFeeds(List.of(feed("a", FeedFormat.JSON), feed("b", FeedFormat.CSV),
                feed("a", FeedFormat.PLAIN)));
        assertThat(SpecValidator.validate(spec, false)).containsExactly(
                "spec.source.feeds[0].jsonPath: required for format json",
                "spec.source.feeds[1].csvColumn: required for format csv",
                "spec.source.feeds[2].name: duplicate feed name a");
    }

    @Test
    void refusesIntervalsTooShortToBeSafe() {
        ThreatBlocklistSpec spec = validSpec();
        spec.setPullInterval("30s");
        spec.getReporting().setInterval("500ms");
        assertThat(SpecValidator.validate(spec, false)).containsExactly("spec.pullInterval: from 1m to 7d",
                "spec.reporting.interval: from 1m to 24h");
        spec.setPullInterval("1h30m");
        spec.getReporting().setInterval("1m");
        assertThat(SpecValidator.validate(spec, false)).isEmpty();
    }

    @Test
    void everyDurationIsBoundedAtBothEnds() {
        ThreatBlocklistSpec spec = validSpec();
        spec.setPullInterval("169h");
        spec.getReporting().setInterval("25h");
        spec.getEnforcement().setVerifyInterval("1ms");
        spec.getRollout().setSoak("25h");
        spec.getRollout().setTimeout("29s");
        assertThat(SpecValidator.validate(spec, false)).containsExactly("spec.pullInterval: from 1m to 7d",
                "spec.enforcement.verifyInterval: from 1s to 1h", "spec.rollout.soak: from 0s to 24h",
                "spec.rollout.timeout: from 30s to 24h", "spec.reporting.interval: from 1m to 24h");
        spec.setPullInterval("168h");
        spec.getReporting().setInterval("24h");
        spec.getEnforcement().setVerifyInterval("1s");
        spec.getRollout().setSoak("0s");
        spec.getRollout().setTimeout("30s");
        assertThat(SpecValidator.validate(spec, false)).as("at the bounds").isEmpty();
        spec.getEnforcement().setVerifyInterval("0s");
        spec.getRollout().setSoak("24h");
        spec.getRollout().setTimeout("24h");
        assertThat(SpecValidator.validate(spec, false)).as("0s turns the drift check off").isEmpty();
    }

    @Test
    void aDurationThatWouldOverflowIsRefusedNotThrown() {
        ThreatBlocklistSpec spec = validSpec();
        spec.getEnforcement().setVerifyInterval("9999999999999999999h");
        spec.getRollout().setSoak("9000000h");
        assertThat(SpecValidator.validate(spec, false)).containsExactly(
                "spec.enforcement.verifyInterval: too long a duration: 9999999999999999999h",
                "spec.rollout.soak: too long a duration (at most a year): 9000000h");
    }

    @Test
    void checksPortMapKeys() {
        ThreatBlocklistSpec spec = validSpec();
        spec.getReporting().setPortMap(Map.of("2222", "ssh", "0", "x", "70000", "y", "08", "z"));
        assertThat(SpecValidator.validate(spec, false)).containsExactly(
                "spec.reporting.portMap[0]: not a port number 1-65535",
                "spec.reporting.portMap[08]: not a port number 1-65535",
                "spec.reporting.portMap[70000]: not a port number 1-65535");
    }

    @Test
    void feedsAndTheEndpointAreHttpsUnlessTheOperatorAllowsPlainHttp() {
        ThreatBlocklistSpec spec = validSpec();
        spec.getSource().setFeeds(List.of(feed("plain", FeedFormat.PLAIN)));
        spec.getSource().getFeeds().get(0).setUrl("http://feeds.example/plain");
        spec.getSource().getSikkerapi().setEndpoint("http://api.example");
        assertThat(SpecValidator.validate(spec, false)).containsExactly(
                "spec.source.sikkerapi.endpoint: https:// only (the operator's sikkerguard.feeds.allow-plain-http is off)",
                "spec.source.feeds[0].url: https:// only (the operator's sikkerguard.feeds.allow-plain-http is off)");
        assertThat(SpecValidator.validate(spec, true)).isEmpty();
    }
}
