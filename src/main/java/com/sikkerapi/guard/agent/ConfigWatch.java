package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.hub.ListPublication;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The agent's ConfigMap, watched through the API (one object, by name), so that a spec change reaches the node (and
 * the hub) in seconds; for an agent, also the pointer of the hub's published list, so a new list does too. The
 * watches take up again by themselves when the API server comes back.
 */
public final class ConfigWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConfigWatch.class);

    /**
     * The operator's configuration as the agent uses it.
     *
     * @param selectedNodes the nodes that should run the agent; empty when none should, absent when the operator
     *        did not say (then no shutdown is taken for a deselection)
     */
    public record Snapshot(AgentLoop.Config config, Optional<Set<String>> selectedNodes) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile Snapshot current;
    private volatile ListPublication.Pointer pointer;
    private long version;
    private final java.util.List<ObjectWatch<ConfigMap>> watches = new java.util.ArrayList<>();

    /** The configuration alone (the hub). */
    public ConfigWatch start(KubeApi api, String namespace, String name) {
        // One object, by name: the Role allows list and watch of exactly this ConfigMap.
        watches.add(new ObjectWatch<>(api, ConfigMap.class, namespace, name, this::update, "the agent configuration"));
        return this;
    }

    /** The configuration and the pointer of the published list (an agent). */
    public ConfigWatch start(KubeApi api, String namespace, String name, String pointerName) {
        start(api, namespace, name);
        watches.add(new ObjectWatch<>(api, ConfigMap.class, namespace, pointerName, this::updatePointer,
                "the published list"));
        return this;
    }

    static Snapshot parse(ConfigMap configMap) {
        AgentConfig agent = Json.read(configMap.getData().get(AgentConfig.CONFIG_KEY), AgentConfig.class);
        List<String> ranges = lines(configMap.getData().get(AgentConfig.PROTECTED_RANGES_KEY));
        Optional<Set<String>> nodes = Optional.ofNullable(configMap.getData().get(AgentConfig.SELECTED_NODES_KEY))
                .map(text -> Set.copyOf(lines(text)));
        String rollout = configMap.getData().get(com.sikkerapi.guard.api.Rollout.KEY);
        String bounds = configMap.getData().get(com.sikkerapi.guard.api.ListBounds.CONFIG_KEY);
        // An operator older than the cluster policy wrote none: the policy's defaults hold.
        return new Snapshot(new AgentLoop.Config(agent, ranges, rollout == null ? null
                : Json.read(rollout, com.sikkerapi.guard.api.Rollout.class), bounds == null
                ? com.sikkerapi.guard.api.ListBounds.DEFAULTS
                : Json.read(bounds, com.sikkerapi.guard.api.ListBounds.class)), nodes);
    }

    private static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private void update(ConfigMap configMap) {
        if (configMap == null) {
            return; // deleted with the blocklist (or by hand: the operator makes it again); shutdown decides
        }
        try {
            Snapshot next = parse(configMap);
            changed(() -> current = next);
        } catch (RuntimeException e) {
            LOG.errorf("Ignoring an unreadable agent ConfigMap (keeping the last one): %s", e.getMessage());
        }
    }

    private void updatePointer(ConfigMap configMap) {
        if (configMap == null) {
            return; // the hub writes it again; the list in place stays
        }
        try {
            ListPublication.pointer(configMap).ifPresent(next -> {
                if (!next.equals(pointer)) {
                    changed(() -> pointer = next);
                }
            });
        } catch (RuntimeException e) {
            LOG.errorf("Ignoring an unreadable list pointer (keeping the last one): %s", e.getMessage());
        }
    }

    private void changed(Runnable update) {
        lock.lock();
        try {
            update.run();
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public Optional<Snapshot> current() {
        return Optional.ofNullable(current);
    }

    /** The published list's pointer as last seen; empty before the hub's first publication. */
    public Optional<ListPublication.Pointer> pointer() {
        return Optional.ofNullable(pointer);
    }

    public long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the configuration changes past {@code seen}, or the timeout passes. */
    public void awaitChange(long seen, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (version == seen && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting loop (used on shutdown). */
    public void wake() {
        changed(() -> { });
    }

    @Override
    public void close() {
        watches.forEach(ObjectWatch::close);
    }
}
