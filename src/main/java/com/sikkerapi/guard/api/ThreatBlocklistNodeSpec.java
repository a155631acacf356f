package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What one node's agent reports. Times are RFC 3339 strings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ThreatBlocklistNodeSpec {
    private String blocklist;
    private String nodeName;
    private NodePhase phase;

    @JsonPropertyDescription("The ThreatBlocklist generation this agent has applied.")
    private Long observedGeneration;

    private EntryCounts entries;
    @JsonPropertyDescription("SHA-256 of the published list this node enforces (or dry-runs).")
    private String listDigest;
    @JsonPropertyDescription("The rollout identity this node enforces (list digest and node-level settings), as the "
            + "operator named it.")
    private String identity;
    @JsonPropertyDescription("Since when this node enforces that identity.")
    private String identitySince;
    @JsonPropertyDescription("What the agent's last cycle did: Restored, Applied, Unchanged, DryRun, NotPublished, Waiting (no "
            + "identity assigned yet: what is in place stays) or "
            + "Failed.")
    private String lastResult;
    @JsonPropertyDescription("When this node last put a list in place.")
    private String lastApply;
    @JsonPropertyDescription("Up to 200 attackers this node blocked in the last reporting interval, most packets first"
            + " (inbound attempts only), for the hub to report.")
    private java.util.List<BlockedSource> blockedSources;
    @JsonPropertyDescription("The end of the interval blockedSources covers.")
    private String blockedSourcesUntil;
    private Long rollbacks;
    @JsonPropertyDescription("The firewall backend this node uses (ipset or nftables), as enforcement.backend chose it.")
    private String backend;
    @JsonPropertyDescription("Why that backend: the setting, or what auto found on the node.")
    private String backendReason;
    @JsonPropertyDescription("Drift repairs since the agent started: its rules or sets were found changed by "
            + "somebody else and put back.")
    private Long repairs;
    @JsonPropertyDescription("When the agent last repaired drift.")
    private String lastRepair;
    @JsonPropertyDescription("What the last repair found missing or changed, and how long it took.")
    private String lastRepairFound;
    @JsonPropertyDescription("Packets this node's DROP rules dropped since they were made (exact, IPv4 and IPv6).")
    private Long blockedPackets;

    @JsonPropertyDescription("A short CamelCase reason for the last error, e.g. ListUnreadable, ApplyFailed, SelfTestFailed.")
    private String lastErrorReason;
    private String lastErrorMessage;
    @JsonPropertyDescription("The identity the last error was about (the one the node tried to enforce).")
    private String lastErrorIdentity;
    private String lastErrorTime;

    @JsonPropertyDescription("When the agent last wrote this object; a stale heartbeat means the agent is gone.")
    private String heartbeat;
    private String agentVersion;

    public String getBlocklist() { return blocklist; }
    public void setBlocklist(String blocklist) { this.blocklist = blocklist; }
    public String getNodeName() { return nodeName; }
    public void setNodeName(String nodeName) { this.nodeName = nodeName; }
    public NodePhase getPhase() { return phase; }
    public void setPhase(NodePhase phase) { this.phase = phase; }
    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public EntryCounts getEntries() { return entries; }
    public void setEntries(EntryCounts entries) { this.entries = entries; }
    public String getListDigest() { return listDigest; }
    public void setListDigest(String listDigest) { this.listDigest = listDigest; }
    public String getIdentity() { return identity; }
    public void setIdentity(String identity) { this.identity = identity; }
    public String getIdentitySince() { return identitySince; }
    public void setIdentitySince(String identitySince) { this.identitySince = identitySince; }
    public String getLastErrorIdentity() { return lastErrorIdentity; }
    public void setLastErrorIdentity(String lastErrorIdentity) { this.lastErrorIdentity = lastErrorIdentity; }
    public String getLastResult() { return lastResult; }
    public void setLastResult(String lastResult) { this.lastResult = lastResult; }
    public String getLastApply() { return lastApply; }
    public void setLastApply(String lastApply) { this.lastApply = lastApply; }
    public java.util.List<BlockedSource> getBlockedSources() { return blockedSources; }
    public void setBlockedSources(java.util.List<BlockedSource> blockedSources) { this.blockedSources = blockedSources; }
    public String getBlockedSourcesUntil() { return blockedSourcesUntil; }
    public void setBlockedSourcesUntil(String blockedSourcesUntil) { this.blockedSourcesUntil = blockedSourcesUntil; }
    public String getBackend() { return backend; }
    public void setBackend(String backend) { this.backend = backend; }
    public String getBackendReason() { return backendReason; }
    public void setBackendReason(String backendReason) { this.backendReason = backendReason; }
    public Long getRepairs() { return repairs; }
    public void setRepairs(Long repairs) { this.repairs = repairs; }
    public String getLastRepair() { return lastRepair; }
    public void setLastRepair(String lastRepair) { this.lastRepair = lastRepair; }
    public String getLastRepairFound() { return lastRepairFound; }
    public void setLastRepairFound(String lastRepairFound) { this.lastRepairFound = lastRepairFound; }
    public Long getRollbacks() { return rollbacks; }
    public void setRollbacks(Long rollbacks) { this.rollbacks = rollbacks; }
    public Long getBlockedPackets() { return blockedPackets; }
    public void setBlockedPackets(Long blockedPackets) { this.blockedPackets = blockedPackets; }
    public String getLastErrorReason() { return lastErrorReason; }
    public void setLastErrorReason(String lastErrorReason) { this.lastErrorReason = lastErrorReason; }
    public String getLastErrorMessage() { return lastErrorMessage; }
    public void setLastErrorMessage(String lastErrorMessage) { this.lastErrorMessage = lastErrorMessage; }
    public String getLastErrorTime() { return lastErrorTime; }
    public void setLastErrorTime(String lastErrorTime) { this.lastErrorTime = lastErrorTime; }
    public String getHeartbeat() { return heartbeat; }
    public void setHeartbeat(String heartbeat) { this.heartbeat = heartbeat; }
    public String getAgentVersion() { return agentVersion; }
    public void setAgentVersion(String agentVersion) { this.agentVersion = agentVersion; }
}
