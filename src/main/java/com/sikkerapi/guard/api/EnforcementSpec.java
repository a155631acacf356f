package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnforcementSpec {
    public enum Hook {
        /** raw PREROUTING: before conntrack and kube-proxy's DNAT, so NodePort and hostPort traffic is dropped too. */
        @JsonProperty("prerouting") PREROUTING,
        /** filter INPUT: protects host processes only. */
        @JsonProperty("input") INPUT
    }

    @Default("prerouting")
    @JsonPropertyDescription("prerouting (raw table, before conntrack and DNAT: also protects NodePorts and pods) or "
            + "input (filter table: host processes only).")
    private Hook hook = Hook.PREROUTING;

    @Default("true")
    @JsonPropertyDescription("Also block IPv6 entries (ip6tables).")
    private Boolean ipv6 = true;

    public Hook getHook() { return hook; }
    public void setHook(Hook hook) { this.hook = hook; }
    public Boolean getIpv6() { return ipv6; }
    public void setIpv6(Boolean ipv6) { this.ipv6 = ipv6; }
}
