package com.sikkerapi.guard.firewall;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.net.AddressSet;

/**
 * A node's kernel packet filter, as far as one blocklist is concerned. Implementations (one package each, as
 * CrowdSec's bouncers do) make sets and rules of their own only, and {@link #remove()} takes away exactly those.
 */
public interface Firewall {
    /**
     * Makes {@code list} the live list, atomically: packets are checked against the old list or the new one, never
     * against a partial one or none. Creates the sets, chain and the one jump rule when missing (adopting what a
     * previous agent left), and moves the jump when the hook changed.
     *
     * @throws FirewallException when a step fails; the live list is then unchanged
     */
    void apply(AddressSet list, EnforcementSpec enforcement);

    /** Whether this blocklist's sets exist: what a restarted agent adopts. */
    boolean exists();

    /** Entries in the live sets (IPv4, IPv6), or -1 each when absent. */
    long[] liveEntries();

    /** Packets the DROP rules dropped since they were made (both families), or -1 when nothing is enforced. */
    long droppedPackets();

    /** Removes every rule, chain and set this blocklist made, in both families and both hooks. */
    void remove();
}
