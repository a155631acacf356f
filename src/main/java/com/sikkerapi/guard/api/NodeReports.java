package com.sikkerapi.guard.api;

/** What a node report must be to be taken for its node's. */
public final class NodeReports {
    private NodeReports() {
    }

    /**
     * Named after its blocklist and the node it names ({@link ObjectNames#nodeReport}), for that blocklist: a report
     * written under one name for another node (a forgery the agents' RBAC cannot stop on v1.20) is ignored.
     */
    public static boolean genuine(ThreatBlocklistNode report, String blocklist) {
        ThreatBlocklistNodeSpec spec = report.getSpec();
        return spec != null && spec.getNodeName() != null && blocklist.equals(spec.getBlocklist())
                && report.getMetadata().getName().equals(ObjectNames.nodeReport(blocklist, spec.getNodeName()));
    }
}
