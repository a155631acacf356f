package com.sikkerapi.guard.report;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidr;
import com.sikkerapi.guard.net.SpecialRanges;
import com.sikkerapi.guard.observe.BlockedTally;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The attackers waiting to be reported: each interval's blocked sources are added (the packets of a source still
 * waiting add up), the most active go first, and what the API accepted leaves the queue, so nothing is reported
 * twice; what a spent quota kept back waits for the next interval. Never holds a private, special-purpose or
 * whitelisted address, and never more than {@code maxPending} sources (the least active go first).
 */
public final class ReportQueue {
    private record Pending(BlockedTally.SourceSummary latest, long packets) {
    }

    private final int maxPending;
    private final Map<Cidr, Pending> pending = new HashMap<>();

    public ReportQueue(int maxPending) {
        this.maxPending = maxPending;
    }

    /** @param excluded addresses never to report (the whitelist, the auto-whitelist) */
    public void add(BlockedTally.Summary summary, AddressSet excluded) {
        for (BlockedTally.SourceSummary source : summary.sources()) {
            if (isExcluded(source.source(), excluded)) {
                continue;
            }
            pending.merge(source.source(), new Pending(source, source.packets()),
                    (old, now) -> new Pending(now.latest(), old.packets() + now.packets()));
        }
        if (pending.size() > maxPending) {
            List<Cidr> least = pending.entrySet().stream()
                    .sorted(Comparator.comparingLong((Map.Entry<Cidr, Pending> e) -> e.getValue().packets()))
                    .limit(pending.size() - maxPending).map(Map.Entry::getKey).toList();
            least.forEach(pending::remove);
        }
    }

    private static boolean isExcluded(Cidr address, AddressSet excluded) {
        return contains(SpecialRanges.SET, address) || contains(excluded, address);
    }

    private static boolean contains(AddressSet set, Cidr address) {
        return address.family() == 4 ? set.v4().contains(address.lo()) : set.v6().contains(address.hi(), address.lo());
    }

    /** Everything waiting, most packets first, as the API takes it. */
    public List<BulkReporter.Report> reports() {
        return pending.values().stream()
                .sorted(Comparator.comparingLong(Pending::packets).reversed()
                        .thenComparing(p -> p.latest().source()))
                .map(ReportQueue::report).toList();
    }

    /** The first {@code count} of {@link #reports()} were accepted; returns them per category, for the log. */
    public Map<String, Integer> accepted(List<BulkReporter.Report> reports, int count) {
        Map<String, Integer> byCategory = new LinkedHashMap<>();
        for (BulkReporter.Report report : reports.subList(0, count)) {
            pending.remove(Cidr.parse(report.ip()));
            byCategory.merge(report.category(), 1, Integer::sum);
        }
        return byCategory;
    }

    public int size() {
        return pending.size();
    }

    private static BulkReporter.Report report(Pending pending) {
        BlockedTally.SourceSummary source = pending.latest();
        String protocol = source.protocol().toLowerCase(Locale.ROOT);
        String target = source.port() >= 0 ? "port " + source.port() + "/" + protocol : protocol;
        return new BulkReporter.Report(source.source().toString(), source.service(), protocol,
                "Blocked by sikkerguard: " + pending.packets() + " packets sampled, most to " + target);
    }
}
