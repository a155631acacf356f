package com.sikkerapi.guard.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/** Reads the operator's own metrics in a @QuarkusTest, to prove that reconciles happened. */
final class OperatorMetrics {
    private OperatorMetrics() {
    }

    static double reconcilesStarted() {
        return Metrics.globalRegistry.find("reconciliations.started.total").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
