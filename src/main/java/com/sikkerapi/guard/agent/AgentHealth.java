package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's own view of its health, for the probes and /status. Live: the loop has made progress recently (a
 * hung loop is restarted; a restart leaves the rules in place). Healthy: the last cycle succeeded, or the failures
 * began less than a grace period ago (two pull intervals, ten minutes at least), so that a short feed outage does
 * not take a node's agent out of service, and a long one shows.
 */
final class AgentHealth {
    /** Three heartbeats: the loop wakes at least every five minutes. */
    static final Duration LIVENESS = Duration.ofMinutes(15);

    private final Instant started = Instant.now();
    private volatile Instant progress = started;
    private volatile Instant failingSince;
    private volatile boolean cycled;
    private volatile Duration grace = Duration.ofMinutes(10);
    private volatile Mode mode;

    /** The loop is alive (waiting counts: it wakes at least every heartbeat). */
    void progressed() {
        progress = Instant.now();
    }

    void cycle(AgentLoop.Outcome outcome, Mode mode, Duration pullInterval) {
        Instant now = Instant.now();
        progress = now;
        cycled = true;
        this.mode = mode;
        Duration twice = pullInterval.multipliedBy(2);
        grace = twice.compareTo(Duration.ofMinutes(10)) > 0 ? twice : Duration.ofMinutes(10);
        if (outcome.errorReason() == null && outcome.phase().isHealthy()) {
            failingSince = null;
        } else if (failingSince == null) {
            failingSince = now;
        }
    }

    boolean live(Instant now) {
        return Duration.between(progress, now).compareTo(LIVENESS) < 0;
    }

    /** @return null when healthy, else why not */
    String problem(Instant now) {
        Instant since = failingSince != null ? failingSince : cycled ? null : started;
        if (since != null && Duration.between(since, now).compareTo(grace) >= 0) {
            return cycled ? "cycles have failed since " + since : "no cycle has completed since the start at " + since;
        }
        return live(now) ? null : "the agent's loop has made no progress since " + progress;
    }

    /** /status: what an admin on the node wants to see at once. */
    String statusJson(ThreatBlocklistNodeSpec report, long sampledBlocked, long reported, Instant now) {
        Map<String, Object> status = new LinkedHashMap<>();
        String problem = problem(now);
        status.put("status", problem == null ? "ok" : "failing");
        status.put("problem", problem);
        status.put("phase", report.getPhase());
        status.put("dryRun", mode == Mode.DryRun);
        status.put("entries", report.getEntries() == null ? Map.of("v4", 0, "v6", 0)
                : Map.of("v4", report.getEntries().v4(), "v6", report.getEntries().v6()));
        status.put("lastPull", report.getLastPull());
        status.put("lastPullResult", report.getLastPullResult());
        status.put("lastApply", report.getLastApply());
        status.put("lastReport", report.getLastReport());
        status.put("reportedIps", reported);
        status.put("droppedPackets", report.getBlockedPackets());
        status.put("blockedPacketsSampled", sampledBlocked);
        status.put("rollbacks", report.getRollbacks());
        status.put("lastError", report.getLastErrorReason() == null ? null : Map.of("reason",
                report.getLastErrorReason(), "message", String.valueOf(report.getLastErrorMessage()), "time",
                String.valueOf(report.getLastErrorTime())));
        status.put("uptimeSeconds", Duration.between(started, now).toSeconds());
        status.put("version", com.sikkerapi.guard.cli.Main.version());
        try {
            return Serialization.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(status) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
