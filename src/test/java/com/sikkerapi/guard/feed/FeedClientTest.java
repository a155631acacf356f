package com.sikkerapi.guard.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feed client against a local server on 127.0.0.1 that misbehaves in every way a feed server can. */
class FeedClientTest {
    private static final String KEY = "sk_test_do_not_leak_0123456789";
    private static final FeedClient.Settings FAST = new FeedClient.Settings(Duration.ofSeconds(2),
            Duration.ofSeconds(5), 1024, 3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(2), "test");

    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private HttpServer server;

    @TempDir
    Path dir;

    private int hit(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            authorization.put(path, auth);
        }
        return hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    }

    private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(status, status == 304 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", ex -> {
            hit(ex);
            if ("\"v1\"".equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                send(ex, 304, "", Map.of("ETag", "\"v1\""));
            } else {
                send(ex, 200, "1.2.3.4\n", Map.of("ETag", "\"v1\"", "Last-Modified", "Mon, 23 Nov 2026 04:00:00 GMT"));
            }
        });
        server.createContext("/flaky", ex -> send(ex, hit(ex) <= 2 ? 503 : 200, "5.6.7.8\n", Map.of()));
        server.createContext("/limited", ex -> {
            if (hit(ex) == 1) {
                send(ex, 429, "slow down", Map.of("Retry-After", "1"));
            } else {
                send(ex, 200, "9.9.9.9\n", Map.of());
            }
        });
        server.createContext("/quota", ex -> {
            hit(ex);
            send(ex, 429, "daily quota used", Map.of("Retry-After", "86400", "X-Daily-Remaining", "0"));
        });
        server.createContext("/notfound", ex -> {
            hit(ex);
            send(ex, 404, "no", Map.of());
        });
        server.createContext("/big", ex -> {
            hit(ex);
            send(ex, 200, "1.1.1.1\n".repeat(1000), Map.of());
        });
        server.createContext("/short", ex -> {
            hit(ex);
            ex.sendResponseHeaders(200, 1000); // promises 1000 bytes, sends 8, then closes
            ex.getResponseBody().write("2.2.2.2\n".getBytes(StandardCharsets.US_ASCII));
            ex.getResponseBody().flush();
            ex.getHttpContext().getServer(); // keep the reference explicit
            ex.close();
        });
        server.createContext("/bomb", ex -> {
            hit(ex);
            // 1,024 bytes on the wire at most, 64 KiB once decoded: the cap holds for both.
            var packed = new java.io.ByteArrayOutputStream();
            try (var gzip = new java.util.zip.GZIPOutputStream(packed)) {
                gzip.write("1.1.1.1\n".repeat(8192).getBytes(StandardCharsets.US_ASCII));
            }
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, packed.size());
            ex.getResponseBody().write(packed.toByteArray());
            ex.close();
        });
        server.createContext("/elsewhere", ex -> {
            hit(ex);
            send(ex, 302, "", Map.of("Location", "http://127.0.0.2:" + server.getAddress().getPort() + "/ok"));
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path + "?key=secret-in-query");
    }

    private FeedClient.Outcome fetch(String path, FeedClient.Validators cached) {
        return fetch(path, cached, DestinationPolicy.ANY);
    }

    private FeedClient.Outcome fetch(String path, FeedClient.Validators cached, DestinationPolicy policy) {
        return new FeedClient(FAST, Optional.empty(), () -> policy).fetch(uri(path),
                Map.of("Authorization", "Bearer " + KEY), cached, dir.resolve("body"));
    }

    @Test
    void fetchesAndThenAsksConditionally() throws IOException {
        var first = fetch("/ok", FeedClient.Validators.NONE);
        assertThat(first).isInstanceOfSatisfying(FeedClient.Fetched.class, f -> {
            assertThat(f.validators().etag()).isEqualTo("\"v1\"");
            assertThat(f.validators().lastModified()).isEqualTo("Mon, 23 Nov 2026 04:00:00 GMT");
        });
        assertThat(Files.readString(dir.resolve("body"))).isEqualTo("1.2.3.4\n");
        var second = fetch("/ok", ((FeedClient.Fetched) first).validators());
        assertThat(second).isInstanceOf(FeedClient.NotModified.class);
        assertThat(authorization.get("/ok")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void retriesServerErrorsWithBackoff() {
        assertThat(fetch("/flaky", FeedClient.Validators.NONE)).isInstanceOf(FeedClient.Fetched.class);
        assertThat(hits.get("/flaky").get()).isEqualTo(3);
    }

    @Test
    void honoursAShortRetryAfter() {
        assertThat(fetch("/limited", FeedClient.Validators.NONE)).isInstanceOf(FeedClient.Fetched.class);
        assertThat(hits.get("/limited").get()).isEqualTo(2);
    }

    @Test
    void aLongRetryAfterFailsThePullAtOnceWithoutHammering() {
        var outcome = fetch("/quota", FeedClient.Validators.NONE);
        assertThat(outcome).isInstanceOfSatisfying(FeedClient.Failed.class,
                f -> assertThat(f.reason()).contains("HTTP 429").contains("retry after 86400 s"));
        assertThat(hits.get("/quota").get()).isEqualTo(1);
    }

    @Test
    void clientErrorsAreNotRetriedAndReasonsCarryNoSecret() {
        var outcome = fetch("/notfound", FeedClient.Validators.NONE);
        assertThat(outcome).isInstanceOfSatisfying(FeedClient.Failed.class, f -> {
            assertThat(f.reason()).contains("HTTP 404").doesNotContain(KEY).doesNotContain("secret-in-query");
        });
        assertThat(hits.get("/notfound").get()).isEqualTo(1);
    }

    @Test
    void aBodyOverTheCapIsRefusedNotTruncated() {
        var outcome = fetch("/big", FeedClient.Validators.NONE);
        assertThat(outcome).isInstanceOfSatisfying(FeedClient.Failed.class,
                f -> assertThat(f.reason()).contains("larger than 1024 bytes"));
        assertThat(dir.resolve("body")).doesNotExist();
        assertThat(hits.get("/big").get()).as("a too-large feed is not fetched again").isEqualTo(1);
    }

    @Test
    void aHeaderValueTheJdkRefusesIsNeverQuotedInTheReason() {
        var outcome = new FeedClient(FAST, Optional.empty(), () -> DestinationPolicy.ANY).fetch(uri("/ok"),
                Map.of("Authorization", "Bearer sk-line-one\nsk-line-two"), FeedClient.Validators.NONE,
                dir.resolve("body"));
        assertThat(outcome).isInstanceOfSatisfying(FeedClient.Failed.class, f -> assertThat(f.reason())
                .endsWith("failed: IllegalArgumentException").doesNotContain("sk-line"));
    }

    @Test
    void aGzipBodyThatDecodesPastTheCapIsRefused() {
        var outcome = fetch("/bomb", FeedClient.Validators.NONE);
        assertThat(outcome).isInstanceOfSatisfying(FeedClient.Failed.class,
                f -> assertThat(f.reason()).contains("larger than 1024 bytes"));
        assertThat(dir.resolve("body")).doesNotExist();
    }

    @Test
    void validatorsAreNeverSentToAnAddressOtherThanTheOneTheyCameFrom() {
        var elsewhere = new FeedClient.Validators("\"v1\"", null, URI.create("http://127.0.0.1:1/other"));
        assertThat(fetch("/ok", elsewhere)).as("asked without If-None-Match").isInstanceOf(FeedClient.Fetched.class);
        var fetched = (FeedClient.Fetched) fetch("/ok", FeedClient.Validators.NONE);
        assertThat(fetched.validators().from()).isEqualTo(uri("/ok"));
        assertThat(fetch("/ok", fetched.validators())).isInstanceOf(FeedClient.NotModified.class);
    }

    @Test
    void aBodyCutShortIsAFailedPullNeverAShortList() {
        var outcome = fetch("/short", FeedClient.Validators.NONE);
        assertThat(outcome).isInstanceOf(FeedClient.Failed.class);
        assertThat(dir.resolve("body")).doesNotExist();
        assertThat(dir.resolve("body.partial")).doesNotExist();
    }

    @Test
    void tlsIsVerified() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-alias", "feed", "-keyalg", "EC",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2").inheritIO().start();
        assertThat(keytool.waitFor()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/feed", ex -> send(ex, 200, "3.3.3.3\n", Map.of()));
        https.start();
        try {
            URI uri = URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/feed");
            var untrusted = new FeedClient(FAST, Optional.empty(), () -> DestinationPolicy.ANY).fetch(uri, Map.of(), FeedClient.Validators.NONE,
                    dir.resolve("tls"));
            assertThat(untrusted).isInstanceOfSatisfying(FeedClient.Failed.class,
                    f -> assertThat(f.reason()).containsIgnoringCase("certif"));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext clientTls = SSLContext.getInstance("TLS");
            clientTls.init(null, trust.getTrustManagers(), null);
            var trusted = new FeedClient(FAST, Optional.of(clientTls), () -> DestinationPolicy.ANY).fetch(uri, Map.of(),
                    FeedClient.Validators.NONE, dir.resolve("tls"));
            assertThat(trusted).isInstanceOf(FeedClient.Fetched.class);
        } finally {
            https.stop(0);
        }
    }

    @Test
    void theHubNeverAsksLoopbackLinkLocalOrTheClustersRanges() {
        DestinationPolicy hub = DestinationPolicy.of(true, List.of("10.200.0.0/24"), List.of());
        var loopback = fetch("/ok", FeedClient.Validators.NONE, hub);
        assertThat(loopback).isInstanceOf(FeedClient.Refused.class);
        assertThat(((FeedClient.Refused) loopback).reason()).contains("127.0.0.1").doesNotContain("secret-in-query");
        assertThat(hits).as("refused before any connection").isEmpty();
        // Judged without a connection: no packet leaves for these, whatever the answer.
        assertThat(hub.refusal(URI.create("http://169.254.169.254/latest/meta-data/"))).contains("169.254.169.254");
        assertThat(hub.refusal(URI.create("http://[fe80::1]/"))).contains("fe80::1");
        assertThat(hub.refusal(URI.create("https://10.200.0.10/feed"))).contains("10.200.0.10");
        assertThat(hub.refusal(URI.create("http://[::ffff:127.0.0.1]/"))).as("IPv4-mapped loopback").isNotNull();
        assertThat(hub.refusal(URI.create("https://203.0.113.7/feed"))).isNull();
    }

    @Test
    void privateSharedNat64MulticastAndBroadcastAreRefusedByDefault() {
        DestinationPolicy hub = DestinationPolicy.of(false, List.of(), List.of());
        // Judged without a connection: no packet leaves for these, whatever the answer.
        for (String address : List.of("10.1.2.3", "172.20.0.1", "192.168.1.1", "100.64.0.1", "224.0.0.251",
                "255.255.255.255", "0.0.0.1", "[fd00:ec2::254]", "[64:ff9b::a00:1]", "[ff02::1]")) {
            assertThat(hub.refusal(URI.create("https://" + address + "/feed"))).as(address)
                    .contains("may not reach");
        }
        assertThat(hub.refusal(URI.create("https://203.0.113.7/feed"))).isNull();
    }

    @Test
    void theOperatorMayAllowAPrivateMirrorButNeverLoopbackOrTheClustersRanges() {
        DestinationPolicy hub = DestinationPolicy.of(false, List.of("10.200.0.0/24"),
                List.of("10.202.0.0/16", "127.0.0.0/8", "10.200.0.0/24"));
        assertThat(hub.refusal(URI.create("https://10.202.0.1/mirror"))).isNull();
        assertThat(hub.refusal(URI.create("https://10.203.0.1/feed"))).as("outside the allowed range").isNotNull();
        assertThat(hub.refusal(URI.create("https://127.0.0.1/feed"))).as("loopback, always").isNotNull();
        assertThat(hub.refusal(URI.create("https://10.200.0.5/feed"))).as("the cluster's own, always").isNotNull();
    }

    @Test
    void aRefusedDestinationIsNotRetried() {
        var refused = fetch("/flaky", FeedClient.Validators.NONE, DestinationPolicy.exactly(true,
                List.of("127.0.0.0/8")));
        assertThat(refused).isInstanceOfSatisfying(FeedClient.Refused.class, r -> assertThat(r.reason())
                .startsWith("refused http://127.0.0.1:"));
        assertThat(hits).isEmpty();
    }

    @Test
    void plainHttpOnlyWhereTheOperatorAllowsIt() {
        DestinationPolicy strict = DestinationPolicy.exactly(false, List.of());
        assertThat(fetch("/ok", FeedClient.Validators.NONE, strict)).isInstanceOf(FeedClient.Refused.class);
        assertThat(strict.refusal(URI.create("ftp://feeds.example/list"))).contains("ftp://");
        assertThat(hits).isEmpty();
    }

    @Test
    void aRedirectIsJudgedLikeTheFirstUrlAndCarriesNoCredential() {
        var refused = fetch("/elsewhere", FeedClient.Validators.NONE,
                DestinationPolicy.exactly(true, List.of("127.0.0.2/32")));
        assertThat(refused).isInstanceOf(FeedClient.Refused.class);
        assertThat(((FeedClient.Refused) refused).reason()).contains("redirect").contains("127.0.0.2");
        assertThat(hits).containsOnlyKeys("/elsewhere");
    }
}
