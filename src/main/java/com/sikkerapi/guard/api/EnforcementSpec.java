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

    /** Where a sample of the dropped packets is logged for the agent's BLOCKED lines and reports. */
    public enum BlockedLog {
        /** NFLOG to the agent (through ulogd): works in every network namespace. */
        @JsonProperty("nflog") NFLOG,
        /** LOG to the kernel log, read from /dev/kmsg: for nodes where NFLOG is not available. */
        @JsonProperty("kmsg") KMSG,
        /** No observation: no BLOCKED lines and nothing to report. */
        @JsonProperty("none") NONE
    }

    @Default("prerouting")
    @JsonPropertyDescription("prerouting (raw table, before conntrack and DNAT: also protects NodePorts and pods) or "
            + "input (filter table: host processes only).")
    private Hook hook = Hook.PREROUTING;

    @Default("true")
    @JsonPropertyDescription("Also block IPv6 entries (ip6tables).")
    private Boolean ipv6 = true;

    @Default("nflog")
    @JsonPropertyDescription("How dropped packets are observed (a rate-limited sample: an attack cannot flood the "
            + "agent): nflog, kmsg or none.")
    private BlockedLog blockedLog = BlockedLog.NFLOG;

    public Hook getHook() { return hook; }
    public void setHook(Hook hook) { this.hook = hook; }
    public Boolean getIpv6() { return ipv6; }
    public void setIpv6(Boolean ipv6) { this.ipv6 = ipv6; }
    public BlockedLog getBlockedLog() { return blockedLog; }
    public void setBlockedLog(BlockedLog blockedLog) { this.blockedLog = blockedLog; }
}
