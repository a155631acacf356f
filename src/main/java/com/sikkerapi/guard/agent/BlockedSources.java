package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.BlockedSource;
import com.sikkerapi.guard.observe.BlockedTally;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Every {@code reporting.interval}, the attackers this node blocked go into its node report, most packets first and
 * at most {@link #MAX_PER_INTERVAL}: the hub merges every node's and reports each address once. Only while the node
 * enforces and reporting is on; the agent holds no key and sends nothing itself.
 */
final class BlockedSources implements AutoCloseable {
    static final int MAX_PER_INTERVAL = 200;

    private final Supplier<BlockedTally.Summary> blocked;
    private final BiConsumer<List<BlockedSource>, Instant> publish;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sikkerguard-blocked-sources");
        thread.setDaemon(true);
        return thread;
    });
    private Duration interval;
    private ScheduledFuture<?> task;

    /**
     * @param blocked drains the inbound attempts blocked since the last call
     * @param publish hands an interval's sources to the node report and writes it
     */
    BlockedSources(Supplier<BlockedTally.Summary> blocked, BiConsumer<List<BlockedSource>, Instant> publish) {
        this.blocked = blocked;
        this.publish = publish;
    }

    /** @param next null when this node must not report (dry-run, reporting off, no SikkerAPI source) */
    synchronized void configure(Duration next) {
        if (next == null ? interval == null : next.equals(interval)) {
            return;
        }
        if (task != null) {
            task.cancel(false);
            task = null;
            publish.accept(List.of(), Instant.now());
        }
        interval = next;
        blocked.get(); // what was blocked while not reporting is never reported later
        if (next != null) {
            task = timer.scheduleAtFixedRate(this::runOnce, next.toMillis(), next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void runOnce() {
        BlockedTally.Summary summary = blocked.get();
        publish.accept(top(summary), Instant.now());
    }

    static List<BlockedSource> top(BlockedTally.Summary summary) {
        // The tally lists sources most packets first.
        return summary.sources().stream().limit(MAX_PER_INTERVAL).map(source -> new BlockedSource(
                source.source().toString(), source.packets(), source.protocol(), source.port(), source.service()))
                .toList();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
