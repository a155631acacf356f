package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.observe.BlockedTally;
import com.sikkerapi.guard.observe.PacketLogParser;
import com.sikkerapi.guard.observe.PacketLogStream;
import com.sikkerapi.guard.observe.Services;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * What this node blocks, as the admin reads it in the agent's log: the firewall's rate-limited log rule feeds a
 * packet stream (NFLOG through ulogd, or the kernel log), and once an interval one line per source is written,
 * most packets first, e.g. {@code BLOCKED 185.16.39.79:23 (telnet) proto=TCP x47}. Memory stays bounded whatever
 * the attack: the tally keeps a fixed number of sources, the log a fixed number of lines per interval.
 */
final class BlockedObserver implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BlockedObserver.class);
    /** Sources told apart per interval, and lines logged per interval. */
    static final int MAX_SOURCES = 10_000;
    static final int MAX_LINES = 50;

    private final Commands commands;
    private final PacketLogParser parser;
    private final int nflogGroup;
    private final Path workDir;
    private final Consumer<String> out;
    private final ScheduledExecutorService flusher;
    private final AtomicLong observedPackets = new AtomicLong();
    private final AgentMetrics metrics;
    private volatile Services services = new Services(Map.of());
    private volatile BlockedTally tally = new BlockedTally(MAX_SOURCES, new Services(Map.of()));
    /** The node's ephemeral ports: a UDP datagram to one of them answers the node's own query. */
    private final int[] ephemeral = EphemeralPorts.read();
    /** The inbound attempts among those packets over the reporting interval (drained for the hub, not by the log). */
    private volatile BlockedTally forReports = new BlockedTally(MAX_SOURCES, new Services(Map.of()));
    private PacketLogStream stream;
    private Map<String, String> portMap = Map.of();
    private EnforcementSpec.BlockedLog following;

    /** @param out where the BLOCKED lines go (the agent's log; a test's list) */
    BlockedObserver(Commands commands, Naming names, Path workDir, Duration interval, Consumer<String> out,
            AgentMetrics metrics) {
        this.metrics = metrics;
        this.commands = commands;
        this.parser = new PacketLogParser(names.logPrefix());
        this.nflogGroup = names.nflogGroup();
        this.workDir = workDir;
        this.out = out;
        this.flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sikkerguard-blocked-log");
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleAtFixedRate(this::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    static BlockedObserver toLog(Commands commands, Naming names, Path workDir, Duration interval,
            AgentMetrics metrics) {
        return new BlockedObserver(commands, names, workDir, interval, line -> LOG.info(line), metrics);
    }

    /** Follows the log the firewall's rule writes to (none stops following); the spec's port names apply next. */
    synchronized void follow(EnforcementSpec.BlockedLog log, Map<String, String> portMap) {
        if (!portMap.equals(this.portMap)) {
            flush();
            this.portMap = Map.copyOf(portMap);
            services = new Services(portMap);
            tally = new BlockedTally(MAX_SOURCES, new Services(portMap));
            forReports = new BlockedTally(MAX_SOURCES, new Services(portMap));
        }
        if (log == following && (stream == null || stream.isAlive())) {
            return;
        }
        stopStream();
        following = log;
        try {
            stream = switch (log) {
                case NFLOG -> PacketLogStream.nflog(commands, workDir, nflogGroup, this::line);
                case KMSG -> PacketLogStream.kmsg(commands, this::line);
                case NONE -> null;
            };
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Cannot observe blocked packets (%s): %s; blocking is not affected", log, e.getMessage());
            stream = null;
        }
    }

    private void line(String text) {
        parser.parse(text).ifPresent(packet -> {
            observedPackets.incrementAndGet();
            tally.record(packet);
            if (packet.inboundAttempt(ephemeral[0], ephemeral[1])) {
                forReports.record(packet);
            }
            metrics.blocked(services.name(packet.protocol(), packet.port()));
        });
    }

    /** Logs the interval's sources and starts the next interval. */
    void flush() {
        BlockedTally.Summary summary = tally.drain();
        int shown = Math.min(MAX_LINES, summary.sources().size());
        summary.sources().subList(0, shown).forEach(source -> out.accept(BlockedTally.line(source)));
        int hidden = summary.sources().size() - shown;
        if (hidden > 0 || summary.overflowPackets() > 0) {
            out.accept(String.format("BLOCKED %d more sources not shown; %d packets sampled in all%s", hidden,
                    summary.totalPackets(), summary.overflowPackets() > 0 ? "; sources past the first " + MAX_SOURCES
                            + " counted together" : ""));
        }
    }

    /** The inbound attempts blocked since the last call, for the hub's reports to SikkerAPI. */
    BlockedTally.Summary drainForReports() {
        return forReports.drain();
    }

    /** Packets the log rule sampled since the agent started (a rate-limited sample, not every drop). */
    long observedPackets() {
        return observedPackets.get();
    }

    private void stopStream() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }

    @Override
    public synchronized void close() {
        flusher.shutdownNow();
        stopStream();
        following = null;
    }
}
