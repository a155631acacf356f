package com.sikkerapi.guard.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.testing.Nginx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated include and snippet in a real Nginx (Debian's) on 127.0.0.1, behind a proxy it trusts (127.0.0.1,
 * the test's client): the address in X-Forwarded-For gets 403 in the block tier, the challenge in the challenge
 * tier, 200 otherwise, and the answers change when a new list is published and Nginx reloaded.
 */
class NginxGeoTest {
    private static final AddressSet BLOCK = AddressSet.of(List.of("45.1.2.3", "45.9.0.0/16", "2a0f:ff::/48"));
    private static final AddressSet CHALLENGE = AddressSet.of(List.of("45.1.2.0/24", "46.0.0.0/8", "45.9.9.9",
            "2a0f:ee::/32"));

    @TempDir
    Path dir;

    @Test
    void answersEachTierAndChangesWithANewList() throws IOException {
        assertThat(Nginx.BINARY).as("make nginx").isExecutable();
        try (Nginx nginx = new Nginx(dir, publish(BLOCK, CHALLENGE, 1 << 20), NginxSnippet.server())) {
            assertThat(nginx.get("45.1.2.3").statusCode()).isEqualTo(403);
            assertThat(nginx.get("45.9.9.9").statusCode()).as("in both tiers: blocked").isEqualTo(403);
            assertThat(nginx.get("2a0f:ff::7").statusCode()).isEqualTo(403);
            var challenged = nginx.get("45.1.2.4");
            assertThat(challenged.statusCode()).isEqualTo(429);
            assertThat(challenged.body()).contains("sikkerguard challenge");
            assertThat(nginx.get("46.200.1.1").statusCode()).isEqualTo(429);
            assertThat(nginx.get("2a0f:ee:1::1").statusCode()).isEqualTo(429);
            assertThat(nginx.get("47.1.1.1").statusCode()).isEqualTo(200);
            assertThat(nginx.get("47.1.1.1").body()).isEqualTo("welcome\n");

            // The proxy appends the address it saw; whatever the client put in front of it is not believed.
            assertThat(nginx.get("45.1.2.3, 47.1.1.1").statusCode()).as("a forged blocked address").isEqualTo(200);
            assertThat(nginx.get("47.1.1.1, 45.1.2.3").statusCode()).as("a forged clean address").isEqualTo(403);

            // A new list: 47.1.1.1 is blocked now, 46/8 no longer challenged.
            nginx.reload(publish(AddressSet.of(List.of("45.1.2.3", "47.1.1.0/24")), AddressSet.of(List.of(
                    "45.1.2.0/24")), 1 << 20), NginxSnippet.server());
            await().atMost(Duration.ofSeconds(10)).until(() -> nginx.get("47.1.1.1").statusCode() == 403);
            assertThat(nginx.get("46.200.1.1").statusCode()).isEqualTo(200);
            assertThat(nginx.get("45.1.2.4").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void aListOverThePartLimitIsSplitAndEveryPartIsLoaded() throws IOException {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            entries.add("45." + (i >> 8 & 0xff) + "." + (i & 0xff) + ".1");
        }
        AddressSet block = AddressSet.of(entries);
        int limit = 100_000;
        String http = publish(block, AddressSet.EMPTY, limit);
        List<Path> parts;
        try (var files = Files.list(dir.resolve("geo"))) {
            parts = files.sorted().toList();
        }
        assertThat(parts).hasSizeGreaterThan(3);
        for (Path part : parts) {
            assertThat(Files.size(part)).isLessThanOrEqualTo(limit);
        }
        try (Nginx nginx = new Nginx(dir, http, NginxSnippet.server())) {
            assertThat(nginx.get("45.0.0.1").statusCode()).as("first part").isEqualTo(403);
            assertThat(nginx.get(entries.get(entries.size() - 1)).statusCode()).as("last part").isEqualTo(403);
            assertThat(nginx.get("45.0.0.2").statusCode()).isEqualTo(200);
        }
    }

    /** Renders the tiers into include files under dir/geo, as the ConfigMaps would be mounted, and the http part. */
    private String publish(AddressSet block, AddressSet challenge, int maxPartBytes) throws IOException {
        Path geo = Files.createDirectories(dir.resolve("geo"));
        try (var old = Files.list(geo)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        GeoInclude.Rendered rendered = GeoInclude.render(block, challenge, "test/edge", "edge", maxPartBytes);
        List<String> includes = new ArrayList<>();
        for (GeoInclude.Part part : rendered.parts()) {
            Files.writeString(geo.resolve(part.file()), part.text());
            includes.add(geo.resolve(part.file()).toString());
        }
        return NginxSnippet.http(includes, List.of("127.0.0.1"));
    }
}
