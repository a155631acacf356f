package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.ObjectNames;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Warning events an agent records on its blocklist, one object per node and kind (its count and last time
 * updated, as the kubelet aggregates its own), so that {@code kubectl describe tbl} names the node and what it saw.
 */
final class NodeEvents {
    private static final Logger LOG = Logger.getLogger(NodeEvents.class);

    private final KubeApi api;
    private final String node;

    NodeEvents(KubeApi api, String node) {
        this.api = api;
        this.node = node;
    }

    /**
     * @param kind the event object's suffix, one per reason
     * @param first when this node first saw it (RFC 3339)
     */
    void warning(AgentConfig config, String kind, String reason, String message, String first, long count,
            Instant now) {
        String name = ObjectNames.nodeReport(config.blocklist(), node) + "." + kind;
        Event event = new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(config.namespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion(ThreatBlocklist.GROUP + "/" + ThreatBlocklist.VERSION)
                .withKind("ThreatBlocklist").withName(config.blocklist()).withNamespace(config.namespace())
                .withUid(config.uid()).endInvolvedObject()
                .withType("Warning").withReason(reason).withMessage("node " + node + ": " + message)
                .withNewSource().withComponent(NodeReporter.FIELD_MANAGER).withHost(node).endSource()
                .withReportingComponent(NodeReporter.FIELD_MANAGER).withReportingInstance(node)
                .withFirstTimestamp(first).withLastTimestamp(Rfc3339.format(now))
                .withCount((int) Math.min(count, Integer.MAX_VALUE))
                .build();
        try {
            api.apply(KubeApi.path(Event.class, config.namespace(), name), event, NodeReporter.FIELD_MANAGER);
        } catch (RuntimeException e) {
            // An event is a courtesy: what it says is in the node report and the log.
            LOG.warnf("Could not record the %s event: %s", reason, e.getMessage());
        }
    }
}
