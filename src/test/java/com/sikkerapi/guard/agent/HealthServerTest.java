package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sikkerapi.guard.api.EntryCounts;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import com.sikkerapi.guard.firewall.Commands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    private final AtomicReference<String> problem = new AtomicReference<>();

    private HealthServer start(int port) throws IOException {
        return HealthServer.start(port, new HealthServer.Endpoints() {
            @Override
            public HealthServer.Answer healthz() {
                return problem.get() == null ? new HealthServer.Answer(200, "text/plain", "ok\n")
                        : new HealthServer.Answer(503, "text/plain", problem.get() + "\n");
            }

            @Override
            public HealthServer.Answer livez() {
                return new HealthServer.Answer(200, "text/plain", "ok\n");
            }

            @Override
            public HealthServer.Answer status() {
                return new HealthServer.Answer(200, "application/json", "{\"status\":\"ok\"}\n");
            }

            @Override
            public HealthServer.Answer metrics() {
                return new HealthServer.Answer(200, "text/plain", new AgentMetrics().scrape());
            }
        });
    }

    private static int get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(2000);
        return connection.getResponseCode();
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void answersOnItsOwnLoopbackPortOnlyAndTheHealthCommandAsksIt() throws IOException {
        int port = freePort();
        Map<String, String> env = Map.of("SIKKERGUARD_HEALTH_PORT", Integer.toString(port));
        try (HealthServer server = start(port)) {
            assertThat(get("http://127.0.0.1:" + port + "/healthz")).isEqualTo(200);
            assertThat(get("http://127.0.0.1:" + port + "/status")).isEqualTo(200);
            assertThat(get("http://127.0.0.1:" + port + "/metrics")).isEqualTo(200);
            assertThat(get("http://127.0.0.1:" + port + "/other")).isEqualTo(404);
            // Bound to 127.0.0.1 alone: another loopback address and IPv6 loopback find nobody listening.
            assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.2", port), 2000))
                    .isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("::1", port), 2000))
                    .isInstanceOf(ConnectException.class);
            assertThat(Commands.local().run("ss", "-Hltn", "sport = :" + port).output().strip())
                    .containsPattern("\\s(\\[::ffff:)?127\\.0\\.0\\.1\\]?:" + port + "\\s")
                    .doesNotContain("0.0.0.0:" + port).doesNotContain("*:" + port + " ");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(HealthCommand.run(new String[0], env, new PrintStream(out))).isZero();
            problem.set("cycles have failed since 2026-11-23T07:00:00Z");
            assertThat(HealthCommand.run(new String[0], env, new PrintStream(out))).isEqualTo(1);
            assertThat(HealthCommand.run(new String[] {"--live"}, env, new PrintStream(out))).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("cycles have failed");

            // The port is the operator's choice for this blocklist: taken means taken, never the next one.
            assertThatThrownBy(() -> start(port)).isInstanceOf(java.net.BindException.class);
        }
        assertThat(HealthCommand.run(new String[0], env, new PrintStream(new ByteArrayOutputStream()))).isEqualTo(1);
        assertThat(HealthCommand.run(new String[0], Map.of(), new PrintStream(new ByteArrayOutputStream())))
                .as("outside the agent's container").isEqualTo(2);
    }

    @Test
    void readyOnlyOnceTheNodeHoldsTheListAndNotReadyAtTheFirstFailedCycle() {
        AgentHealth health = new AgentHealth();
        assertThat(health.problem(Instant.now())).as("starting").contains("no list applied or restored yet");
        AgentLoop.Outcome ok = new AgentLoop.Outcome(NodePhase.Enforcing, EntryCounts.of(3, 1), "d1", "Applied",
                null, null, false);
        AgentLoop.Outcome failed = AgentLoop.Outcome.error(NodePhase.Degraded, EntryCounts.of(3, 1), "d1",
                "ApplyFailed", "ipset restore: exit 1");
        health.cycle(failed, Mode.Enforcing);
        assertThat(health.problem(Instant.now())).contains("cycles have failed", "ApplyFailed: ipset restore");
        health.cycle(ok, Mode.Enforcing);
        assertThat(health.problem(Instant.now())).isNull();
        health.cycle(failed, Mode.Enforcing);
        assertThat(health.problem(Instant.now())).as("at once, not after a grace period").contains("ApplyFailed");
        health.cycle(ok, Mode.Enforcing);
        assertThat(health.problem(Instant.now())).isNull();
        assertThat(health.live(Instant.now().plus(Duration.ofMinutes(14)))).isTrue();
        assertThat(health.live(Instant.now().plus(Duration.ofMinutes(16)))).isFalse();
        assertThat(health.problem(Instant.now().plus(Duration.ofMinutes(16)))).contains("no progress");

        AgentHealth restored = new AgentHealth();
        restored.restored();
        assertThat(restored.problem(Instant.now())).as("the last good list is back from disk").isNull();

        ThreatBlocklistNodeSpec report = new ThreatBlocklistNodeSpec();
        report.setPhase(NodePhase.Enforcing);
        report.setEntries(EntryCounts.of(3, 1));
        report.setLastApply("2026-11-23T07:00:00Z");
        report.setListDigest("d1");
        String json = health.statusJson(report, 12, Instant.now());
        assertThat(json).contains("\"status\" : \"ok\"", "\"dryRun\" : false", "\"v4\" : 3", "\"v6\" : 1",
                "\"lastApply\" : \"2026-11-23T07:00:00Z\"", "\"listDigest\" : \"d1\"",
                "\"blockedPacketsSampled\" : 12", "\"uptimeSeconds\"");
    }
}
