package com.sikkerapi.guard.observe;

import com.sikkerapi.guard.net.Cidr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Blocked packets counted per source, then per protocol and port, over an interval. Bounded whatever the attack:
 * at most {@code maxSources} sources and {@link #MAX_PORTS_PER_SOURCE} ports each are told apart; packets past that
 * are still counted, as "other sources" and "other ports". Thread-safe: the reader thread records, the loop drains.
 */
public final class BlockedTally {
    static final int MAX_PORTS_PER_SOURCE = 16;

    /** One source's interval: its most hit protocol and port, and what else it tried. */
    public record SourceSummary(Cidr source, long packets, String protocol, int port, String service,
            int otherPorts, long otherPortPackets) {
    }

    /** An interval: the sources, most packets first, and the packets of sources past the bound. */
    public record Summary(List<SourceSummary> sources, long overflowPackets) {
        public long totalPackets() {
            return overflowPackets + sources.stream().mapToLong(SourceSummary::packets).sum();
        }
    }

    private final int maxSources;
    private final Services services;
    private Map<Cidr, SourceCounts> counts = new HashMap<>();
    private long overflow;

    private record Target(String protocol, int port) {
    }

    /** Per source: the ports told apart, and the packets to ports past the bound. */
    private static final class SourceCounts {
        final Map<Target, long[]> targets = new HashMap<>();
        long untold;
    }

    public BlockedTally(int maxSources, Services services) {
        this.maxSources = maxSources;
        this.services = services;
    }

    public synchronized void record(BlockedPacket packet) {
        SourceCounts source = counts.get(packet.source());
        if (source == null) {
            if (counts.size() >= maxSources) {
                overflow++;
                return;
            }
            source = new SourceCounts();
            counts.put(packet.source(), source);
        }
        Target target = new Target(packet.protocol(), packet.port());
        long[] count = source.targets.get(target);
        if (count != null) {
            count[0]++;
        } else if (source.targets.size() < MAX_PORTS_PER_SOURCE) {
            source.targets.put(target, new long[] {1});
        } else {
            source.untold++;
        }
    }

    /** The interval so far, and a fresh one starts. */
    public Summary drain() {
        Map<Cidr, SourceCounts> taken;
        long overflowTaken;
        synchronized (this) {
            taken = counts;
            overflowTaken = overflow;
            counts = new HashMap<>();
            overflow = 0;
        }
        List<SourceSummary> sources = new ArrayList<>(taken.size());
        taken.forEach((source, counted) -> {
            Map.Entry<Target, long[]> top = null;
            long total = counted.untold;
            for (Map.Entry<Target, long[]> entry : counted.targets.entrySet()) {
                total += entry.getValue()[0];
                if (top == null || entry.getValue()[0] > top.getValue()[0]) {
                    top = entry;
                }
            }
            Target target = top.getKey();
            int others = counted.targets.size() - 1 + (counted.untold > 0 ? 1 : 0);
            sources.add(new SourceSummary(source, total, target.protocol(), target.port(),
                    services.name(target.protocol(), target.port()), others, total - top.getValue()[0]));
        });
        sources.sort(Comparator.comparingLong(SourceSummary::packets).reversed()
                .thenComparing(SourceSummary::source));
        return new Summary(sources, overflowTaken);
    }

    /** One line per source, as the agent logs them: {@code BLOCKED 185.16.39.79:23 (telnet) proto=TCP x47}. */
    public static String line(SourceSummary source) {
        String address = source.source().family() == 6 ? "[" + source.source() + "]" : source.source().toString();
        StringBuilder line = new StringBuilder("BLOCKED ").append(address);
        if (source.port() >= 0) {
            line.append(':').append(source.port());
        }
        line.append(" (").append(source.service()).append(") proto=").append(source.protocol()).append(" x")
                .append(source.packets() - source.otherPortPackets());
        if (source.otherPorts() > 0) {
            line.append(", and ").append(source.otherPorts()).append(source.otherPorts() == 1 ? " other port" :
                    " other ports").append(" x").append(source.otherPortPackets());
        }
        return line.toString();
    }
}
