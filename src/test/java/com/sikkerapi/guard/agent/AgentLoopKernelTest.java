package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.FeedSource;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.AutoWhitelist;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.firewall.LabAccess;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.ipset.Naming;
import com.sikkerapi.guard.testing.FeedServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's cycle on the real kernel: the firewall and the self-test act in the node's namespace, the feed is
 * served on 127.0.0.1 to this JVM. The lab's "good" client doubles as the node's gateway for the self-test.
 */
@Tag("kernel")
class AgentLoopKernelTest {
    private static final FeedClient.Settings FAST = new FeedClient.Settings(Duration.ofSeconds(2),
            Duration.ofSeconds(5), 1 << 20, 0, Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofSeconds(1), "test");

    @TempDir
    Path state;

    private FeedServer feed;
    private LabAccess lab;

    @BeforeEach
    void start() {
        lab = new LabAccess();
        feed = new FeedServer(null);
    }

    @AfterEach
    void stop() {
        feed.close();
        lab.close();
    }

    private AgentLoop.Config config(Mode mode, boolean autoWhitelist) {
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        FeedSource source = new FeedSource();
        source.setName("test");
        source.setUrl(feed.url());
        spec.getSource().setFeeds(List.of(source));
        spec.getSafety().setAutoWhitelist(autoWhitelist);
        AgentConfig agent = new AgentConfig("edge", "security", "uid", 1, mode,
                mode == Mode.DryRun ? ModeReason.SpecDryRun : ModeReason.Spec, spec);
        return new AgentLoop.Config(agent, List.of());
    }

    private IpsetFirewall firewall() {
        return new IpsetFirewall(lab.node().commands(), Naming.of("security", "edge"), IptablesFlavour.NFT, state);
    }

    private AgentLoop loop(String gateway) {
        return new AgentLoop(firewall(), new FeedPuller(new FeedClient(FAST, Optional.empty()), state.resolve("feeds")),
                new LastGoodList(state), state.resolve("no-key"), AutoWhitelist.Sources.NODE,
                endpoints -> new SelfTest(lab.node().commands(), List.of(gateway), List.of()), new AgentMetrics());
    }

    private static String list(String... addresses) {
        return String.join("\n", addresses) + "\n45.1.1.0/24\n45.1.2.0/24\n";
    }

    @Test
    void enforcesAndAfterARebootRestoresTheLastGoodListBeforeAnyPull() throws IOException {
        feed.set(list(LabAccess.ATTACKER));
        AgentLoop.Config config = config(Mode.Enforcing, false);
        config.spec().getEnforcement().setHook(EnforcementSpec.Hook.INPUT);
        AgentLoop.Outcome first = loop(LabAccess.GOOD).cycle(config, false);
        assertThat(first.phase()).isEqualTo(NodePhase.Enforcing);
        assertThat(first.entries().v4()).isEqualTo(3);
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();

        firewall().remove(); // the reboot: the kernel forgets, the node's disk does not
        feed.down();         // and the feed is down, and so is the API server: no configuration yet
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
        AgentLoop restarted = loop(LabAccess.GOOD);
        assertThat(restarted.restore()).hasValueSatisfying(
                outcome -> assertThat(outcome.pullResult()).isEqualTo("Restored"));
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
        assertThat(lab.node().run("iptables-nft", "-S", "INPUT").output())
                .as("enforced with the hook it had, read from the node's disk").contains("SIKKERGUARD");
        AgentLoop.Outcome down = restarted.cycle(config, false);
        assertThat(down.phase()).isEqualTo(NodePhase.Degraded);
        assertThat(down.errorReason()).isEqualTo("PullFailed");
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).as("the last good list stays").isFalse();
    }

    @Test
    void aListThatCutsOffTheGatewayIsRolledBack() throws IOException {
        AgentLoop loop = loop(LabAccess.GOOD);
        feed.set(list(LabAccess.ATTACKER));
        loop.cycle(config(Mode.Enforcing, false), false);
        // The next list lists the node's gateway (the auto-whitelist, which would protect it, is off for this test).
        feed.set(list(LabAccess.ATTACKER, LabAccess.GOOD));
        long start = System.nanoTime();
        AgentLoop.Outcome outcome = loop.cycle(config(Mode.Enforcing, false), false);
        System.out.printf("rollback cycle took %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(outcome.rolledBack()).isTrue();
        assertThat(outcome.errorReason()).isEqualTo("SelfTestFailed");
        assertThat(outcome.errorMessage()).contains("gateway " + LabAccess.GOOD);
        assertThat(outcome.phase()).isEqualTo(NodePhase.Degraded);
        assertThat(lab.good().ping(LabAccess.NODE_G)).as("the gateway is reachable again").isTrue();
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).as("the old list is live again").isFalse();
        assertThat(state.resolve("rejected.txt")).content().contains(LabAccess.GOOD);
    }

    @Test
    void aCheckThatFailedBeforeTheSwapDoesNotRollBack() throws IOException {
        AgentLoop loop = loop("100.128.2.99"); // a gateway that never answers: an outage, not the list's fault
        feed.set(list(LabAccess.ATTACKER));
        AgentLoop.Outcome outcome = loop.cycle(config(Mode.Enforcing, false), false);
        assertThat(outcome.rolledBack()).isFalse();
        assertThat(outcome.phase()).isEqualTo(NodePhase.Enforcing);
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
    }

    @Test
    void dryRunChangesNothingOnTheNode() throws IOException {
        String before = lab.snapshot();
        feed.set(list(LabAccess.ATTACKER));
        AgentLoop.Outcome outcome = loop(LabAccess.GOOD).cycle(config(Mode.DryRun, false), false);
        assertThat(outcome.phase()).isEqualTo(NodePhase.DryRun);
        assertThat(outcome.entries().v4()).isEqualTo(3);
        assertThat(lab.snapshot()).isEqualTo(before);
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
    }

    @Test
    void switchingToDryRunTakesTheRulesAway() throws IOException {
        String before = lab.snapshot();
        AgentLoop loop = loop(LabAccess.GOOD);
        feed.set(list(LabAccess.ATTACKER));
        loop.cycle(config(Mode.Enforcing, false), false);
        loop.cycle(config(Mode.DryRun, false), true);
        assertThat(lab.snapshot()).isEqualTo(before);
    }

    @Test
    void aRefusedListKeepsTheLastGoodOne() throws IOException {
        AgentLoop loop = loop(LabAccess.GOOD);
        feed.set(list(LabAccess.ATTACKER));
        loop.cycle(config(Mode.Enforcing, false), false);
        StringBuilder tripled = new StringBuilder(list(LabAccess.ATTACKER));
        for (int i = 0; i < 20; i++) {
            tripled.append("45.2.").append(i).append(".0/24\n");
        }
        feed.set(tripled.toString());
        AgentLoop.Outcome outcome = loop.cycle(config(Mode.Enforcing, false), false);
        assertThat(outcome.errorReason()).isEqualTo("ListRejected");
        assertThat(outcome.errorMessage()).contains("more than 2.0 times");
        assertThat(outcome.entries().v4()).isEqualTo(3);
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
    }
}
