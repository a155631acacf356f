package com.sikkerapi.guard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hub's pull interval as it takes it from its configuration, whatever was written there. */
class PullIntervalTest {
    @Test
    void boundedToWhatTheOperatorValidates() {
        assertThat(HubCommand.pullInterval("1ms")).isEqualTo(Duration.ofMinutes(1));
        assertThat(HubCommand.pullInterval("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(HubCommand.pullInterval("8760h")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void anUnreadableOrOverflowingValueIsAnHour() {
        assertThat(HubCommand.pullInterval("99999999999999999999h")).isEqualTo(Duration.ofHours(1));
        assertThat(HubCommand.pullInterval(null)).isEqualTo(Duration.ofHours(1));
    }
}
