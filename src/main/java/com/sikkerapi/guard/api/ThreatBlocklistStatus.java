package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Written by the operator only; agents report through {@link ThreatBlocklistNode}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ThreatBlocklistStatus {
    /** At most this many failing nodes are named, so the object stays small on clusters with thousands of nodes. */
    public static final int MAX_FAILING_NODES = 10;

    private Long observedGeneration;
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Enforcing, or DryRun (see modeReason).")
    private Mode mode;

    @JsonPropertyDescription("Why the mode is what it is: Spec or SpecDryRun (spec.dryRun), NamespacePolicy (the "
            + "namespace label guard.sikkerapi.com/dry-run=true) or Policy (the cluster's ThreatBlocklistPolicy does "
            + "not admit the namespace to enforce).")
    private ModeReason modeReason;

    private NodeCounts nodes;
    private EntryCounts entries;

    @JsonPropertyDescription("The hub's most recent successful pull.")
    private String lastPull;

    @JsonPropertyDescription("The hub's most recent report of blocked addresses to SikkerAPI.")
    private String lastReport;

    @io.fabric8.generator.annotation.Nullable
    @JsonPropertyDescription("The list the hub published for the nodes, and how many nodes enforce it.")
    private ListStatus list;

    @io.fabric8.generator.annotation.Nullable
    @JsonPropertyDescription("The hub's last report round to SikkerAPI (every node's blocked attackers, each once).")
    private ReportStatus reporting;

    // Nullable: server-side apply on v1.20 API servers writes null where an applied object drops a field it owned.
    @io.fabric8.generator.annotation.Nullable
    @JsonPropertyDescription("The web-tier publication (spec.outputs.nginx), as its publisher last recorded it.")
    private NginxOutputStatus nginx;

    @io.fabric8.generator.annotation.Nullable
    @JsonPropertyDescription("The staged rollout of what the nodes enforce (spec.rollout).")
    private RolloutStatus rollout;

    @JsonPropertyDescription("Up to " + MAX_FAILING_NODES + " failing nodes with their reason; nodes.failed has the count.")
    private List<FailingNode> failingNodes;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public Mode getMode() { return mode; }
    public void setMode(Mode mode) { this.mode = mode; }
    public ModeReason getModeReason() { return modeReason; }
    public void setModeReason(ModeReason modeReason) { this.modeReason = modeReason; }
    public NodeCounts getNodes() { return nodes; }
    public void setNodes(NodeCounts nodes) { this.nodes = nodes; }
    public EntryCounts getEntries() { return entries; }
    public void setEntries(EntryCounts entries) { this.entries = entries; }
    public String getLastPull() { return lastPull; }
    public void setLastPull(String lastPull) { this.lastPull = lastPull; }
    public String getLastReport() { return lastReport; }
    public void setLastReport(String lastReport) { this.lastReport = lastReport; }
    public ReportStatus getReporting() { return reporting; }
    public void setReporting(ReportStatus reporting) { this.reporting = reporting; }
    public ListStatus getList() { return list; }
    public void setList(ListStatus list) { this.list = list; }
    public NginxOutputStatus getNginx() { return nginx; }
    public void setNginx(NginxOutputStatus nginx) { this.nginx = nginx; }
    public RolloutStatus getRollout() { return rollout; }
    public void setRollout(RolloutStatus rollout) { this.rollout = rollout; }
    public List<FailingNode> getFailingNodes() { return failingNodes; }
    public void setFailingNodes(List<FailingNode> failingNodes) { this.failingNodes = failingNodes; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThreatBlocklistStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(conditions, s.conditions) && mode == s.mode && modeReason == s.modeReason
                && Objects.equals(nodes, s.nodes) && Objects.equals(entries, s.entries)
                && Objects.equals(lastPull, s.lastPull) && Objects.equals(lastReport, s.lastReport)
                && Objects.equals(failingNodes, s.failingNodes) && Objects.equals(nginx, s.nginx)
                && Objects.equals(list, s.list) && Objects.equals(reporting, s.reporting)
                && Objects.equals(rollout, s.rollout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, mode, nodes, entries, lastPull);
    }
}
