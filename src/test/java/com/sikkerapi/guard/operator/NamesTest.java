package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void longNamesAreShortenedStablyAndStayDistinct() {
        String a = com.sikkerapi.guard.api.ObjectNames.shorten("a".repeat(60) + "-one-agent", 57);
        String b = com.sikkerapi.guard.api.ObjectNames.shorten("a".repeat(60) + "-two-agent", 57);
        assertThat(a).hasSizeLessThanOrEqualTo(57).isNotEqualTo(b).isEqualTo(com.sikkerapi.guard.api.ObjectNames.shorten("a".repeat(60) + "-one-agent", 57));
        assertThat(com.sikkerapi.guard.api.ObjectNames.shorten("short-agent", 57)).isEqualTo("short-agent");
        assertThat(com.sikkerapi.guard.api.ObjectNames.shorten("x".repeat(40) + "." + "y".repeat(20), 50)).doesNotContain(".-").matches("[a-z0-9.-]+");
    }

    @Test
    void nodeReportNameJoinsBlocklistAndNode() {
        assertThat(com.sikkerapi.guard.api.ObjectNames.nodeReport("default-blocklist", "worker-1")).isEqualTo("default-blocklist.worker-1");
        assertThat(com.sikkerapi.guard.api.ObjectNames.nodeReport("b", "n".repeat(300))).hasSizeLessThanOrEqualTo(253);
    }
}
