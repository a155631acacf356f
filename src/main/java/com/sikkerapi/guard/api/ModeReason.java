package com.sikkerapi.guard.api;

public enum ModeReason {
    /** spec.dryRun is false: the list is enforced. */
    Spec,
    /** spec.dryRun is true. */
    SpecDryRun,
    /** The namespace carries guard.sikkerapi.com/dry-run=true, which overrides the spec. */
    NamespacePolicy,
    /** The cluster's ThreatBlocklistPolicy does not admit the namespace to enforce (enforceNamespaces). */
    Policy
}
