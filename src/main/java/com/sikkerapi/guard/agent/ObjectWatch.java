package com.sikkerapi.guard.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One object watched by name, as an informer does it: a list by name (which gives the collection's
 * resourceVersion), then a watch from there; events pass the object on (null when it was deleted), a watch that
 * ends is taken up again from the last version seen, and one the API server no longer has (410 Gone) starts again
 * with a list. Failures are retried with a growing pause (1 s to 30 s) for as long as the agent runs: an API server
 * that is down when a node boots must not keep it from its last good list. A connection that went silent is closed
 * once it has been quiet longer than the watch's own timeout, so the watch cannot hang on a dead peer.
 */
final class ObjectWatch<T extends HasMetadata> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ObjectWatch.class);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    private final KubeApi api;
    private final Class<T> kind;
    private final String collection;
    private final String selector;
    private final Consumer<T> changed;
    private final String what;
    private final Thread thread;
    private volatile boolean open = true;
    private volatile InputStream body;
    private volatile long lastRead;
    private volatile long quietLimit;
    private final ScheduledFuture<?> quiet;

    /** Starts watching {@code name}; {@code changed} runs on the watch's thread, with null for a deletion. */
    ObjectWatch(KubeApi api, Class<T> kind, String namespace, String name, Consumer<T> changed, String what) {
        this.api = api;
        this.kind = kind;
        this.collection = KubeApi.path(kind, namespace, null);
        this.selector = "fieldSelector=" + KubeApi.encode("metadata.name=" + name);
        this.changed = changed;
        this.what = what;
        this.thread = new Thread(this::run, "sikkerguard-watch-" + name);
        thread.setDaemon(true);
        thread.start();
        quiet = Watchdog.TIMER.scheduleWithFixedDelay(this::closeIfQuiet, 30, 30, TimeUnit.SECONDS);
    }

    /** One daemon thread for all watches of the process: it only looks at the time of their last read. */
    private static final class Watchdog {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sikkerguard-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }

    private void run() {
        String version = null;
        Duration pause = Duration.ofSeconds(1);
        boolean warned = false;
        while (open) {
            try {
                if (version == null) {
                    version = list();
                }
                version = follow(version);
                pause = Duration.ofSeconds(1);
                if (warned) {
                    LOG.infof("Reading %s from the API server again", what);
                    warned = false;
                }
            } catch (Gone e) {
                version = null;
            } catch (IOException | RuntimeException e) {
                if (!open) {
                    return;
                }
                if (!warned) {
                    LOG.warnf("Cannot read %s from the API server yet, retrying: %s", what, e.getMessage());
                    warned = true;
                }
                if (!sleepUnlessClosed(pause)) {
                    return;
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The object now (or its absence), and the version to watch from. */
    private String list() {
        JsonNode list = api.get(collection + "?" + selector, JsonNode.class)
                .orElseThrow(() -> new KubeApi.Failure(404, "no " + collection));
        JsonNode items = list.path("items");
        deliver(items.size() == 0 ? null : items.get(0));
        return list.path("metadata").path("resourceVersion").asText();
    }

    /** Follows one watch until the API server ends it; returns the last version seen. */
    private String follow(String version) throws IOException, InterruptedException {
        int timeout = 240 + ThreadLocalRandom.current().nextInt(60);
        quietLimit = Duration.ofSeconds(timeout + 30).toNanos();
        HttpResponse<InputStream> answer = api.stream(collection + "?" + selector + "&watch=true&allowWatchBookmarks=true"
                + "&resourceVersion=" + KubeApi.encode(version) + "&timeoutSeconds=" + timeout);
        try (InputStream in = answer.body()) {
            if (answer.statusCode() == 410) {
                throw new Gone();
            }
            if (answer.statusCode() != 200) {
                throw KubeApi.failure(answer.statusCode(), in.readNBytes(4096), collection);
            }
            body = in;
            lastRead = System.nanoTime();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null && open; line = lines.readLine()) {
                lastRead = System.nanoTime();
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event = Json.MAPPER.readTree(line);
                JsonNode object = event.path("object");
                switch (event.path("type").asText()) {
                    case "ADDED", "MODIFIED" -> deliver(object);
                    case "DELETED" -> deliver(null);
                    case "BOOKMARK" -> { }
                    case "ERROR" -> {
                        if (object.path("code").asInt() == 410) {
                            throw new Gone();
                        }
                        throw new KubeApi.Failure(object.path("code").asInt(),
                                "watch of " + what + ": " + object.path("message").asText());
                    }
                    default -> LOG.debugf("Ignoring a watch event of type %s", event.path("type").asText());
                }
                String seen = object.path("metadata").path("resourceVersion").asText(null);
                version = seen == null ? version : seen;
            }
            return version;
        } finally {
            body = null;
        }
    }

    private void deliver(JsonNode object) {
        T value = null;
        if (object != null) {
            try {
                value = Json.MAPPER.treeToValue(object, kind);
            } catch (IOException e) {
                LOG.errorf("Ignoring an unreadable %s: %s", what, e.getMessage());
                return;
            }
        } else {
            LOG.infof("%s was deleted", what);
        }
        changed.accept(value);
    }

    /** Closes a connection that has been quiet past the watch's own timeout (the peer is gone). */
    private void closeIfQuiet() {
        InputStream current = body;
        if (current != null && System.nanoTime() - lastRead > quietLimit) {
            LOG.warnf("The watch of %s went quiet; starting it again", what);
            closeQuietly(current);
        }
    }

    /** False when the watch was closed meanwhile. */
    private boolean sleepUnlessClosed(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return open;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing a dead connection
        }
    }

    @Override
    public void close() {
        open = false;
        quiet.cancel(false);
        thread.interrupt();
        InputStream current = body;
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static final class Gone extends RuntimeException {
        Gone() {
            super("410 Gone", null, false, false);
        }
    }
}
