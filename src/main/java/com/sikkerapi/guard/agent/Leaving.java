package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.ThreatBlocklist;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Whether an agent that is stopping leaves its node for good (then it removes what it made) or only restarts. */
final class Leaving {
    private static final Logger LOG = Logger.getLogger(Leaving.class);

    private Leaving() {
    }

    /** What the API server says of this agent's blocklist. */
    enum BlocklistState { PRESENT, GONE, NO_ACCESS, UNREACHABLE }

    /**
     * Why this agent leaves its node for good (then it removes what it made), or null when it stops for a restart,
     * an upgrade or a drain (then the rules stay for its successor). Deleting a blocklist lets the garbage collector
     * delete the agent's account, Role and binding in the same wave as its DaemonSet, so the agent may no longer be
     * allowed to ask; those are owned by the blocklist, so a refusal means it is being deleted. (Waiting for the
     * configuration's deletion on the agent's watch instead left a node's rules behind on real nodes: a watch that
     * lapses cannot come back without the access that is gone.) An API server it cannot reach is never taken as a
     * deletion.
     */
    static String reason(KubeApi api, AgentEnvironment env, Optional<ConfigWatch.Snapshot> snapshot) {
        boolean deselected = snapshot.flatMap(ConfigWatch.Snapshot::selectedNodes)
                .map(nodes -> !nodes.contains(env.node())).orElse(false);
        if (deselected) {
            return "this node is no longer selected";
        }
        return switch (blocklistState(api, env)) {
            case GONE -> "the blocklist was deleted";
            case NO_ACCESS -> "the blocklist was deleted (its agent's access went with it)";
            case PRESENT, UNREACHABLE -> null;
        };
    }

    /** Deleted, or being deleted, is GONE; a refusal (403, or 401 for a deleted account) is NO_ACCESS. */
    private static BlocklistState blocklistState(KubeApi api, AgentEnvironment env) {
        try {
            Optional<com.fasterxml.jackson.databind.JsonNode> blocklist = api.get(KubeApi.path(ThreatBlocklist.class,
                    env.namespace(), env.blocklist()), com.fasterxml.jackson.databind.JsonNode.class);
            return blocklist.isEmpty() || blocklist.get().path("metadata").hasNonNull("deletionTimestamp")
                    ? BlocklistState.GONE : BlocklistState.PRESENT;
        } catch (RuntimeException e) {
            if (e instanceof KubeApi.Failure refused && (refused.code() == 401 || refused.code() == 403)) {
                LOG.infof("The API server refuses this agent its blocklist (%d): its access may have been deleted"
                        + " with the blocklist", refused.code());
                return BlocklistState.NO_ACCESS;
            }
            LOG.warnf("Cannot tell whether the blocklist still exists (%s); leaving the rules in place",
                    e.getMessage());
            return BlocklistState.UNREACHABLE;
        }
    }
}
