package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.Naming;

/** Reaches the package-private constructor that fixes maxelem, so a test can make a load fail on purpose. */
public final class IpsetFirewallForTestsAccess {
    private IpsetFirewallForTestsAccess() {
    }

    public static IpsetFirewall withMaxelem(Commands commands, Naming names, IptablesFlavour flavour,
            java.nio.file.Path stateDir, long maxelem) {
        return new IpsetFirewall(commands, names, flavour, stateDir, maxelem);
    }
}
