package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Objects;
import org.jboss.logging.Logger;

/** Kubernetes Events for the transitions a cluster admin wants in `kubectl describe`, not for every reconcile. */
@ApplicationScoped
public class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Emits one event per changed fact between two statuses of the same blocklist. */
    public void recordTransitions(ThreatBlocklist blocklist, ThreatBlocklistStatus before, ThreatBlocklistStatus after) {
        if (before == null || before.getMode() != after.getMode() || before.getModeReason() != after.getModeReason()) {
            emit(blocklist, "Normal", "Mode" + after.getMode(), switch (after.getModeReason()) {
                case Spec -> "Enforcing: nodes block the list";
                case SpecDryRun -> "DryRun: spec.dryRun is true; nodes log what they would block";
                case NamespacePolicy -> "DryRun: namespace label guard.sikkerapi.com/dry-run=true overrides the spec";
                case Policy -> "DryRun: the cluster's ThreatBlocklistPolicy does not admit this namespace to enforce";
            });
        }
        Condition wasReady = StatusAggregator.find(before, StatusAggregator.READY);
        Condition ready = StatusAggregator.find(after, StatusAggregator.READY);
        if (wasReady == null || !Objects.equals(wasReady.getStatus(), ready.getStatus())
                || !Objects.equals(wasReady.getReason(), ready.getReason())) {
            boolean good = "True".equals(ready.getStatus()) || "RollingOut".equals(ready.getReason());
            emit(blocklist, good ? "Normal" : "Warning", ready.getReason(), ready.getMessage());
        }
        Condition wasDegraded = StatusAggregator.find(before, StatusAggregator.DEGRADED);
        Condition degraded = StatusAggregator.find(after, StatusAggregator.DEGRADED);
        if ("True".equals(degraded.getStatus())
                && (wasDegraded == null || !Objects.equals(wasDegraded.getMessage(), degraded.getMessage()))) {
            emit(blocklist, "Warning", degraded.getReason(), degraded.getMessage());
        } else if ("False".equals(degraded.getStatus()) && wasDegraded != null && "True".equals(wasDegraded.getStatus())) {
            emit(blocklist, "Normal", "Recovered", "no node reports a failure any more");
        }
    }

    void emit(ThreatBlocklist blocklist, String type, String reason, String message) {
        String now = Rfc3339.format(Instant.now());
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(blocklist.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                .withNamespace(blocklist.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(blocklist.getApiVersion()).withKind(blocklist.getKind())
                .withName(blocklist.getMetadata().getName()).withNamespace(blocklist.getMetadata().getNamespace())
                .withUid(blocklist.getMetadata().getUid())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(Names.FIELD_MANAGER).endSource()
                .withReportingComponent(Names.FIELD_MANAGER)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(blocklist.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy: failing to write one must not fail the reconcile that caused it.
            LOG.warnf("Could not record event %s for %s: %s", reason, blocklist.getMetadata().getName(), e.getMessage());
        }
    }
}
