package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** See {@link ThreatBlocklistPolicy}; each default is {@link ListBounds#DEFAULTS}'. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ThreatBlocklistPolicySpec {
    @JsonPropertyDescription("Namespaces whose blocklists may enforce; the others run DryRun (mode reason Policy). "
            + "Absent: every namespace.")
    private LabelSelector enforceNamespaces;

    @Default("8")
    @Min(0)
    @Max(32)
    @JsonPropertyDescription("IPv4 entries with a shorter prefix are dropped; a blocklist may raise it, never lower "
            + "it.")
    private Integer minPrefixV4 = ListBounds.DEFAULTS.minPrefixV4();

    @Default("32")
    @Min(0)
    @Max(128)
    @JsonPropertyDescription("IPv6 entries with a shorter prefix are dropped; a blocklist may raise it, never lower "
            + "it.")
    private Integer minPrefixV6 = ListBounds.DEFAULTS.minPrefixV6();

    @Default("5.0")
    @Min(0.0)
    @Max(100.0)
    @JsonPropertyDescription("The most of the IPv4 space one list may cover, in percent (after special-purpose "
            + "ranges are left out); a list past it is refused whole, by the hub and by every node.")
    private Double maxCoveragePercentV4 = ListBounds.DEFAULTS.maxCoveragePercentV4();

    @Default("0.1")
    @Min(0.0)
    @Max(100.0)
    @JsonPropertyDescription("The most of the global unicast IPv6 space (2000::/3) one list may cover, in percent: "
            + "0.1 is a little more than one /13: 64 times a /19, among the largest single allocations the "
            + "registries make.")
    private Double maxCoveragePercentV6 = ListBounds.DEFAULTS.maxCoveragePercentV6();

    @Default("false")
    @JsonPropertyDescription("Whether a blocklist may set rollout.canary: 0 (a new list to every node at once); "
            + "refused as InvalidSpec otherwise.")
    private Boolean allowCanaryZero = false;

    @Default("false")
    @JsonPropertyDescription("Whether agents run on control-plane nodes (labelled node-role.kubernetes.io/"
            + "control-plane or master): off, a list can never cut a control plane off.")
    private Boolean agentsOnControlPlanes = false;

    public Boolean getAllowCanaryZero() { return allowCanaryZero; }
    public void setAllowCanaryZero(Boolean allowCanaryZero) { this.allowCanaryZero = allowCanaryZero; }
    public Boolean getAgentsOnControlPlanes() { return agentsOnControlPlanes; }
    public void setAgentsOnControlPlanes(Boolean agentsOnControlPlanes) { this.agentsOnControlPlanes = agentsOnControlPlanes; }
    public LabelSelector getEnforceNamespaces() { return enforceNamespaces; }
    public void setEnforceNamespaces(LabelSelector enforceNamespaces) { this.enforceNamespaces = enforceNamespaces; }
    public Integer getMinPrefixV4() { return minPrefixV4; }
    public void setMinPrefixV4(Integer minPrefixV4) { this.minPrefixV4 = minPrefixV4; }
    public Integer getMinPrefixV6() { return minPrefixV6; }
    public void setMinPrefixV6(Integer minPrefixV6) { this.minPrefixV6 = minPrefixV6; }
    public Double getMaxCoveragePercentV4() { return maxCoveragePercentV4; }
    public void setMaxCoveragePercentV4(Double maxCoveragePercentV4) { this.maxCoveragePercentV4 = maxCoveragePercentV4; }
    public Double getMaxCoveragePercentV6() { return maxCoveragePercentV6; }
    public void setMaxCoveragePercentV6(Double maxCoveragePercentV6) { this.maxCoveragePercentV6 = maxCoveragePercentV6; }
}
