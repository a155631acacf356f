package com.sikkerapi.guard.hub;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.ListStatus;
import com.sikkerapi.guard.api.ReportStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * What the hub last did, for the operator to fold into the blocklist's status: its last pull and its last report
 * round; and, for the hub that follows it, what it took from each node's report. All keys are written together on
 * the record ConfigMap (one apply owns them all, so none drops another).
 */
final class HubRecord {
    private static final Logger LOG = Logger.getLogger(HubRecord.class);

    private final KubernetesClient client;
    private ListStatus list;
    private ReportStatus reports;
    private SortedMap<String, String> taken = new TreeMap<>();
    private boolean read;

    HubRecord(KubernetesClient client) {
        this.client = client;
    }

    /** The last pull's record, as written before (read once from the API after a restart). */
    synchronized ListStatus list(AgentConfig agent) {
        readOnce(agent);
        return list;
    }

    synchronized ListStatus write(AgentConfig agent, ListStatus next) {
        readOnce(agent);
        list = next;
        apply(agent);
        return next;
    }

    synchronized ReportStatus write(AgentConfig agent, ReportStatus next) {
        readOnce(agent);
        reports = next;
        apply(agent);
        return next;
    }

    /** Per node, the end of the last interval the hub took from its report (its predecessor's after a restart). */
    synchronized SortedMap<String, String> taken(AgentConfig agent) {
        readOnce(agent);
        return new TreeMap<>(taken);
    }

    synchronized void write(AgentConfig agent, SortedMap<String, String> next) {
        readOnce(agent);
        taken = new TreeMap<>(next);
        apply(agent);
    }

    private void readOnce(AgentConfig agent) {
        if (read) {
            return;
        }
        ConfigMap current = com.sikkerapi.guard.api.Owners.ownedBy(client.configMaps().inNamespace(agent.namespace())
                .withName(ListPublication.recordName(agent.blocklist())).get(), agent.uid());
        list = ListPublication.record(current);
        reports = ListPublication.reportRecord(current);
        taken = ListPublication.taken(current);
        read = true;
    }

    private void apply(AgentConfig agent) {
        try {
            ListPublication.apply(client, ListPublication.record(agent, list, reports, taken));
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not write the hub's record: %s", e.getMessage());
        }
    }
}
