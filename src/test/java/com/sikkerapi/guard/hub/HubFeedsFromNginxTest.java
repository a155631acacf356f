package com.sikkerapi.guard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.agent.AgentLoop;
import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.FeedSource;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.SecretKeyRef;
import com.sikkerapi.guard.api.SikkerApiSource;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.DestinationPolicy;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.Manifests;
import com.sikkerapi.guard.testing.Nginx;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's pulls from Debian's Nginx serving feed files with its own ETag, Last-Modified, 304, gzip and redirect
 * handling, publishing on a real kube-apiserver. Two kinds of location: {@code /feeds/} as Nginx serves files by
 * default (strong ETags from the file's time and size, {@code If-Modified-Since} matched exactly, gzip for clients
 * that ask), and {@code /dated/} as a server that offers only Last-Modified and answers 304 to any date not older
 * than its file (Python's http.server does so; so does an API whose validator is its data set's date, whatever the
 * query). Every request is in Nginx's access log with the validators it carried.
 */
@Tag("real-apiserver")
class HubFeedsFromNginxTest {
    private static final KubeApiServer SERVER = KubeApiServer.shared();
    private static final FeedClient.Settings FAST = new FeedClient.Settings(Duration.ofSeconds(2),
            Duration.ofSeconds(10), 1 << 24, 0, Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofSeconds(1),
            "test");
    private static final Instant EARLIER = Instant.parse("2026-11-01T10:00:00Z");

    @TempDir
    Path dir;

    private Path www;
    private Nginx nginx;
    private KubernetesClient client;
    private String namespace;
    private String uid;
    private ListHub hub;

    @BeforeEach
    void start(TestInfo test) throws IOException {
        namespace = "feeds-" + Integer.toHexString(test.getDisplayName().hashCode() & 0xfffffff);
        SERVER.kubectlStdin(Manifests.namespace(namespace), "apply", "-f", "-").check();
        client = SERVER.client();
        ThreatBlocklist blocklist = new ThreatBlocklist();
        blocklist.setMetadata(new ObjectMetaBuilder().withName("edge").withNamespace(namespace).build());
        blocklist.setSpec(feed("/feeds/one.txt"));
        uid = client.resource(blocklist).create().getMetadata().getUid();
        // Nginx's workers run as nobody: they must be able to read the files.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("api-key"), "sk-feeds-test\n");
        write("one.txt", "45.1.1.1\n45.1.1.2\n", EARLIER.plusSeconds(60));
        write("wide.txt", "45.2.2.0/24\n45.3.3.3\n45.4.4.4\n", EARLIER);
        nginx = new Nginx(dir.resolve("nginx"), httpBlock(), serverBlock("/feeds/one.txt"));
        hub = new ListHub(client, new FeedPuller(new FeedClient(FAST, Optional.empty(), () -> DestinationPolicy.ANY),
                dir.resolve("cache")), dir.resolve("api-key"), new HubRecord(client));
    }

    @AfterEach
    void stop() {
        if (nginx != null) {
            nginx.close();
        }
        client.namespaces().withName(namespace).delete();
        client.close();
    }

    private String httpBlock() {
        return "log_format feeds '$request_uri $status inm=\"$http_if_none_match\" ims=\"$http_if_modified_since\" "
                + "ae=\"$http_accept_encoding\" ce=\"$sent_http_content_encoding\"';";
    }

    private String serverBlock(String movedTo) {
        return """
                access_log %1$s/access.log feeds;
                location /feeds/ {
                    alias %2$s/;
                    default_type text/plain;
                    gzip on;
                    gzip_types text/plain;
                    gzip_min_length 1;
                }
                location /dated/ {
                    alias %2$s/;
                    default_type text/plain;
                    etag off;
                    if_modified_since before;
                }
                location = /sikkerapi/v1/key/blacklist {
                    alias %2$s/score-$arg_scoreMinimum.txt;
                    default_type text/plain;
                    etag off;
                    if_modified_since before;
                }
                location = /feeds/moved.txt {
                    return 301 %3$s;
                }
                """.formatted(dir, www, movedTo);
    }

    private void write(String name, String body, Instant modified) throws IOException {
        Path file = www.resolve(name);
        Files.writeString(file, body);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private String base() {
        return nginx.url();
    }

    private ThreatBlocklistSpec feed(String path) {
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        FeedSource local = new FeedSource();
        local.setName("local");
        local.setUrl((nginx == null ? "http://127.0.0.1:1" : base()) + path);
        spec.getSource().setFeeds(List.of(local));
        return spec;
    }

    private ThreatBlocklistSpec sikkerapi(int scoreMinimum) {
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        SikkerApiSource source = new SikkerApiSource();
        source.setApiKeySecretRef(new SecretKeyRef("sikkerapi-key", "api-key"));
        source.setEndpoint(base() + "/sikkerapi");
        source.setScoreMinimum(scoreMinimum);
        spec.getSource().setSikkerapi(source);
        return spec;
    }

    private AgentLoop.Config config(ThreatBlocklistSpec spec, long generation) {
        return new AgentLoop.Config(new AgentConfig("edge", namespace, uid, generation, Mode.Enforcing,
                ModeReason.Spec, spec), List.of("10.200.0.0/24"));
    }

    /** The published list as CidrWriter writes it (single addresses without a prefix). */
    private static List<String> listed(ListHub.Pulled pulled) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        com.sikkerapi.guard.net.CidrWriter.write(pulled.list(), out);
        return out.toString(java.nio.charset.StandardCharsets.US_ASCII).lines().toList();
    }

