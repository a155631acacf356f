package com.sikkerapi.guard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One node's report for one {@link ThreatBlocklist}, named {@code <blocklist>.<node>}, written only by that node's
 * agent (the Node Feature Discovery pattern) and owned by the ThreatBlocklist so that it is garbage-collected with it.
 * There is no status subresource: the whole object is the agent's report, written in one server-side apply.
 */
@Group(ThreatBlocklist.GROUP)
@Version(ThreatBlocklist.VERSION)
@ShortNames("tbln")
@Categories("sikkerguard")
@AdditionalPrinterColumn(name = "Blocklist", jsonPath = ".spec.blocklist", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.nodeName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".spec.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Entries", jsonPath = ".spec.entries.total", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Dropped", jsonPath = ".spec.blockedPackets", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Last Apply", jsonPath = ".spec.lastApply", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ThreatBlocklistNode extends CustomResource<ThreatBlocklistNodeSpec, Void> implements Namespaced {
    /** Label naming the ThreatBlocklist this object (or an agent resource) belongs to. */
    public static final String BLOCKLIST_LABEL = ThreatBlocklist.GROUP + "/blocklist";
    /** An agent refreshes its report at least this often; three missed refreshes make the node count as failed. */
    public static final java.time.Duration HEARTBEAT_INTERVAL = java.time.Duration.ofMinutes(5);
    /** Label naming the node a ThreatBlocklistNode reports on. */
    public static final String NODE_LABEL = ThreatBlocklist.GROUP + "/node";

    @Override
    protected ThreatBlocklistNodeSpec initSpec() {
        return new ThreatBlocklistNodeSpec();
    }
}
