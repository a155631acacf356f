package com.sikkerapi.guard.firewall;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.net.AddressSet;
import java.util.List;

/**
 * A node's kernel packet filter, as far as one blocklist is concerned. Implementations (one package each, as
 * CrowdSec's bouncers do) make sets and rules of their own only, and {@link #remove()} takes away exactly those.
 */
public interface Firewall {
    /**
     * How an apply changed the live sets: every entry loaded anew, or only the difference to the list in place.
     *
     * @param removed entries deleted (a full load: those of the old list that the new one has not, uncounted: -1)
     */
    record Change(boolean incremental, int removed, int added) {
        public static Change full(int entries) {
            return new Change(false, -1, entries);
        }

        @Override
        public String toString() {
            return incremental ? "incremental: " + removed + " deleted, " + added + " added"
                    : "full load of " + added + " entries";
        }
    }

    /**
     * Makes {@code list} the live list: packets are checked against the old list or the new one, never against a
     * partial one or none, and an address both lists hold is blocked throughout. Creates the sets, chain and jump
     * when missing (adopting what a previous agent left), and moves the jump when the hook changed. When the list
     * in place is known, its rules are intact and the new list differs from it by less than
     * {@code enforcement.incrementalLimit}, only the difference is applied; otherwise, and whenever that fails,
     * everything is loaded anew.
     *
     * @throws FirewallException when a step fails; the live list is then unchanged
     */
    Change apply(AddressSet list, EnforcementSpec enforcement);

    /**
     * Takes the live sets as holding {@code list} (the saved copy of what an agent applied last) when the cheap check
     * of {@link #repair()} finds them and their rules in place, so that a restarted agent loads nothing and its next
     * change can be a difference. Changes nothing in the kernel.
     *
     * @return false when they are not in place (nothing is taken as known; the next apply loads the list whole)
     */
    boolean adopt(AddressSet list, EnforcementSpec enforcement);

    /**
     * Checks cheaply (no listing of every entry) that what the last apply made is still in place, and makes it again
     * from the list it applied where it is not: somebody's {@code iptables -F}, a firewall reload, a flushed or
     * destroyed set.
     *
     * @return what was found missing or changed, one line each; empty when all was in place or nothing was applied
     * @throws FirewallException when the repair failed (the next check tries again)
     */
    List<String> repair();

    /** Whether this blocklist's sets exist: what a restarted agent adopts. */
    boolean exists();

    /** Entries in the live sets (IPv4, IPv6), or -1 each when absent. */
    long[] liveEntries();

    /** Packets the DROP rules dropped since they were made (both families), or -1 when nothing is enforced. */
    long droppedPackets();

    /** Removes every rule, chain and set this blocklist made, in both families and both hooks. */
    void remove();
}
