package com.sikkerapi.guard.api;

public enum NodePhase {
    /** The agent runs but has not applied a list yet. */
    Pending,
    /** The list is live in the kernel. */
    Enforcing,
    /** The loop runs and logs what it would block; the node's firewall is untouched. */
    DryRun,
    /** A list is enforced, but the latest pull, validation or apply failed: the last good list stays live. */
    Degraded,
    /** Nothing is enforced because of an error (e.g. no list could ever be pulled). */
    Failed;

    /** Whether a node in this phase counts as ready. */
    public boolean isHealthy() {
        return this == Enforcing || this == DryRun;
    }
}
