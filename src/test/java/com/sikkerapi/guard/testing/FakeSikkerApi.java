package com.sikkerapi.guard.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * SikkerAPI's two endpoints the agents use, on 127.0.0.1, over real data: {@code GET /v1/key/blacklist} lists
 * FireHOL level1 (from the test resources, bogons and all) plus the addresses a test adds, each with a confidence
 * score, filtered by the request's {@code scoreMinimum}; {@code POST /v1/key/bulk-report} keeps what the agents
 * report. Both want the key as a Bearer token (401 otherwise). FireHOL has no scores: each entry gets a fixed
 * pseudo-score from its text, so every run lists the same entries at the same minimum.
 */
public final class FakeSikkerApi implements AutoCloseable {
    public static final Path FIREHOL_LEVEL1 = TestFeeds.FIREHOL_LEVEL1;
    private static final Pattern SCORE_MINIMUM = Pattern.compile("(?:^|&)scoreMinimum=(\\d+)");

    private final String key;
    private final Map<String, Integer> scores = new ConcurrentHashMap<>();
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger blacklistRequests =
            new java.util.concurrent.atomic.AtomicInteger();
    private final List<String> blacklistLog = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong quota = new java.util.concurrent.atomic.AtomicLong(1000);
    private final java.util.Set<String> refusedReports = ConcurrentHashMap.newKeySet();
    private final HttpServer server;
    private volatile boolean down;

    public FakeSikkerApi(String key) {
        this.key = key;
        try {
            for (String line : Files.readAllLines(FIREHOL_LEVEL1)) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    scores.put(entry, Math.floorMod(entry.hashCode(), 100) + 1);
                }
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/key/blacklist", this::blacklist);
        server.createContext("/v1/key/bulk-report", this::bulkReport);
        server.start();
    }

    /** Lists an address (an attacker of the test's) with this score. */
    public FakeSikkerApi list(String address, int score) {
        scores.put(address, score);
        return this;
    }

    /** How many entries a request with this minimum gets. */
    public long listed(int scoreMinimum) {
        return scores.values().stream().filter(score -> score >= scoreMinimum).count();
    }

    /** An outage: every request gets 503 until {@link #up()}. */
    public void down() {
        down = true;
    }

    public void up() {
        down = false;
    }

    /** Reports of this address are refused (a per-row error in the answer). */
    public void refuseReports(String address) {
        refusedReports.add(address);
    }

    /** Blacklist requests received so far (conditional ones included). */
    public int blacklistRequests() {
        return blacklistRequests.get();
    }

    /** Each blacklist request so far: when, its query, whether conditional (what a count's assertion shows). */
    public List<String> blacklistLog() {
        return List.copyOf(blacklistLog);
    }

    /** The daily report quota left; at 0 a bulk report gets 429 with a Retry-After until midnight. */
    public void quota(long remaining) {
        quota.set(remaining);
    }

    /** The bodies of the bulk reports received so far. */
    public List<String> reports() {
        return List.copyOf(reports);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    private void blacklist(HttpExchange exchange) throws IOException {
        blacklistRequests.incrementAndGet();
        blacklistLog.add(java.time.Instant.now() + " " + exchange.getRequestURI().getRawQuery()
                + (exchange.getRequestHeaders().containsKey("If-None-Match") ? " (conditional)" : ""));
        if (refused(exchange)) {
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        Matcher minimum = SCORE_MINIMUM.matcher(query == null ? "" : query);
        int scoreMinimum = minimum.find() ? Integer.parseInt(minimum.group(1)) : 0;
        String body = scores.entrySet().stream().filter(e -> e.getValue() >= scoreMinimum).map(Map.Entry::getKey)
                .sorted().collect(Collectors.joining("\n", "", "\n"));
        String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
        exchange.getResponseHeaders().add("ETag", etag);
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            exchange.sendResponseHeaders(304, -1);
            exchange.close();
            return;
        }
        respond(exchange, 200, body);
    }

    private void bulkReport(HttpExchange exchange) throws IOException {
        if (refused(exchange)) {
            return;
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (quota.get() <= 0) {
            exchange.getResponseHeaders().add("Retry-After", "3600");
            exchange.getResponseHeaders().add("X-Daily-Remaining", "0");
            respond(exchange, 429, "daily report quota used");
            return;
        }
        reports.add(body);
        // Every report is accepted but those of the addresses the test said to refuse, row by row.
        int rows = 0;
        int refusedRows = 0;
        for (var report : io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().readTree(body).path("reports")) {
            rows++;
            if (refusedReports.contains(report.path("ip").asText())) {
                refusedRows++;
            }
        }
        long left = quota.addAndGet(-rows);
        exchange.getResponseHeaders().add("X-Daily-Remaining", Long.toString(Math.max(0, left)));
        respond(exchange, 200, "{\"accepted\":" + (rows - refusedRows) + ",\"errors\":["
                + String.join(",", java.util.Collections.nCopies(refusedRows, "{\"error\":\"reserved address\"}"))
                + "]}");
    }

    private boolean refused(HttpExchange exchange) throws IOException {
        if (down) {
            respond(exchange, 503, "down for maintenance");
            return true;
        }
        if (!("Bearer " + key).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "invalid API key");
            return true;
        }
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
