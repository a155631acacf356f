package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's own view of its health, for the probes and /status. Live: the loop has made progress recently (a
 * hung loop is restarted; a restart leaves the rules in place). Ready: the node holds this agent's list, restored
 * from disk or applied (a dry-run node: its first check passed), and the last cycle succeeded. A new agent is
 * therefore Ready only once its node is protected, which is what lets the DaemonSet's rolling update go on to the
 * next node; and a node whose read or apply fails turns NotReady at its first failed cycle (the probe's three
 * misses later).
 */
final class AgentHealth {
    /** Three heartbeats: the loop wakes at least every five minutes. */
    static final Duration LIVENESS = Duration.ofMinutes(15);

    private final Instant started = Instant.now();
    private volatile Instant progress = started;
    private volatile Instant failingSince;
    private volatile String failure;
    private volatile boolean holdsList;
    private volatile Mode mode;

    /** The loop is alive (waiting counts: it wakes at least every heartbeat). */
    void progressed() {
        progress = Instant.now();
    }

    /** The last good list is back in the kernel from disk, before any contact with the API server. */
    void restored() {
        holdsList = true;
    }

    void cycle(AgentLoop.Outcome outcome, Mode mode) {
        Instant now = Instant.now();
        progress = now;
        this.mode = mode;
        if (outcome.errorReason() == null && outcome.phase().isHealthy()) {
            holdsList = true;
            failingSince = null;
            failure = null;
        } else {
            if (failingSince == null) {
                failingSince = now;
            }
            failure = outcome.errorReason() + (outcome.errorMessage() == null ? "" : ": " + outcome.errorMessage());
        }
    }

    boolean live(Instant now) {
        return Duration.between(progress, now).compareTo(LIVENESS) < 0;
    }

    /** @return null when ready, else why not */
    String problem(Instant now) {
        if (!live(now)) {
            return "the agent's loop has made no progress since " + progress;
        }
        if (failingSince != null) {
            return "cycles have failed since " + failingSince + " (" + failure + ")";
        }
        return holdsList ? null : "no list applied or restored yet (started " + started + ")";
    }

    /** /status: what an admin on the node wants to see at once. */
    String statusJson(ThreatBlocklistNodeSpec report, long sampledBlocked, Instant now) {
        Map<String, Object> status = new LinkedHashMap<>();
        String problem = problem(now);
        status.put("status", problem == null ? "ok" : "failing");
        status.put("problem", problem);
        status.put("phase", report.getPhase());
        status.put("dryRun", mode == Mode.DryRun);
        status.put("entries", report.getEntries() == null ? Map.of("v4", 0, "v6", 0)
                : Map.of("v4", report.getEntries().v4(), "v6", report.getEntries().v6()));
        status.put("listDigest", report.getListDigest());
        status.put("lastResult", report.getLastResult());
        status.put("lastApply", report.getLastApply());
        status.put("blockedSourcesForTheHub", report.getBlockedSources() == null ? 0
                : report.getBlockedSources().size());
        status.put("droppedPackets", report.getBlockedPackets());
        status.put("blockedPacketsSampled", sampledBlocked);
        status.put("rollbacks", report.getRollbacks());
        status.put("lastError", report.getLastErrorReason() == null ? null : Map.of("reason",
                report.getLastErrorReason(), "message", String.valueOf(report.getLastErrorMessage()), "time",
                String.valueOf(report.getLastErrorTime())));
        status.put("uptimeSeconds", Duration.between(started, now).toSeconds());
        status.put("version", com.sikkerapi.guard.cli.Main.version());
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
