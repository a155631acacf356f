package com.sikkerapi.guard.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/** Reads the operator's own metrics in a @QuarkusTest: JOSDK's reconcile counter, and sikkerguard's node gauges. */
final class ReconcileCounter {
    private ReconcileCounter() {
    }

    static double reconcilesStarted() {
        return Metrics.globalRegistry.find("reconciliations.started.total").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    static double nodes(String namespace, String name, String state) {
        var gauge = Metrics.globalRegistry.find("sikkerguard_nodes").tags("namespace", namespace, "name", name,
                "state", state).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }
}
