package com.sikkerapi.guard.firewall;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.nftables.NftablesFirewall;
import com.sikkerapi.guard.net.AddressSet;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The backend the spec asks for ({@code enforcement.backend}), behind the one interface: ipset, nftables, or auto
 * (ipset where it works, as it did before nftables existed here; nftables where the ipset tool or the kernel's ip_set
 * is missing). A change of backend applies the list with the new one first and removes the old one's objects after,
 * so the node is never without a list; objects of the backend not in use (left by an agent of another setting) go
 * the same way at the first apply.
 */
public final class Backends implements Firewall {
    private static final Logger LOG = Logger.getLogger(Backends.class);

    /** The backend in use and why, for the node report. */
    public record Choice(EnforcementSpec.Backend backend, String reason) {
    }

    private final Commands commands;
    private final IpsetFirewall ipset;
    private final NftablesFirewall nftables;
    private Choice choice;
    private EnforcementSpec.Backend choiceFor;
    private Firewall current;
    private Change lastChange;

    public Backends(Commands commands, Naming names, Path stateDir) {
        this.commands = commands;
        this.ipset = new IpsetFirewall(commands, names, IptablesFlavour.detect(commands), stateDir);
        this.nftables = new NftablesFirewall(commands, names);
    }

    /** What the spec's setting comes to on this node (auto probes once per agent). */
    public Choice choose(EnforcementSpec.Backend wanted) {
        EnforcementSpec.Backend setting = wanted == null ? EnforcementSpec.Backend.AUTO : wanted;
        if (setting != choiceFor) {
            choice = switch (setting) {
                case IPSET -> new Choice(EnforcementSpec.Backend.IPSET, "enforcement.backend is ipset");
                case NFTABLES -> new Choice(EnforcementSpec.Backend.NFTABLES, "enforcement.backend is nftables");
                case AUTO -> probe();
            };
            choiceFor = setting;
        }
        return choice;
    }

    private Choice probe() {
        Commands.Result ipsetProbe = tryRun("ipset", "list", "-n");
        if (ipsetProbe.ok()) {
            return new Choice(EnforcementSpec.Backend.IPSET, "auto: ipset works on this node");
        }
        String why = ipsetProbe.output().strip().lines().findFirst().orElse("exit " + ipsetProbe.exit());
        if (tryRun("nft", "list", "chains").ok()) { // not "list tables": that reads every element
            return new Choice(EnforcementSpec.Backend.NFTABLES, "auto: ipset does not work on this node (" + why
                    + "), nftables does");
        }
        return new Choice(EnforcementSpec.Backend.IPSET, "auto: neither ipset (" + why + ") nor nft works on this "
                + "node; trying ipset");
    }

    /** A probe's result; a tool that is not installed is a failed run that says so. */
    private Commands.Result tryRun(String... command) {
        try {
            return commands.run(command);
        } catch (FirewallException e) {
            return new Commands.Result(List.of(command), 127, e.getMessage());
        }
    }

    /** Whether a backend has objects here; one whose tool is not installed has none. */
    private static boolean present(Firewall firewall) {
        try {
            return firewall.exists();
        } catch (FirewallException e) {
            return false;
        }
    }

    /** What the last apply did; null before it. */
    public Change lastChange() {
        return lastChange;
    }

    /** The backend in use and why; null before the first apply. */
    public Choice current() {
        return current == null ? null : choice;
    }

    private Firewall backend(EnforcementSpec enforcement) {
        return choose(enforcement.getBackend()).backend() == EnforcementSpec.Backend.NFTABLES ? nftables : ipset;
    }

    private Firewall other(Firewall firewall) {
        return firewall == ipset ? nftables : ipset;
    }

    @Override
    public Change apply(AddressSet list, EnforcementSpec enforcement) {
        Firewall target = backend(enforcement);
        Change change = target.apply(list, enforcement);
        if (target != current) {
            Firewall old = other(target);
            if (present(old)) {
                LOG.infof("Removing the other backend's sets and rules (%s is in use: %s)", choice.backend(),
                        choice.reason());
                old.remove();
            }
            current = target;
        }
        lastChange = change;
        return change;
    }

    @Override
    public boolean adopt(AddressSet list, EnforcementSpec enforcement) {
        Firewall target = backend(enforcement);
        if (target.adopt(list, enforcement) && !present(other(target))) {
            current = target;
            return true;
        }
        return false;
    }

    @Override
    public List<String> repair() {
        return current == null ? List.of() : current.repair();
    }

    @Override
    public boolean exists() {
        return present(ipset) || present(nftables);
    }

    @Override
    public long[] liveEntries() {
        return (current != null ? current : present(nftables) ? nftables : ipset).liveEntries();
    }

    @Override
    public long droppedPackets() {
        return current == null ? -1 : current.droppedPackets();
    }

    @Override
    public void remove() {
        for (Firewall backend : new Firewall[] {ipset, nftables}) {
            try {
                backend.remove();
            } catch (FirewallException e) {
                if (present(backend)) {
                    throw e;
                } // its tool is not installed: it made nothing here
            }
        }
        current = null;
    }
}
