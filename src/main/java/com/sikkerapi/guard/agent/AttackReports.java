package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.observe.BlockedTally;
import com.sikkerapi.guard.report.BulkReporter;
import com.sikkerapi.guard.report.ReportQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Every {@code reporting.interval}, the attackers this node blocked go back to SikkerAPI, most active first:
 * only while the node enforces, reporting is enabled and the blocklist pulls from SikkerAPI (whose key it uses).
 * Logs one summary line per round, e.g. {@code Reported 247 blocked IPs (ssh: 89, http: 63)}; never the key.
 */
final class AttackReports implements AutoCloseable {
    /** Sources waiting at most; a quiet API for days must not grow the agent. */
    static final int MAX_PENDING = 100_000;

    /** Where and how to report; absent when this node must not report. */
    record Plan(URI endpoint, Path keyFile, AddressSet excluded, Duration interval) {
    }

    private final BulkReporter reporter;
    private final Supplier<BlockedTally.Summary> blocked;
    private final Consumer<String> info;
    private final Consumer<String> warning;
    private final ReportQueue queue = new ReportQueue(MAX_PENDING);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sikkerguard-reports");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong reported = new AtomicLong();
    private final AgentMetrics metrics;
    private volatile Plan plan;
    private volatile Instant lastReport;
    private ScheduledFuture<?> task;

    /** @param blocked drains the blocked sources seen since the last call */
    AttackReports(BulkReporter reporter, Supplier<BlockedTally.Summary> blocked, Consumer<String> info,
            Consumer<String> warning, AgentMetrics metrics) {
        this.metrics = metrics;
        this.reporter = reporter;
        this.blocked = blocked;
        this.info = info;
        this.warning = warning;
    }

    /** @param next null when this node must not report (dry-run, reporting off, no SikkerAPI source) */
    synchronized void configure(Plan next) {
        Duration before = plan == null ? null : plan.interval();
        plan = next;
        Duration after = next == null ? null : next.interval();
        if (after == null ? before == null : after.equals(before)) {
            return;
        }
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        if (after != null) {
            task = timer.scheduleAtFixedRate(this::runSafely, after.toMillis(), after.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            warning.accept("Reporting failed: " + e.getMessage());
        }
    }

    /** One round: what was blocked since the last round joins the queue, and the queue goes to the API. */
    void runOnce() {
        BlockedTally.Summary summary = blocked.get();
        Plan current = plan;
        if (current == null) {
            return; // nothing blocked while not reporting is ever reported later
        }
        queue.add(summary, current.excluded());
        List<BulkReporter.Report> reports = queue.reports();
        if (reports.isEmpty()) {
            return;
        }
        BulkReporter.Result result = reporter.send(current.endpoint(), () -> key(current.keyFile()), reports);
        Map<String, Integer> byCategory = queue.accepted(reports, result.sent());
        if (result.sent() > 0) {
            reported.addAndGet(result.sent());
            metrics.reported(result.sent());
            lastReport = Instant.now();
            info.accept("Reported " + result.sent() + " blocked IPs (" + byCategory.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")) + ")");
        }
        if (result.stopped() != null) {
            warning.accept("Reporting stopped: " + result.stopped() + "; " + queue.size()
                    + " blocked IPs wait for the next round");
        }
    }

    private static String key(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            // The path is the mount point, not the key.
            throw new UncheckedIOException("cannot read the API key file " + file, e);
        }
    }

    long reported() {
        return reported.get();
    }

    Instant lastReport() {
        return lastReport;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
