package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.NodeCounts;
import com.sikkerapi.guard.api.ThreatBlocklist;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Nodes per blocklist as gauges, next to JOSDK's own reconcile and error counters (all on /q/metrics):
 * {@code sikkerguard_nodes{namespace,name,state=desired|ready|failed}}. A deleted blocklist's series go at the next
 * reconcile of any blocklist (the operator keeps no finalizer just for metrics).
 */
@Singleton
public class OperatorMetrics {
    private final MultiGauge nodes;
    private final Map<String, NodeCounts> counts = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.nodes = MultiGauge.builder("sikkerguard_nodes").description("Nodes per blocklist, by state")
                .register(registry);
    }

    /** @param existing the blocklists the operator still sees ("namespace/name") */
    void nodes(ThreatBlocklist blocklist, NodeCounts now, Set<String> existing) {
        counts.put(key(blocklist), now);
        counts.keySet().retainAll(existing);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((key, value) -> {
            String[] parts = key.split("/", 2);
            Tags tags = Tags.of("namespace", parts[0], "name", parts[1]);
            rows.add(MultiGauge.Row.of(tags.and("state", "desired"), value.desired()));
            rows.add(MultiGauge.Row.of(tags.and("state", "ready"), value.ready()));
            rows.add(MultiGauge.Row.of(tags.and("state", "failed"), value.failed()));
        });
        nodes.register(rows, true);
    }

    static String key(ThreatBlocklist blocklist) {
        return blocklist.getMetadata().getNamespace() + "/" + blocklist.getMetadata().getName();
    }

    static Set<String> keys(java.util.stream.Stream<ThreatBlocklist> blocklists) {
        return blocklists.map(OperatorMetrics::key).collect(Collectors.toSet());
    }
}
