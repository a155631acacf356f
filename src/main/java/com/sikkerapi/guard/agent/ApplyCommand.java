package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.AutoWhitelist;
import com.sikkerapi.guard.firewall.Backends;
import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.hub.ListPublication;
import com.sikkerapi.guard.net.AddressSet;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code sikkerguard apply} and {@code sikkerguard cleanup --name}: a validated list enforced in the current network
 * namespace by the agent's own loop (its auto-whitelist of this host's gateways, DNS servers and addresses, the
 * backend choice, the self-test with its rollback, the saved last good list), for admins of a single host and for
 * debugging a node. The list of a name is kept in its state folder, so the next apply of that name adopts what is in
 * the kernel and goes in as a difference when it can.
 */
public final class ApplyCommand {
    /** Where each name's saved list and notes live, unless --state says otherwise. */
    public static final Path STATE = Path.of("/var/lib/sikkerguard/apply");

    private final Commands commands;
    private final PrintStream out;

    public ApplyCommand(Commands commands, PrintStream out) {
        this.commands = commands;
        this.out = out;
    }

    /** The kernel names of a name: {@code NAMESPACE/BLOCKLIST} is that blocklist's agent's, a plain name the host's. */
    public static Naming naming(String name) {
        int slash = name.indexOf('/');
        return slash > 0 ? Naming.of(name.substring(0, slash), name.substring(slash + 1)) : Naming.of("host", name);
    }

    /**
     * @param list the validated list
     * @return true when applied (or unchanged), false when the self-test refused it (and it was rolled back)
     */
    public boolean apply(AddressSet list, String digest, EnforcementSpec enforcement, String name, Path state)
            throws java.io.IOException {
        Path folder = state.resolve(naming(name).nftTable());
        Backends firewall = new Backends(commands, naming(name), folder);
        AgentLoop loop = new AgentLoop(firewall, new LastGoodList(folder), AutoWhitelist.Sources.NODE, List.of(),
                endpoints -> new SelfTest(commands, AutoWhitelist.gateways(AutoWhitelist.Sources.NODE), endpoints),
                new AgentMetrics());
        loop.restore().ifPresent(restored -> out.println("in place: " + restored.entries().total() + " entries of "
                + "the last apply of " + name));
        ThreatBlocklistSpec spec = new ThreatBlocklistSpec();
        spec.setEnforcement(enforcement);
        AgentConfig config = new AgentConfig(name, "host", "", 0, Mode.Enforcing, ModeReason.Spec, spec);
        AgentLoop.Outcome outcome = loop.cycle(new AgentLoop.Config(config, List.of()), Optional.of(
                new ListPublication.Loaded(new ListPublication.Located(digest, 'a', 1), list)));
        Backends.Choice backend = firewall.current();
        boolean applied = "Applied".equals(outcome.result()) && firewall.lastChange() != null;
        out.println(outcome.result() + (applied ? " (" + firewall.lastChange() + ")" : "") + ": " + (outcome.entries() == null ? "nothing enforced"
                : outcome.entries().v4() + " IPv4 and " + outcome.entries().v6() + " IPv6 entries enforced")
                + (backend == null ? "" : " with " + backend.backend().name().toLowerCase(java.util.Locale.ROOT)
                        + " (" + backend.reason() + ")")
                + (outcome.errorReason() == null ? "" : "; " + outcome.errorReason() + ": " + outcome.errorMessage()));
        return outcome.errorReason() == null;
    }

    /** Removes exactly what {@link #apply} made for this name, in both backends, and its saved list. */
    public List<String> cleanup(String name, Path state) throws java.io.IOException {
        Path folder = state.resolve(naming(name).nftTable());
        Backends firewall = new Backends(commands, naming(name), folder);
        boolean present = firewall.exists();
        firewall.remove();
        new LastGoodList(folder).delete();
        java.nio.file.Files.deleteIfExists(folder);
        return present ? List.of("the sets and rules of " + name) : List.of();
    }
}
