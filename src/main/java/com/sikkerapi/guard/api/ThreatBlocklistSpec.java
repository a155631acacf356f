package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ThreatBlocklistSpec {
    @Required
    @JsonPropertyDescription("Where the list comes from: the SikkerAPI blacklist, further URL feeds, or both (not neither).")
    private SourceSpec source = new SourceSpec();

    @JsonPropertyDescription("Addresses and CIDRs that are never blocked. A listed range that contains one is split around it.")
    private List<@Pattern(Patterns.IP_OR_CIDR) String> whitelist = new ArrayList<>();

    @Default("false")
    @JsonPropertyDescription("Run the whole loop and log what would be blocked, without changing any node's firewall.")
    private Boolean dryRun = false;

    @Default("24h")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("How often each node pulls the list, as a duration (e.g. 30m, 6h, 24h). At least 1m.")
    private String pullInterval = "24h";

    // An empty default lets the API server fill in the defaults of the fields inside, so that the stored
    // object shows every effective setting.
    @Default("{}")
    private SafetySpec safety = new SafetySpec();
    @Default("{}")
    private EnforcementSpec enforcement = new EnforcementSpec();
    @Default("{}")
    private ReportingSpec reporting = new ReportingSpec();

    @Default("{}")
    @JsonPropertyDescription("How a new list or setting reaches the nodes: canaries, batches, soak and deadline.")
    private RolloutSpec rollout = new RolloutSpec();

    @JsonPropertyDescription("Where else the list goes: the web tier (outputs.nginx).")
    private OutputsSpec outputs;

    @JsonPropertyDescription("Nodes that run the agent. Empty selects every node.")
    private Map<String, String> nodeSelector = new LinkedHashMap<>();

    @JsonPropertyDescription("Tolerations of the agent pods. When absent, the agent tolerates every taint so that no node, "
            + "control plane included, is left unprotected.")
    private List<Toleration> tolerations;

    public SourceSpec getSource() { return source; }
    public void setSource(SourceSpec source) { this.source = source; }
    public List<String> getWhitelist() { return whitelist; }
    public void setWhitelist(List<String> whitelist) { this.whitelist = whitelist; }
    public Boolean getDryRun() { return dryRun; }
    public void setDryRun(Boolean dryRun) { this.dryRun = dryRun; }
    public String getPullInterval() { return pullInterval; }
    public void setPullInterval(String pullInterval) { this.pullInterval = pullInterval; }
    public SafetySpec getSafety() { return safety; }
    public void setSafety(SafetySpec safety) { this.safety = safety; }
    public EnforcementSpec getEnforcement() { return enforcement; }
    public void setEnforcement(EnforcementSpec enforcement) { this.enforcement = enforcement; }
    public ReportingSpec getReporting() { return reporting; }
    public void setReporting(ReportingSpec reporting) { this.reporting = reporting; }
    public RolloutSpec getRollout() { return rollout; }
    public void setRollout(RolloutSpec rollout) { this.rollout = rollout; }
    public OutputsSpec getOutputs() { return outputs; }
    public void setOutputs(OutputsSpec outputs) { this.outputs = outputs; }
    public Map<String, String> getNodeSelector() { return nodeSelector; }
    public void setNodeSelector(Map<String, String> nodeSelector) { this.nodeSelector = nodeSelector; }
    public List<Toleration> getTolerations() { return tolerations; }
    public void setTolerations(List<Toleration> tolerations) { this.tolerations = tolerations; }
}
