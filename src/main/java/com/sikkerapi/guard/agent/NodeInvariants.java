package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.ListBounds;
import com.sikkerapi.guard.feed.Coverage;
import com.sikkerapi.guard.hub.ListPublication;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.SpecialRanges;

/**
 * What a node enforces itself on every list it is handed, whatever the hub checked: a published list may have been
 * edited in the API server with a digest that matches its bytes, and a last good list read back from the node's
 * disk may have been edited there. Special-purpose ranges are never blocked, and a list past the cluster's
 * coverage bound is refused whole while the list in place stays.
 */
final class NodeInvariants {
    /** A published list less the special-purpose ranges, and why the bounds refuse it (null: they do not). */
    record Checked(String digest, ListBounds bounds, AddressSet list, String refusal) {
    }

    /** The last check, kept: a cycle for another reason (the node's addresses, a heartbeat) does not redo it. */
    private Checked last;

    Checked published(ListPublication.Loaded published, ListBounds bounds) {
        if (last == null || !last.digest().equals(published.digest()) || !last.bounds().equals(bounds)) {
            AddressSet list = published.list().except(SpecialRanges.SET);
            last = new Checked(published.digest(), bounds, list, Coverage.refusal(list, bounds));
        }
        return last;
    }

    /**
     * Why a last good list read back from the disk is refused, or null. The bounds are the defaults: the
     * configuration is not at hand before the first contact, and a policy looser than them waits for it.
     */
    static String saved(AddressSet saved) {
        String outOfBounds = Coverage.refusal(saved, ListBounds.DEFAULTS);
        if (outOfBounds != null) {
            return outOfBounds;
        }
        boolean special = saved.v4().countOverlapping(SpecialRanges.SET.v4()) > 0
                || saved.v6().countOverlapping(SpecialRanges.SET.v6()) > 0;
        return special ? "it holds special-purpose ranges" : null;
    }
}
