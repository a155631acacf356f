package com.sikkerapi.guard.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's Prometheus metrics (Micrometer, the registry the operator uses too), served on the agent's loopback
 * listener at /metrics: entries per family, pulls by result, pull-and-validate and apply durations, rollbacks,
 * sampled blocked packets by service, reports sent.
 */
final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong entriesV4 = new AtomicLong();
    private final AtomicLong entriesV6 = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Timer applyTime;
    private final Counter rollbacks;
    private final Counter repairs;

    AgentMetrics() {
        Gauge.builder("sikkerguard_entries", entriesV4, AtomicLong::get).tag("family", "ipv4")
                .description("Entries (CIDRs) in the live set").register(registry);
        Gauge.builder("sikkerguard_entries", entriesV6, AtomicLong::get).tag("family", "ipv6")
                .description("Entries (CIDRs) in the live set").register(registry);
        Gauge.builder("sikkerguard_dropped_packets", dropped, AtomicLong::get)
                .description("Packets the DROP rules dropped since they were made (exact, both families)")
                .register(registry);
        applyTime = Timer.builder("sikkerguard_apply").description("Load, swap and rule check of a list")
                .register(registry);
        rollbacks = Counter.builder("sikkerguard_rollbacks").description("Lists rolled back by the self-test")
                .register(registry);
        repairs = Counter.builder("sikkerguard_drift_repairs")
                .description("Times the drift check found the rules or sets changed and put them back")
                .register(registry);
    }

    void repaired() {
        repairs.increment();
    }

    void cycle(AgentLoop.Outcome outcome) {
        Counter.builder("sikkerguard_cycles").tag("result", outcome.result())
                .tag("error", outcome.errorReason() == null ? "none" : outcome.errorReason())
                .description("Agent cycles by result and error reason").register(registry).increment();
        if (outcome.entries() != null) {
            entriesV4.set(outcome.entries().v4());
            entriesV6.set(outcome.entries().v6());
        }
        if (outcome.rolledBack()) {
            rollbacks.increment();
        }
    }

    void dropped(long packets) {
        if (packets >= 0) {
            dropped.set(packets);
        }
    }

    void applied(Duration took, boolean incremental) {
        applyTime.record(took);
        Counter.builder("sikkerguard_applies").tag("kind", incremental ? "incremental" : "full")
                .description("Lists applied, as a difference or loaded whole").register(registry).increment();
    }

    void blocked(String service) {
        // Unnamed ports are one label value: an attacker scanning every port must not make 65,536 series.
        String label = service.startsWith("port-") ? "other" : service;
        Counter.builder("sikkerguard_blocked_packets_sampled").tag("service", label)
                .description("Dropped packets seen by the rate-limited log rule, by service").register(registry)
                .increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
