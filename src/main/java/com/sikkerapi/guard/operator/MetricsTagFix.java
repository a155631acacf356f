package com.sikkerapi.guard.operator;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK's metrics (5.3) count events from secondary informers without the {@code action} tag that events of the
 * primary carry. Prometheus refuses one meter name with two tag sets and the informer's event handler then throws,
 * so a Node or Namespace change would never reach the reconciler. Giving such events {@code action="none"} keeps one
 * tag set per name.
 */
@Singleton
public class MetricsTagFix {
    static final String EVENTS_RECEIVED = "events.received";

    @Produces
    @Singleton
    public MeterFilter uniformEventTags() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (EVENTS_RECEIVED.equals(id.getName()) && id.getTag("action") == null) {
                    return id.withTag(Tag.of("action", "none"));
                }
                return id;
            }
        };
    }
}
