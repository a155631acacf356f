package com.sikkerapi.guard.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.FeedFormat;
import com.sikkerapi.guard.api.FeedSource;
import com.sikkerapi.guard.api.SecretKeyRef;
import com.sikkerapi.guard.api.SikkerApiSource;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A blocklist's sources pulled from a local server playing SikkerAPI and a Spamhaus-style feed. */
class FeedPullerTest {
    private HttpServer server;
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final Map<String, String> lastQuery = new ConcurrentHashMap<>();
    private final Map<String, String> lastAuth = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::serve);
        server.start();
        bodies.put("/v1/key/blacklist", "1.2.3.4\n5.6.7.8\n2a0f:1::1\n");
        bodies.put("/drop.json", "{\"cidr\":\"9.9.9.0/24\"}\n{\"type\":\"metadata\"}\n");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        lastQuery.put(path, String.valueOf(exchange.getRequestURI().getQuery()));
        lastAuth.put(path, String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        String body = bodies.get(path);
        if (body == null) {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
        exchange.getResponseHeaders().add("ETag", etag);
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            exchange.sendResponseHeaders(304, -1);
            exchange.close();
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private ThreatBlocklistSpec spec() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        SikkerApiSource sikkerapi = new SikkerApiSource();
        sikkerapi.setEndpoint(base);
        sikkerapi.setApiKeySecretRef(new SecretKeyRef("k", "api-key"));
        sikkerapi.setProtocols(List.of("ssh"));
        spec.getSource().setSikkerapi(sikkerapi);
        FeedSource drop = new FeedSource();
        drop.setName("drop");
        drop.setUrl(base + "/drop.json");
        drop.setFormat(FeedFormat.SPAMHAUS_NDJSON);
        spec.getSource().setFeeds(List.of(drop));
        return spec;
    }

    private FeedPuller.Pull pull(FeedPuller puller) throws IOException {
        Path key = dir.resolve("api-key");
        Files.writeString(key, "sk_test_key\n");
        return puller.pull(FeedPuller.sources(spec(), key), ValidationPolicy.DEFAULTS, -1, RejectedLines.IGNORE, false);
    }

    private static final FeedClient.Settings FAST = new FeedClient.Settings(Duration.ofSeconds(2),
            Duration.ofSeconds(5), 1 << 20, 1, Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofSeconds(1), "test");

    @Test
    void mergesAllSourcesAndAsksConditionallyTheNextTime() throws IOException {
        FeedPuller puller = new FeedPuller(new FeedClient(FAST, Optional.empty(), () -> DestinationPolicy.ANY), dir.resolve("state"));
        FeedPuller.Pull first = pull(puller);
        assertThat(first.failure()).isNull();
        assertThat(Feeds.blocked(first.result())).containsExactly("1.2.3.4", "5.6.7.8", "9.9.9.0/24", "2a0f:1::1");
        assertThat(lastAuth.get("/v1/key/blacklist")).isEqualTo("Bearer sk_test_key");
        assertThat(lastQuery.get("/v1/key/blacklist")).contains("plaintext=true").contains("protocols=ssh")
                .doesNotContain("sk_test_key");
        assertThat(lastAuth.get("/drop.json")).as("a plain feed gets no key").isEqualTo("null");

        assertThat(pull(puller).unchanged()).as("nothing changed: no validation, no apply").isTrue();

        // One source changes: the other one's last body is used again, without downloading it.
        bodies.put("/drop.json", "{\"cidr\":\"8.8.4.0/24\"}\n");
        FeedPuller.Pull third = pull(puller);
        assertThat(third.unchanged()).isFalse();
        assertThat(Feeds.blocked(third.result())).containsExactly("1.2.3.4", "5.6.7.8", "8.8.4.0/24", "2a0f:1::1");
    }

    @Test
    void oneFailingSourceFailsThePull() throws IOException {
        bodies.remove("/drop.json");
        FeedPuller.Pull pull = pull(new FeedPuller(new FeedClient(FAST, Optional.empty(), () -> DestinationPolicy.ANY), dir.resolve("state")));
        assertThat(pull.result()).isNull();
        assertThat(pull.failure()).startsWith("feed-drop: HTTP 503").doesNotContain("sk_test_key");
    }
}
