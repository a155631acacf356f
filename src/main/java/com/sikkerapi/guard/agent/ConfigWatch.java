package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The agent's ConfigMap, watched through the API (one object, by name), so that a spec change reaches the node (and
 * the web-tier publisher) in seconds. The informer reconnects by itself when the API server comes back.
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
    private long version;
    private SharedIndexInformer<ConfigMap> informer;

    public ConfigWatch start(KubernetesClient client, String namespace, String name) {
        // One object, by name: the Role allows list and watch of exactly this ConfigMap. Started without waiting,
        // and retried for as long as the agent runs: an API server that is down when a node boots must not keep
        // the agent from restoring the node's last good list.
        informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap configMap) {
                update(configMap);
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
                update(after);
            }

            @Override
            public void onDelete(ConfigMap configMap, boolean unknownFinalState) {
                // Deleted with the blocklist (or by hand: the operator makes it again). The shutdown that may
                // follow decides what to remove.
                LOG.info("The agent configuration was deleted");
            }
        });
        informer.exceptionHandler((started, failure) -> {
            LOG.warnf("Cannot read the agent configuration from the API server yet, retrying: %s",
                    String.valueOf(failure.getMessage()));
            return true;
        });
        informer.start();
        return this;
    }

    static Snapshot parse(ConfigMap configMap) {
        AgentConfig agent = Serialization.unmarshal(configMap.getData().get(AgentConfig.CONFIG_KEY), AgentConfig.class);
        List<String> ranges = lines(configMap.getData().get(AgentConfig.PROTECTED_RANGES_KEY));
        Optional<Set<String>> nodes = Optional.ofNullable(configMap.getData().get(AgentConfig.SELECTED_NODES_KEY))
                .map(text -> Set.copyOf(lines(text)));
        return new Snapshot(new AgentLoop.Config(agent, ranges), nodes);
    }

    private static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private void update(ConfigMap configMap) {
        try {
            Snapshot next = parse(configMap);
            lock.lock();
            try {
                current = next;
                version++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException e) {
            LOG.errorf("Ignoring an unreadable agent ConfigMap (keeping the last one): %s", e.getMessage());
        }
    }

    public Optional<Snapshot> current() {
        return Optional.ofNullable(current);
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
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
