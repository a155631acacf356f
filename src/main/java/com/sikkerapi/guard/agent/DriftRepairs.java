package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
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

    private final AgentLoop loop;
    private final NodeReporter reporter;
    private final AgentMetrics metrics;
    private final KubeApi api;
    private final String node;
    private String firstRepair;

    DriftRepairs(AgentLoop loop, NodeReporter reporter, AgentMetrics metrics, KubeApi api, String node) {
        this.loop = loop;
        this.reporter = reporter;
        this.metrics = metrics;
        this.api = api;
        this.node = node;
    }

    /**
     * Waits for a change of the configuration or the end of {@code wait}, checking for drift every verify interval
     * meanwhile (0s: no checks).
     */
    void awaitChange(ConfigWatch watch, long seen, Duration wait, AgentLoop.Config config,
            BooleanSupplier running, Runnable progressed) throws InterruptedException {
        String interval = config.spec().getEnforcement().getVerifyInterval();
        Duration verify = interval == null ? Duration.ofSeconds(10) : Durations.parse(interval);
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
        String at = Rfc3339.format(now);
        if (firstRepair == null) {
            firstRepair = at;
        }
        String name = com.sikkerapi.guard.api.ObjectNames.nodeReport(config.blocklist(), node) + ".drift";
        Event event = new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(config.namespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion(ThreatBlocklist.GROUP + "/" + ThreatBlocklist.VERSION)
                .withKind("ThreatBlocklist").withName(config.blocklist()).withNamespace(config.namespace())
                .withUid(config.uid()).endInvolvedObject()
                .withType("Warning").withReason("DriftRepaired").withMessage("node " + node + ": " + message)
                .withNewSource().withComponent(NodeReporter.FIELD_MANAGER).withHost(node).endSource()
                .withReportingComponent(NodeReporter.FIELD_MANAGER).withReportingInstance(node)
                .withFirstTimestamp(firstRepair).withLastTimestamp(at).withCount((int) Math.min(repairs,
                        Integer.MAX_VALUE))
                .build();
        try {
            api.apply(KubeApi.path(Event.class, config.namespace(), name), event, NodeReporter.FIELD_MANAGER);
        } catch (RuntimeException e) {
            // An event is a courtesy: the repair is done and in the node report.
            LOG.warnf("Could not record the DriftRepaired event: %s", e.getMessage());
        }
    }
}
