package com.sikkerapi.guard.testing;

import com.sikkerapi.guard.agent.ConfigWatch;
import com.sikkerapi.guard.agent.KubeApi;
import com.sikkerapi.guard.hub.ListPublication;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nodes without a kernel: each has the agent's own API client and watch (its ConfigMap and the list's pointer) and
 * reads the published list by name and digest as the agent does, without applying it. For counting what the hub
 * and the API server do for N nodes.
 */
public final class LightweightAgents implements AutoCloseable {
    private final Map<Integer, String> held = new ConcurrentHashMap<>();
    private final List<ConfigWatch> watches = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean open = true;

    public LightweightAgents(KubeApiServer server, String namespace, String blocklist, int nodes) {
        for (int node = 1; node <= nodes; node++) {
            KubeApi api = KubeApi.of(URI.create(server.url()), server.token(), null);
            ConfigWatch watch = new ConfigWatch().start(api, namespace, blocklist + "-agent",
                    ListPublication.pointerName(blocklist));
            watches.add(watch);
            int index = node;
            Thread thread = new Thread(() -> follow(api, watch, namespace, blocklist, index), "light-agent-" + node);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    private void follow(KubeApi api, ConfigWatch watch, String namespace, String blocklist, int node) {
        try {
            while (open) {
                long seen = watch.version();
                watch.pointer().filter(pointer -> !pointer.digest().equals(held.get(node))).ifPresent(pointer -> {
                    try {
                        held.put(node, ListPublication.load(api, namespace, blocklist, pointer.current()).digest());
                    } catch (ListPublication.Unreadable e) {
                        // a slot being rewritten: the next pointer brings it
                    }
                });
                watch.awaitChange(seen, Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every node holds {@code digest}; the time it took. */
    public Duration awaitAll(String digest, Duration limit) throws InterruptedException {
        Instant start = Instant.now();
        while (held.values().stream().filter(digest::equals).count() < threads.size()) {
            if (Duration.between(start, Instant.now()).compareTo(limit) > 0) {
                throw new AssertionError("not every node holds " + digest + " after " + limit + ": " + held);
            }
            Thread.sleep(5);
        }
        return Duration.between(start, Instant.now());
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        watches.forEach(ConfigWatch::close);
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(5_000);
        }
    }
}