    private List<String> requests() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private String lastRequest() throws IOException {
        List<String> lines = requests();
        return lines.get(lines.size() - 1);
    }

    private static com.sikkerapi.guard.api.SourceStatus source(ListHub.Pulled pulled) {
        assertThat(pulled.record().sources()).hasSize(1);
        return pulled.record().sources().get(0);
    }

    private List<String> cacheFiles() throws IOException {
        try (var files = Files.list(dir.resolve("cache"))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** The publication's pointer and parts (not the hub's record, which each attempt writes). */
    private List<String> versions() {
        return client.configMaps().inNamespace(namespace).list().getItems().stream()
                .filter(map -> map.getMetadata().getName().startsWith(ListPublication.pointerName("edge")))
                .filter(map -> !map.getMetadata().getName().equals(ListPublication.recordName("edge")))
                .map(map -> map.getMetadata().getName() + "@" + map.getMetadata().getResourceVersion()).sorted()
                .toList();
    }

    @Test
    void aChangedAddressUnderTheSameNameIsPulledWithoutTheOldAddressValidators() throws Exception {
        ListHub.Pulled first = hub.cycle(config(feed("/dated/one.txt"), 1), true, true);
        assertThat(first.record().result()).isEqualTo("Published");
        assertThat(listed(first)).containsExactly("45.1.1.1", "45.1.1.2");
        List<String> oneFiles = cacheFiles();

        ListHub.Pulled changed = hub.cycle(config(feed("/dated/wide.txt"), 2), true, true);
        assertThat(lastRequest()).as("no validator of one.txt sent to wide.txt")
                .startsWith("/dated/wide.txt 200 inm=\"-\" ims=\"-\"");
        assertThat(changed.record().result()).isEqualTo("Published");
        assertThat(listed(changed)).containsExactly("45.2.2.0/24", "45.3.3.3", "45.4.4.4");
        assertThat(source(changed)).isEqualTo(new com.sikkerapi.guard.api.SourceStatus("feed-local",
                base() + "/dated/wide.txt", 200, source(changed).answered(), 3L));
        assertThat(cacheFiles()).as("the files of the address no longer asked are gone").doesNotContainAnyElementsOf(
                oneFiles);
    }

    @Test
    void aChangedSikkerApiQueryIsPulledWithoutTheOtherQueryValidators() throws Exception {
        write("score-95.txt", "45.9.9.1\n", EARLIER.plusSeconds(60));
        write("score-50.txt", "45.9.9.1\n45.5.5.5\n45.5.5.6\n", EARLIER);
        ListHub.Pulled strict = hub.cycle(config(sikkerapi(95), 1), true, true);
        assertThat(listed(strict)).containsExactly("45.9.9.1");

        ListHub.Pulled lowered = hub.cycle(config(sikkerapi(50), 2), true, true);
        assertThat(lastRequest()).contains("scoreMinimum=50").contains(" 200 inm=\"-\" ims=\"-\"");
        assertThat(listed(lowered)).containsExactly("45.5.5.5", "45.5.5.6", "45.9.9.1");
        assertThat(source(lowered).url()).as("SikkerAPI's filters are shown").isEqualTo(base()
                + "/sikkerapi/v1/key/blacklist?plaintext=true&scoreMinimum=50&ipVersion=mixed");
        assertThat(source(lowered).entries()).isEqualTo(3L);
    }

    @Test
    void anUnchangedFileIsNotModifiedAndNothingIsRewrittenOrPublished() throws Exception {
        AgentLoop.Config config = config(feed("/feeds/one.txt"), 1);
        ListHub.Pulled first = hub.cycle(config, true, true);
        assertThat(first.record().result()).isEqualTo("Published");
        List<String> published = versions();
        Path body = dir.resolve("cache").resolve(cacheFiles().stream().filter(name -> name.endsWith(".body"))
                .findFirst().orElseThrow());
        Object inode = Files.readAttributes(body, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        FileTime written = Files.getLastModifiedTime(body);

        ListHub.Pulled again = hub.cycle(config, false, true);
        assertThat(lastRequest()).as("Nginx writes quotes as \\x22").startsWith("/feeds/one.txt 304 inm=\"W/\\x22")
                .contains("ims=\"Sun, 01 Nov 2026 10:01:00 GMT\"");
        assertThat(again.record().result()).isEqualTo("Unchanged");
        assertThat(source(again).httpStatus()).isEqualTo(304);
        assertThat(source(again).entries()).as("what the body gave when it was read").isEqualTo(2L);
        assertThat(versions()).as("no publication written").isEqualTo(published);
        assertThat(Files.readAttributes(body, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .as("the body is not rewritten").isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(body)).isEqualTo(written);
    }

    @Test
    void aFileChangedWithinTheSameSecondIsPulledBecauseItsEtagChanged() throws Exception {
        AgentLoop.Config config = config(feed("/feeds/one.txt"), 1);
        hub.cycle(config, true, true);
        // Same Last-Modified (to the second), another size: only the ETag tells.
        write("one.txt", "45.1.1.1\n45.1.1.2\n45.1.1.5\n", EARLIER.plusSeconds(60));

        ListHub.Pulled changed = hub.cycle(config, false, true);
        assertThat(lastRequest()).startsWith("/feeds/one.txt 200 inm=\"").contains("ims=\"Sun, 01 Nov 2026 10:01:00");
        assertThat(changed.record().result()).isEqualTo("Published");
        assertThat(listed(changed)).containsExactly("45.1.1.1", "45.1.1.2", "45.1.1.5");
    }

    @Test
    void aRedirectTargetsValidatorsGoToThatTargetAlone() throws Exception {
        redirectTo("/dated/one.txt");
        AgentLoop.Config config = config(feed("/feeds/moved.txt"), 1);
        ListHub.Pulled first = hub.cycle(config, true, true);
        assertThat(listed(first)).containsExactly("45.1.1.1", "45.1.1.2");
        assertThat(source(first).url()).as("the address asked").isEqualTo(base() + "/feeds/moved.txt");

        ListHub.Pulled again = hub.cycle(config, false, true);
        List<String> lines = requests();
        assertThat(lines.get(lines.size() - 2)).startsWith("/feeds/moved.txt 301 inm=\"-\" ims=\"-\"");
        assertThat(lines.get(lines.size() - 1)).startsWith("/dated/one.txt 304 inm=\"-\" ims=\"Sun, 01 Nov");
        assertThat(again.record().result()).isEqualTo("Unchanged");

        // The redirect now leads elsewhere: its target gets no validator of the address before.
        redirectTo("/dated/wide.txt");
        ListHub.Pulled moved = hub.cycle(config, false, true);
        assertThat(lastRequest()).startsWith("/dated/wide.txt 200 inm=\"-\" ims=\"-\"");
        assertThat(listed(moved)).containsExactly("45.2.2.0/24", "45.3.3.3", "45.4.4.4");
    }

    /** Reloads Nginx with the redirect to {@code target}, and waits until its workers answer with it. */
    private void redirectTo(String target) throws Exception {
        nginx.reload(httpBlock(), serverBlock(target));
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/feeds/moved.txt")).build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.send(request,
                java.net.http.HttpResponse.BodyHandlers.discarding()).headers().firstValue("Location")
                .orElse("").endsWith(target));
    }

    @Test
    void aGzipBodyIsAskedForAndDecoded() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int k = 0; k < 2000; k++) {
            many.append("45.").append(20 + k / 250).append('.').append(k % 250).append(".1\n");
        }
        write("many.txt", many.toString(), EARLIER);
        ListHub.Pulled pulled = hub.cycle(config(feed("/feeds/many.txt"), 1), true, true);
        assertThat(lastRequest()).startsWith("/feeds/many.txt 200").contains("ae=\"gzip\" ce=\"gzip\"");
        assertThat(pulled.record().result()).isEqualTo("Published");
        assertThat(pulled.record().entries().v4()).isEqualTo(2000);
        assertThat(source(pulled).entries()).isEqualTo(2000L);

