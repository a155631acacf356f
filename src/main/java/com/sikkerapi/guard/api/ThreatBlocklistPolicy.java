package com.sikkerapi.guard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The cluster's bounds on every ThreatBlocklist, written by cluster admins only (it is cluster-scoped; tenants hold
 * no role on it): which namespaces may enforce, the shortest prefix an entry may have, and how much of the address
 * space one list may cover. The operator reads the one named {@link #NAME}; without it, the spec's defaults hold.
 */
@Group(ThreatBlocklist.GROUP)
@Version(ThreatBlocklist.VERSION)
@ShortNames("tbpolicy")
@Categories("sikkerguard")
@AdditionalPrinterColumn(name = "Min Prefix V4", jsonPath = ".spec.minPrefixV4",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Max Coverage V4 %", jsonPath = ".spec.maxCoveragePercentV4",
        type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ThreatBlocklistPolicy extends CustomResource<ThreatBlocklistPolicySpec, Void> {
    /** The policy the operator reads. */
    public static final String NAME = "default";

    @Override
    protected ThreatBlocklistPolicySpec initSpec() {
        return new ThreatBlocklistPolicySpec();
    }
}
