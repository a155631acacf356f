package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidr;
import com.sikkerapi.guard.observe.BlockedPacket;
import com.sikkerapi.guard.observe.BlockedTally;
import com.sikkerapi.guard.observe.Services;
import com.sikkerapi.guard.report.BulkReporter;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttackReportsTest {
    private static final String KEY = "sk-live-0123456789abcdef";

    @TempDir
    Path dir;

    private final BlockedTally tally = new BlockedTally(1000, new Services(Map.of()));
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private Path keyFile;
    private AttackReports reports;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        keyFile = Files.writeString(dir.resolve("api-key"), KEY + "\n");
        reports = new AttackReports(new BulkReporter(new BulkReporter.Settings(Duration.ofSeconds(2), 1,
                Duration.ofMillis(10), Duration.ofSeconds(1), "test")), tally::drain, log::add, log::add,
                new AgentMetrics());
    }

    @AfterEach
    void stop() {
        reports.close();
        server.stop(0);
    }

    private AttackReports.Plan plan(int port) {
        return new AttackReports.Plan(URI.create("http://127.0.0.1:" + port), keyFile,
                AddressSet.of(List.of("45.9.9.0/24")), Duration.ofHours(1));
    }

    private void blocked(String source, int port, int times) {
        for (int i = 0; i < times; i++) {
            tally.record(new BlockedPacket(Cidr.parse(source), "TCP", port));
        }
    }

    @Test
    void reportsTheRoundsAttackersWithASummaryLine() {
        reports.configure(plan(server.getAddress().getPort()));
        blocked("185.16.39.79", 23, 47);
        blocked("45.1.1.1", 22, 5);
        blocked("45.1.1.2", 22, 3);
        blocked("45.9.9.9", 22, 9); // whitelisted
        blocked("10.0.0.7", 22, 9); // private
        reports.runOnce();
        assertThat(log).containsExactly("Reported 3 blocked IPs (ssh: 2, telnet: 1)");
        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0)).contains("\"ip\":\"185.16.39.79\"", "\"category\":\"telnet\"", "\"protocol\":\"tcp\"")
                .doesNotContain("45.9.9.9", "10.0.0.7");
        reports.runOnce();
        assertThat(bodies).as("nothing new, nothing sent").hasSize(1);
    }

    @Test
    void aNodeThatMustNotReportSendsNothingThenOrLater() {
        reports.configure(null);
        blocked("185.16.39.79", 23, 47);
        reports.runOnce();
        reports.configure(plan(server.getAddress().getPort()));
        reports.runOnce();
        assertThat(bodies).isEmpty();
        assertThat(log).isEmpty();
    }

    @Test
    void theKeyNeverAppearsInWhatTheAgentSaysWhenReportingFails() throws IOException {
        List<String> said = new ArrayList<>();
        status.set(500);
        reports.configure(plan(server.getAddress().getPort()));
        blocked("185.16.39.79", 23, 1);
        reports.runOnce();
        server.stop(0);
        blocked("185.16.39.80", 23, 1);
        reports.runOnce(); // nothing listens any more
        Files.delete(keyFile);
        reports.configure(plan(server.getAddress().getPort()));
        blocked("185.16.39.81", 23, 1);
        try {
            reports.runOnce();
        } catch (RuntimeException e) {
            said.add(e.toString());
            said.add(String.valueOf(e.getCause()));
        }
        said.addAll(log);
        assertThat(log).hasSizeGreaterThanOrEqualTo(2).allMatch(line -> line.startsWith("Reporting stopped: "));
        assertThat(String.join("\n", said)).doesNotContain(KEY).doesNotContain("sk-live");
    }
}
