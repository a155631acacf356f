package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The drift check's interval as a node takes it from its configuration, whatever was written there. */
class VerifyIntervalTest {
    @Test
    void neverMoreOftenThanEverySecondNorRarerThanHourly() {
        assertThat(DriftRepairs.verifyInterval("1ms")).isEqualTo(Duration.ofSeconds(1));
        assertThat(DriftRepairs.verifyInterval("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DriftRepairs.verifyInterval("300h")).isEqualTo(Duration.ofHours(1));
        assertThat(DriftRepairs.verifyInterval("0s")).as("off").isZero();
    }

    @Test
    void anUnreadableOrOverflowingValueIsTheDefault() {
        assertThat(DriftRepairs.verifyInterval("99999999999999999999h")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DriftRepairs.verifyInterval("soon")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DriftRepairs.verifyInterval(null)).isEqualTo(Duration.ofSeconds(10));
    }
}
