package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.ListStatus;
import com.sikkerapi.guard.api.Rollout;
import com.sikkerapi.guard.hub.ListPublication;
import java.util.Optional;

/**
 * The published list this node must enforce, read through the API server: the version its rollout assignment
 * names (the target, or the previous identity's list, whichever slot holds it), or the newest where the operator
 * says nothing of a rollout. The last one read whole is kept, so a cycle for another reason (a change of the node's
 * own addresses) reads nothing.
 */
final class PublishedLists {
    private final KubeApi api;
    private final String namespace;
    private final String blocklist;
    private ListPublication.Loaded loaded;

    PublishedLists(KubeApi api, String namespace, String blocklist) {
        this.api = api;
        this.namespace = namespace;
        this.blocklist = blocklist;
    }

    /**
     * @param assignment what the rollout says this node enforces; null without a rollout (then the newest)
     * @return empty when there is nothing to enforce yet (no publication seen, or an identity without a list)
     * @throws ListPublication.Unreadable when the version cannot be read whole (being rewritten, or gone)
     */
    Optional<ListPublication.Loaded> wanted(Optional<ListPublication.Pointer> pointer, Rollout.Assignment assignment)
            throws ListPublication.Unreadable {
        String digest = assignment == null ? pointer.map(ListPublication.Pointer::digest).orElse(null)
                : assignment.digest();
        if (digest == null) {
            return Optional.empty();
        }
        if (loaded != null && loaded.digest().equals(digest)) {
            return Optional.of(loaded);
        }
        if (pointer.isEmpty()) {
            return Optional.empty();
        }
        ListPublication.Located where = pointer.get().locate(digest).orElseThrow(() -> new ListPublication.Unreadable(
                "list " + ListStatus.version(digest) + " is not in either published slot"));
        loaded = ListPublication.load(api, namespace, blocklist, where);
        return Optional.of(loaded);
    }
}
