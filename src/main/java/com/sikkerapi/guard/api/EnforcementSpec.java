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

    /** Which kernel interface holds the sets and rules. */
    public enum Backend {
        /** ipset where it works (the ip_set module and the ipset tool are there), nftables where it does not. */
        @JsonProperty("auto") AUTO,
        /** ipset sets matched by iptables rules (nf_tables or legacy, as the node's other rules). */
        @JsonProperty("ipset") IPSET,
        /** A native nftables table of the blocklist's own with interval sets. */
        @JsonProperty("nftables") NFTABLES
    }

    @Default("auto")
    @JsonPropertyDescription("auto (ipset where it works, nftables where ipset is missing), ipset or nftables. A "
            + "change moves a node to the other backend without a gap; the node report says which one it uses and why.")
    private Backend backend = Backend.AUTO;

    @Default("20%")
    @io.fabric8.generator.annotation.Pattern("^([0-9]|[1-9][0-9]|100)%$")
    @JsonPropertyDescription("A new list that differs from the live one by less than this share of its entries is "
            + "applied as the difference (entries deleted and added); otherwise, and on any doubt, it is loaded whole "
            + "and swapped in. 0% loads every list whole.")
    private String incrementalLimit = "20%";

    @Default("10s")
    @io.fabric8.generator.annotation.Pattern(Patterns.DURATION)
    @JsonPropertyDescription("How often each agent checks that its jump, chain and sets are still in place (cheaply: "
            + "rules, set sizes, sample entries) and repairs them from the list it holds. 0s turns the check off.")
    private String verifyInterval = "10s";

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

    public Backend getBackend() { return backend; }
    public void setBackend(Backend backend) { this.backend = backend; }
    public String getIncrementalLimit() { return incrementalLimit; }
    public void setIncrementalLimit(String incrementalLimit) { this.incrementalLimit = incrementalLimit; }
    public String getVerifyInterval() { return verifyInterval; }
    public void setVerifyInterval(String verifyInterval) { this.verifyInterval = verifyInterval; }
    public Hook getHook() { return hook; }
    public void setHook(Hook hook) { this.hook = hook; }
    public Boolean getIpv6() { return ipv6; }
    public void setIpv6(Boolean ipv6) { this.ipv6 = ipv6; }
    public BlockedLog getBlockedLog() { return blockedLog; }
    public void setBlockedLog(BlockedLog blockedLog) { this.blockedLog = blockedLog; }
}