        hub.cycle(config(feed("/feeds/many.txt"), 1), false, true);
        assertThat(lastRequest()).as("the weak ETag of the gzip body validates").startsWith("/feeds/many.txt 304");
    }

    @Test
    void aFeedThatTurnsIntoEverySlashEightIsRefusedForItsCoverageAndThePublishedListStays() throws Exception {
        // 150 addresses first, so that 223 entries pass the growth rule and the coverage bound alone decides.
        StringBuilder addresses = new StringBuilder();
        for (int k = 0; k < 150; k++) {
            addresses.append("45.9.").append(k).append(".1\n");
        }
        write("one.txt", addresses.toString(), EARLIER.plusSeconds(60));
        AgentLoop.Config config = config(feed("/feeds/one.txt"), 1);
        ListHub.Pulled first = hub.cycle(config, true, true);
        List<String> published = versions();
        write("one.txt", com.sikkerapi.guard.testing.TestFeeds.everySlashEight(), EARLIER.plusSeconds(120));

        ListHub.Pulled refused = hub.cycle(config, false, true);
        assertThat(refused.record().result()).isEqualTo("ListRejected");
        assertThat(refused.record().message()).isEqualTo("the list covers 86.20% of the IPv4 space, more than the "
                + "5% the cluster policy allows");
        assertThat(refused.record().digest()).as("the published list stays").isEqualTo(first.record().digest());
        assertThat(versions()).isEqualTo(published);
    }
}
