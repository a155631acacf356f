package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.AutoWhitelist;
import com.sikkerapi.guard.firewall.LabAccess;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.hub.ListPublication;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.ListEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's cycle on the real kernel, given the hub's published list: the firewall and the self-test act in the
 * node's namespace. The lab's "good" client doubles as the node's gateway for the self-test; the node's routes and
 * resolv.conf are fixture files naming it, so the auto-whitelist protects it as it would a real gateway.
 */
@Tag("kernel")
class AgentLoopKernelTest {
    @TempDir
    Path state;

    private LabAccess lab;
    private AutoWhitelist.Sources facts;

    @BeforeEach
    void start() throws IOException {
        lab = new LabAccess();
        // A default route through the lab's "good" client (100.128.2.2, little-endian hex), and no DNS server.
        Path routes = Files.writeString(state.resolve("route"), "Iface\tDestination\tGateway\tFlags\n"
                + "eth0\t00000000\t02028064\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
        Path resolv = Files.writeString(state.resolve("resolv.conf"), "");
        facts = new AutoWhitelist.Sources(routes, state.resolve("no-ipv6-routes"), resolv);
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    private static AgentLoop.Config config(Mode mode, boolean autoWhitelist, String... protectedRanges) {
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        spec.getSafety().setAutoWhitelist(autoWhitelist);
        AgentConfig agent = new AgentConfig("edge", "security", "uid", 1, mode,
                mode == Mode.DryRun ? ModeReason.SpecDryRun : ModeReason.Spec, spec);
        return new AgentLoop.Config(agent, List.of(protectedRanges));
    }

    private IpsetFirewall firewall() {
        return new IpsetFirewall(lab.node().commands(), Naming.of("security", "edge"), IptablesFlavour.NFT, state);
    }

    private AgentLoop loop(String gateway) {
        return new AgentLoop(firewall(), new LastGoodList(state), facts, List.of(),
                endpoints -> new SelfTest(lab.node().commands(), List.of(gateway), List.of()), new AgentMetrics());
    }

    /** The hub's publication of these addresses, with two networks of filler. */
    private static Optional<ListPublication.Loaded> published(String... addresses) {
        List<String> entries = new ArrayList<>(List.of(addresses));
        entries.addAll(List.of("45.1.1.0/24", "45.1.2.0/24"));
        AddressSet list = AddressSet.of(entries);
        String digest = ListEncoding.digest(ListEncoding.encode(list));
        return Optional.of(new ListPublication.Loaded(new ListPublication.Located(digest, 'a', 1),
                list));
    }

    @Test
    void enforcesAndAfterARebootRestoresTheLastGoodListBeforeAnyContact() throws IOException {
        AgentLoop.Config config = config(Mode.Enforcing, false);
        config.spec().getEnforcement().setHook(EnforcementSpec.Hook.INPUT);
        var list = published(LabAccess.ATTACKER);
        AgentLoop.Outcome first = loop(LabAccess.GOOD).cycle(config, list);
        assertThat(first.phase()).isEqualTo(NodePhase.Enforcing);
        assertThat(first.result()).isEqualTo("Applied");
        assertThat(first.digest()).isEqualTo(list.get().digest());
        assertThat(first.entries().v4()).isEqualTo(3);
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();

        firewall().remove(); // the reboot: the kernel forgets, the node's disk does not
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
        AgentLoop restarted = loop(LabAccess.GOOD);
        assertThat(restarted.restore()).hasValueSatisfying(outcome -> {
            assertThat(outcome.result()).isEqualTo("Restored");
            assertThat(outcome.digest()).isEqualTo(list.get().digest());
        });
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
        assertThat(lab.node().run("iptables-nft", "-S", "INPUT").output())
                .as("enforced with the hook it had, read from the node's disk").contains("SIKKERGUARD");
        AgentLoop.Outcome unpublished = restarted.cycle(config, Optional.empty());
        assertThat(unpublished.phase()).as("the API server or the hub away: the list stays")
                .isEqualTo(NodePhase.Enforcing);
        AgentLoop.Outcome same = restarted.cycle(config, list);
        assertThat(same.result()).as("the restored list is the published one").isEqualTo("Unchanged");
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
    }

    @Test
    void aPublishedListPastTheCoverageBoundIsRefusedWholeAndTheListInPlaceStays() throws IOException {
        AgentLoop loop = loop(LabAccess.GOOD);
        var good = published(LabAccess.ATTACKER);
        loop.cycle(config(Mode.Enforcing, true), good);
        // Edited in the API server with a digest that matches its bytes: the hub never saw it.
        AddressSet wide = AddressSet.of(List.of("0.0.0.0/1", LabAccess.ATTACKER));
        var edited = Optional.of(new ListPublication.Loaded(new ListPublication.Located(
                ListEncoding.digest(ListEncoding.encode(wide)), 'b', 1), wide));

        AgentLoop.Outcome outcome = loop.cycle(config(Mode.Enforcing, true), edited);
        assertThat(outcome.errorReason()).isEqualTo("ListRefused");
        assertThat(outcome.errorMessage()).contains("covers 48.73% of the IPv4 space"); // less its special ranges
        assertThat(outcome.digest()).as("still the list before").isEqualTo(good.get().digest());
        String live = lab.node().run("ipset", "list", Naming.of("security", "edge").live4()).output();
        assertThat(live).as("read back from the kernel").contains(LabAccess.ATTACKER, "45.1.1.0/24", "45.1.2.0/24")
                .doesNotContain("0.0.0.0/1");
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
        assertThat(lab.good().ping(LabAccess.NODE_G)).isTrue();
    }

    @Test
    void aLastGoodListEditedOnDiskIsNotRestored() throws IOException {
        loop(LabAccess.GOOD).cycle(config(Mode.Enforcing, true), published(LabAccess.ATTACKER));
        firewall().remove(); // a reboot
        Path saved = state.resolve("last-good.txt");
        Files.writeString(saved, Files.readString(saved) + "45.3.3.3\n");

        assertThat(loop(LabAccess.GOOD).restore()).hasValueSatisfying(outcome -> {
            assertThat(outcome.errorReason()).isEqualTo("ListRefused");
            assertThat(outcome.errorMessage()).contains("on this node's disk").contains("checksum differs");
        });
        assertThat(firewall().exists()).as("nothing restored").isFalse();
    }

    @Test
    void aLastGoodListPastTheBoundsIsNotRestoredEvenWithItsChecksum() throws IOException {
        new LastGoodList(state).save(new LastGoodList.Saved(AddressSet.of(List.of("0.0.0.0/1")), "forged", "forged",
                new EnforcementSpec()));

        assertThat(loop(LabAccess.GOOD).restore()).hasValueSatisfying(outcome -> {
            assertThat(outcome.errorReason()).isEqualTo("ListRefused");
            assertThat(outcome.errorMessage()).contains("covers 50.00% of the IPv4 space");
        });
        assertThat(firewall().exists()).isFalse();
    }

    @Test
    void aRestoredListThatCutsOffTheGatewayIsSelfTestedAndRemoved() throws IOException {
        // Saved by a node whose gateway was another: after the reboot, the list covers the gateway it has now.
        new LastGoodList(state).save(new LastGoodList.Saved(AddressSet.of(List.of(LabAccess.ATTACKER,
                LabAccess.GOOD)), "digest", "basis", new EnforcementSpec()));

        assertThat(loop(LabAccess.GOOD).restore()).hasValueSatisfying(outcome -> {
            assertThat(outcome.errorReason()).isEqualTo("SelfTestFailed");
            assertThat(outcome.errorMessage()).contains("gateway " + LabAccess.GOOD).contains("when restored");
        });
        assertThat(firewall().exists()).as("removed").isFalse();
        assertThat(lab.good().ping(LabAccess.NODE_G)).isTrue();
    }

    @Test
    void aListThatCutsOffTheGatewayIsRolledBackAndNotTriedAgain() throws IOException {
        AgentLoop loop = loop(LabAccess.GOOD);
        loop.cycle(config(Mode.Enforcing, false), published(LabAccess.ATTACKER));
        // The next list lists the node's gateway (the auto-whitelist, which would protect it, is off for this test).
        var bad = published(LabAccess.ATTACKER, LabAccess.GOOD);
        long start = System.nanoTime();
        AgentLoop.Outcome outcome = loop.cycle(config(Mode.Enforcing, false), bad);
        System.out.printf("rollback cycle took %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(outcome.rolledBack()).isTrue();
        assertThat(outcome.errorReason()).isEqualTo("SelfTestFailed");
        assertThat(outcome.errorMessage()).contains("gateway " + LabAccess.GOOD);
        assertThat(outcome.phase()).isEqualTo(NodePhase.Degraded);
        assertThat(outcome.digest()).as("still the old list").isNotEqualTo(bad.get().digest());
        assertThat(lab.good().ping(LabAccess.NODE_G)).as("the gateway is reachable again").isTrue();
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).as("the old list is live again").isFalse();
        assertThat(state.resolve("rejected.txt")).content().contains(LabAccess.GOOD);

        AgentLoop.Outcome again = loop.cycle(config(Mode.Enforcing, false), bad);
        assertThat(again.rolledBack()).as("the same inputs are not applied again").isFalse();
        assertThat(again.errorReason()).isEqualTo("SelfTestFailed");
        assertThat(lab.good().ping(LabAccess.NODE_G)).isTrue();

        // A halted rollout hands the node its previous list (nothing to apply), and a retry the new one again.
        assertThat(loop.cycle(config(Mode.Enforcing, false), published(LabAccess.ATTACKER)).result())
                .isEqualTo("Unchanged");
        assertThat(loop.hold().result()).isEqualTo("Waiting");
        assertThat(loop.hold().digest()).as("what is in place stays").isEqualTo(outcome.digest());
        AgentLoop.Outcome retried = loop.cycle(config(Mode.Enforcing, false), bad);
        assertThat(retried.rolledBack()).as("tried again, and rolled back again").isTrue();
        assertThat(lab.good().ping(LabAccess.NODE_G)).isTrue();
    }

    @Test
    void theNodesOwnGatewayAndTheClustersRangesAreLeftOutOfThePublishedList() throws IOException {
        AgentLoop loop = loop(LabAccess.GOOD);
        var list = published(LabAccess.ATTACKER, LabAccess.GOOD);
        AgentLoop.Outcome outcome = loop.cycle(config(Mode.Enforcing, true), list);
        assertThat(outcome.result()).isEqualTo("Applied");
        assertThat(outcome.digest()).isEqualTo(list.get().digest());
        assertThat(lab.good().ping(LabAccess.NODE_G)).as("the gateway, listed by the hub, is not blocked").isTrue();
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();

        // The operator adds a protected range: applied at once, without a new list from the hub.
        AgentLoop.Outcome protectedNow = loop.cycle(config(Mode.Enforcing, true, "100.128.1.0/24"), list);
        assertThat(protectedNow.result()).isEqualTo("Applied");
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
        assertThat(loop.cycle(config(Mode.Enforcing, true, "100.128.1.0/24"), list).result())
                .as("nothing changed: nothing applied").isEqualTo("Unchanged");
    }

    @Test
    void aCheckThatFailedBeforeTheSwapDoesNotRollBack() throws IOException {
        AgentLoop loop = loop("100.128.2.99"); // a gateway that never answers: an outage, not the list's fault
        AgentLoop.Outcome outcome = loop.cycle(config(Mode.Enforcing, false), published(LabAccess.ATTACKER));
        assertThat(outcome.rolledBack()).isFalse();
        assertThat(outcome.phase()).isEqualTo(NodePhase.Enforcing);
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();
    }

    @Test
    void dryRunChangesNothingOnTheNode() throws IOException {
        String before = lab.snapshot();
        AgentLoop.Outcome outcome = loop(LabAccess.GOOD).cycle(config(Mode.DryRun, false),
                published(LabAccess.ATTACKER));
        assertThat(outcome.phase()).isEqualTo(NodePhase.DryRun);
        assertThat(outcome.entries().v4()).isEqualTo(3);
        assertThat(lab.snapshot()).isEqualTo(before);
        assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
    }

    @Test
    void switchingToDryRunTakesTheRulesAway() throws IOException {
        String before = lab.snapshot();
        AgentLoop loop = loop(LabAccess.GOOD);
        loop.cycle(config(Mode.Enforcing, false), published(LabAccess.ATTACKER));
        loop.cycle(config(Mode.DryRun, false), published(LabAccess.ATTACKER));
        assertThat(lab.snapshot()).isEqualTo(before);
    }
}
