package com.sikkerapi.guard.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The web tiers' growth baselines belong to what each tier asked. */
class BaselinesTest {
    @Test
    void aTierWhoseSourcesChangedStartsANewBaseline() {
        Baselines recorded = Baselines.parse(new Baselines(400, "aaaa", 90, "bbbb").annotation());
        assertThat(recorded.block("aaaa")).isEqualTo(400);
        assertThat(recorded.challenge("bbbb")).isEqualTo(90);
        assertThat(recorded.block("cccc")).as("another score minimum").isEqualTo(-1);
        assertThat(recorded.challenge("cccc")).isEqualTo(-1);
    }

    @Test
    void aPublicationThatRecordedNoSourcesKeepsItsBaseline() {
        Baselines older = Baselines.parse("400,90");
        assertThat(older.block("aaaa")).isEqualTo(400);
        assertThat(older.challenge("bbbb")).isEqualTo(90);
    }

    @Test
    void aDamagedAnnotationIsANewBaseline() {
        assertThat(Baselines.parse("many,90").block("aaaa")).isEqualTo(-1);
        assertThat(Baselines.parse(null)).isEqualTo(Baselines.NONE);
    }
}
