package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.DurationBounds;
import com.sikkerapi.guard.api.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The drift check between two cycles, as Calico's Felix resyncs its sets on a timer: every
 * {@code enforcement.verifyInterval} the firewall checks cheaply that its jump, chain and sets are in place and puts
 * back what is not, from the list it holds. A repair is a warning in the log, a metric, a count in the node report,
 * and one Event per node on the blocklist (its count and last time updated, as the kubelet aggregates its own), so
 * that {@code kubectl describe tbl} shows who keeps flushing the node's rules.
 */
final class DriftRepairs {
    private static final Logger LOG = Logger.getLogger(DriftRepairs.class);

    private static final Duration DEFAULT_VERIFY = Duration.ofSeconds(10);

    private final AgentLoop loop;
    private final NodeReporter reporter;
    private final AgentMetrics metrics;
    private final NodeEvents events;
    private String firstRepair;

    DriftRepairs(AgentLoop loop, NodeReporter reporter, AgentMetrics metrics, NodeEvents events) {
        this.loop = loop;
        this.reporter = reporter;
        this.metrics = metrics;
        this.events = events;
    }

    /**
     * Waits for a change of the configuration or the end of {@code wait}, checking for drift every verify interval
     * meanwhile (0s: no checks).
     */
    void awaitChange(ConfigWatch watch, long seen, Duration wait, AgentLoop.Config config,
            BooleanSupplier running, Runnable progressed) throws InterruptedException {
        Duration verify = verifyInterval(config.spec().getEnforcement().getVerifyInterval());
        Instant until = Instant.now().plus(wait);
        while (running.getAsBoolean() && watch.version() == seen) {
            Duration left = Duration.between(Instant.now(), until);
            if (left.isNegative() || left.isZero()) {
                return;
            }
            watch.awaitChange(seen, verify.isZero() || verify.compareTo(left) > 0 ? left : verify);
            if (running.getAsBoolean() && watch.version() == seen && !verify.isZero()) {
                check(config.agent());
                progressed.run();
            }
        }
    }

    /**
     * The spec's interval within the bounds the operator validates (the configuration reaches the node through an
     * object that others may write): never more often than every second; unreadable, the default.
     */
    static Duration verifyInterval(String text) {
        // Zero turns the check off; anything else is held to the bounds.
        return isZero(text) ? Duration.ZERO : DurationBounds.VERIFY_INTERVAL.clamp(text, DEFAULT_VERIFY);
    }

    private static boolean isZero(String text) {
        try {
            return Durations.parse(text).isZero();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** One check; a repair is reported at once (the operator and an admin learn of it within seconds). */
    void check(AgentConfig config) {
        long start = System.nanoTime();
        List<String> found;
        try {
            found = loop.repair();
        } catch (com.sikkerapi.guard.firewall.FirewallException e) {
            found = List.of("the repair failed (tried again at the next check): " + e.getMessage());
        }
        if (found.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        long millis = (System.nanoTime() - start) / 1_000_000;
        String message = "repaired in " + millis + " ms: " + String.join("; ", found);
        LOG.warnf("Drift repaired: %s", message);
        metrics.repaired();
        long repairs = reporter.repaired(message, now);
        reporter.publish(config, now);
        event(config, repairs, message, now);
    }

    private void event(AgentConfig config, long repairs, String message, Instant now) {
        if (firstRepair == null) {
            firstRepair = Rfc3339.format(now);
        }
        events.warning(config, "drift", "DriftRepaired", message, firstRepair, repairs, now);
    }
}
