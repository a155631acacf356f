package com.sikkerapi.guard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A set of threat feeds that every selected node blocks in its kernel. The operator turns it into an agent DaemonSet
 * and folds the agents' per-node reports ({@link ThreatBlocklistNode}) back into {@link ThreatBlocklistStatus}.
 */
@Group(ThreatBlocklist.GROUP)
@Version(ThreatBlocklist.VERSION)
@ShortNames("tbl")
@Categories("sikkerguard")
// Declared here rather than on the fields so that `kubectl get tbl` shows them in this order.
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".status.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Score", jsonPath = ".spec.source.sikkerapi.scoreMinimum",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodes.summary", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Stage", jsonPath = ".status.rollout.stage", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "List", jsonPath = ".status.list.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "On List", jsonPath = ".status.list.nodesOnList",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Entries", jsonPath = ".status.entries.total", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Last Pull", jsonPath = ".status.lastPull", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ThreatBlocklist extends CustomResource<ThreatBlocklistSpec, ThreatBlocklistStatus> implements Namespaced {
    public static final String GROUP = "guard.sikkerapi.com";
    public static final String VERSION = "v1alpha1";

    @Override
    protected ThreatBlocklistSpec initSpec() {
        return new ThreatBlocklistSpec();
    }

    @Override
    protected ThreatBlocklistStatus initStatus() {
        return new ThreatBlocklistStatus();
    }
}
