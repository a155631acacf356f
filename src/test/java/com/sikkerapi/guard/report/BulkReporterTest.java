package com.sikkerapi.guard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidr;
import com.sikkerapi.guard.observe.BlockedTally;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A local HTTP server on 127.0.0.1 plays SikkerAPI's bulk report endpoint. */
class BulkReporterTest {
    private static final String KEY = "sk-test-5f0c1d2e3a4b";
    private static final BulkReporter.Settings FAST = new BulkReporter.Settings(Duration.ofSeconds(5), 3,
            Duration.ofMillis(10), Duration.ofSeconds(2), "test");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Received(String method, String path, String query, String authorization, JsonNode body,
            java.time.Instant at) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** @param answer status and headers for the n-th request (0-based) */
    private URI serve(Function<Integer, Map<String, String>> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
                    JSON.readTree(exchange.getRequestBody()), java.time.Instant.now()));
            respond(exchange, answer.apply(received.size() - 1));
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static void respond(HttpExchange exchange, Map<String, String> answer) throws IOException {
        answer.forEach((name, value) -> {
            if (!name.equals("status") && !name.equals("body")) {
                exchange.getResponseHeaders().add(name, value);
            }
        });
        byte[] body = answer.getOrDefault("body", "{}").getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(Integer.parseInt(answer.getOrDefault("status", "200")), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static List<BulkReporter.Report> reports(int count) {
        List<BulkReporter.Report> reports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            reports.add(new BulkReporter.Report("45." + (i >> 16) + "." + (i >> 8 & 255) + "." + (i & 255), "ssh",
                    "tcp", "Blocked by sikkerguard"));
        }
        return reports;
    }

    @Test
    void postsAtMostTenThousandAPieceWithTheKeyOnlyInTheAuthorizationHeader() throws IOException {
        URI endpoint = serve(n -> Map.of());
        BulkReporter.Result result = new BulkReporter(FAST).send(endpoint, () -> KEY, reports(25_000));
        assertThat(result).isEqualTo(new BulkReporter.Result(25_000, 25_000, -1, null));
        assertThat(received).extracting(r -> r.body().get("reports").size()).containsExactly(10_000, 10_000, 5_000);
        for (Received request : received) {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/v1/key/bulk-report");
            assertThat(request.query()).isNull();
            assertThat(request.authorization()).isEqualTo("Bearer " + KEY);
            assertThat(request.body().toString().replace(KEY, "")).isEqualTo(request.body().toString());
        }
        JsonNode first = received.get(0).body().get("reports").get(0);
        assertThat(first.get("ip").asText()).isEqualTo("45.0.0.0");
        assertThat(first.get("category").asText()).isEqualTo("ssh");
        assertThat(first.get("protocol").asText()).isEqualTo("tcp");
        assertThat(first.get("comment").asText()).isEqualTo("Blocked by sikkerguard");
    }

    @Test
    void waitsAShortRetryAfterAndGivesUpOnALongOne() throws IOException {
        URI endpoint = serve(n -> n == 0 ? Map.of("status", "429", "Retry-After", "1") : Map.of());
        assertThat(new BulkReporter(FAST).send(endpoint, () -> KEY, reports(3)))
                .isEqualTo(new BulkReporter.Result(3, 3, -1, null));
        assertThat(received).as("retried once, after the wait").hasSize(2);
        assertThat(received.get(1).at().minus(Duration.ofSeconds(1))).as("not before the server said")
                .isAfterOrEqualTo(received.get(0).at());

        server.stop(0);
        received.clear();
        URI busy = serve(n -> Map.of("status", "429", "Retry-After", "3600"));
        BulkReporter.Result later = new BulkReporter(FAST).send(busy, () -> KEY, reports(3));
        assertThat(later.sent()).isZero();
        assertThat(later.quotaRemaining()).as("a 429 means nothing is left for now").isZero();
        assertThat(later.stopped()).contains("HTTP 429").contains("retry after 3600 s").doesNotContain(KEY);
        assertThat(received).as("not retried: the wait is for the next interval").hasSize(1);
    }

    @Test
    void stopsWhenTheDailyQuotaIsSpentAndTheQueueCarriesTheRestOverOnce() throws IOException {
        URI endpoint = serve(n -> Map.of("X-Daily-Remaining", n == 0 ? "0" : "500"));
        ReportQueue queue = new ReportQueue(100_000);
        BlockedTally tally = new BlockedTally(100_000, new com.sikkerapi.guard.observe.Services(Map.of()));
        for (int i = 0; i < 12_000; i++) {
            for (int p = 0; p <= i % 3; p++) {
                tally.record(new com.sikkerapi.guard.observe.BlockedPacket(Cidr.parse("45." + (i >> 16) + "."
                        + (i >> 8 & 255) + "." + (i & 255)), "TCP", 22));
            }
        }
        queue.add(tally.drain(), AddressSet.EMPTY);
        BulkReporter reporter = new BulkReporter(FAST);
        List<BulkReporter.Report> first = queue.reports();
        BulkReporter.Result spent = reporter.send(endpoint, () -> KEY, first);
        assertThat(spent).isEqualTo(new BulkReporter.Result(10_000, 10_000, 0, "the daily report quota is spent"));
        assertThat(queue.accepted(first, spent.sent())).containsExactly(Map.entry("ssh", 10_000));
        assertThat(queue.size()).isEqualTo(2_000);

        // The next interval: the 2,000 left over go, and none of the 10,000 already reported goes again.
        List<BulkReporter.Report> second = queue.reports();
        assertThat(reporter.send(endpoint, () -> KEY, second))
                .isEqualTo(new BulkReporter.Result(2_000, 2_000, 500, null));
        queue.accepted(second, 2_000);
        List<String> all = new ArrayList<>();
        received.forEach(r -> r.body().get("reports").forEach(report -> all.add(report.get("ip").asText())));
        assertThat(all).hasSize(12_000).doesNotHaveDuplicates();
        assertThat(queue.size()).isZero();
    }

    @Test
    void neverReportsPrivateSpecialOrWhitelistedAddresses() {
        BlockedTally tally = new BlockedTally(100, new com.sikkerapi.guard.observe.Services(Map.of()));
        for (String source : List.of("10.1.2.3", "192.168.0.9", "100.64.1.1", "127.0.0.1", "fd00::1", "fe80::1",
                "203.0.113.5", "45.9.9.9", "2a0f:1:1::2", "46.1.1.1")) {
            tally.record(new com.sikkerapi.guard.observe.BlockedPacket(Cidr.parse(source), "TCP", 22));
        }
        ReportQueue queue = new ReportQueue(100);
        queue.add(tally.drain(), AddressSet.of(List.of("46.1.1.0/24")));
        assertThat(queue.reports()).extracting(BulkReporter.Report::ip)
                .containsExactlyInAnyOrder("45.9.9.9", "2a0f:1:1::2");
    }

    @Test
    void countsWhatTheAnswerSaysWasAccepted() throws IOException {
        URI endpoint = serve(n -> switch (n) {
            case 0 -> Map.of("body", "{\"accepted\":7,\"errors\":[{\"index\":3},{\"index\":5},{\"index\":8}]}");
            case 1 -> Map.of("body", "{\"errors\":[{\"index\":0,\"error\":\"invalid ip\"}]}");
            default -> Map.of("body", "not json");
        });
        BulkReporter reporter = new BulkReporter(FAST);
        assertThat(reporter.send(endpoint, () -> KEY, reports(10)).accepted()).isEqualTo(7);
        assertThat(reporter.send(endpoint, () -> KEY, reports(4)).accepted()).isEqualTo(3);
        assertThat(reporter.send(endpoint, () -> KEY, reports(2)))
                .as("a 2xx that says nothing more counts the batch").isEqualTo(new BulkReporter.Result(2, 2, -1, null));
    }
}
