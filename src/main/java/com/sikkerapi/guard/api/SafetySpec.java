package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SafetySpec {
    @Default("2.0")
    @Min(1.0)
    @Max(100.0)
    @JsonPropertyDescription("A new list with more than this many times the entries of the last good one is rejected.")
    private Double maxGrowthFactor = 2.0;

    @Default("8")
    @Min(0)
    @Max(32)
    @JsonPropertyDescription("IPv4 entries with a shorter prefix than this are dropped, never applied.")
    private Integer minPrefixV4 = 8;

    @Default("32")
    @Min(0)
    @Max(128)
    @JsonPropertyDescription("IPv6 entries with a shorter prefix than this are dropped, never applied.")
    private Integer minPrefixV6 = 32;

    @Default("0.1")
    @Min(0.0)
    @Max(1.0)
    @JsonPropertyDescription("A list whose share of unparseable lines exceeds this is rejected as a whole.")
    private Double maxInvalidLineRatio = 0.1;

    @Default("true")
    @JsonPropertyDescription("After each swap, check gateway, DNS and the feed endpoint; roll back when one newly fails.")
    private Boolean selfTest = true;

    @Default("true")
    @JsonPropertyDescription("Never block the node's gateways, DNS servers, own addresses, feed endpoints and cluster "
            + "ranges. Turn off only for tests.")
    private Boolean autoWhitelist = true;

    public Double getMaxGrowthFactor() { return maxGrowthFactor; }
    public void setMaxGrowthFactor(Double maxGrowthFactor) { this.maxGrowthFactor = maxGrowthFactor; }
    public Integer getMinPrefixV4() { return minPrefixV4; }
    public void setMinPrefixV4(Integer minPrefixV4) { this.minPrefixV4 = minPrefixV4; }
    public Integer getMinPrefixV6() { return minPrefixV6; }
    public void setMinPrefixV6(Integer minPrefixV6) { this.minPrefixV6 = minPrefixV6; }
    public Double getMaxInvalidLineRatio() { return maxInvalidLineRatio; }
    public void setMaxInvalidLineRatio(Double maxInvalidLineRatio) { this.maxInvalidLineRatio = maxInvalidLineRatio; }
    public Boolean getSelfTest() { return selfTest; }
    public void setSelfTest(Boolean selfTest) { this.selfTest = selfTest; }
    public Boolean getAutoWhitelist() { return autoWhitelist; }
    public void setAutoWhitelist(Boolean autoWhitelist) { this.autoWhitelist = autoWhitelist; }
}
