package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistStatus;
import com.sikkerapi.guard.nginx.NginxPublication;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * ThreatBlocklist -> agent DaemonSet (with its ServiceAccount, Role, RoleBinding and ConfigMap) and the hub's
 * Deployment (with its own account: the one pod that pulls the feeds and holds the key); the agents' node reports,
 * the hub's record and the web-tier output's record -> status. The workflow is invoked explicitly: an invalid spec must leave the agents running on the
 * last valid configuration, never delete or rewrite them.
 */
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(type = AgentServiceAccountDependent.class),
        @Dependent(type = AgentRoleDependent.class),
        @Dependent(type = AgentRoleBindingDependent.class),
        @Dependent(type = AgentConfigMapDependent.class),
        @Dependent(type = AgentDaemonSetDependent.class),
        @Dependent(type = HubServiceAccountDependent.class),
        @Dependent(type = HubRoleDependent.class),
        @Dependent(type = HubRoleBindingDependent.class),
        @Dependent(type = HubDeploymentDependent.class)})
@ControllerConfiguration(name = "threatblocklist", fieldManager = Names.FIELD_MANAGER,
        informer = @io.javaoperatorsdk.operator.api.config.informer.Informer(onUpdateFilter = SpecOrRetryChanged.class))
public class ThreatBlocklistReconciler implements Reconciler<ThreatBlocklist> {
    private static final Logger LOG = Logger.getLogger(ThreatBlocklistReconciler.class);

    private final OperatorSettings settings;
    private final EventRecorder events;
    private final OperatorMetrics metrics;

    public ThreatBlocklistReconciler(OperatorSettings settings, EventRecorder events, OperatorMetrics metrics) {
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public List<EventSource<?, ThreatBlocklist>> prepareEventSources(EventSourceContext<ThreatBlocklist> context) {
        return ClusterWatch.eventSources(context);
    }

    @Override
    public UpdateControl<ThreatBlocklist> reconcile(ThreatBlocklist blocklist, Context<ThreatBlocklist> context) {
        Namespace namespace = ClusterWatch.namespace(context, blocklist.getMetadata().getNamespace());
        ClusterPolicy policy = ClusterPolicy.of(ClusterWatch.policy(context));
        Mode mode = AgentPlan.mode(blocklist, namespace, policy);
        ModeReason modeReason = AgentPlan.modeReason(blocklist, namespace, policy);
        Collection<Node> nodes = ClusterWatch.nodes(context);
        List<String> problems = new ArrayList<>(SpecValidator.validate(blocklist.getSpec(),
                settings.feeds().allowPlainHttp()));
        problems.addAll(policy.problems(blocklist.getSpec()));
        Set<String> selected = DesiredNodes.selected(nodes, blocklist.getSpec().getNodeSelector(), policy);
        int desired = DesiredNodes.desiredCount(selected,
                context.getSecondaryResource(DaemonSet.class).orElse(null));
        // A report named for another node than the one it names is a forgery (the agents' RBAC cannot tell): ignored.
        Set<ThreatBlocklistNode> reports = context.getSecondaryResources(ThreatBlocklistNode.class).stream()
                .filter(report -> com.sikkerapi.guard.api.NodeReports.genuine(report, blocklist.getMetadata()
                        .getName())).collect(java.util.stream.Collectors.toSet());
        StatusAggregator.Hub hub = ClusterWatch.hub(context, blocklist, hubAvailable(context));
        Rollouts.Last last = Rollouts.last(context.getSecondaryResources(ConfigMap.class), blocklist);
        List<RolloutPlanner.NodeView> views = Rollouts.views(nodes, selected, reports,
                blocklist.getMetadata().getName());
        RolloutPlanner.Result rollout = null;
        if (problems.isEmpty()) {
            rollout = Rollouts.plan(blocklist, last, hub, views, mode, modeReason, Instant.now());
            List<String> protectedRanges = ProtectedRanges.compute(nodes, ClusterWatch.apiServerEndpoints(context),
                    configuredRanges());
            context.managedWorkflowAndDependentResourceContext()
                    .put(AgentPlan.class, new AgentPlan(mode, modeReason, protectedRanges, selected,
                            HealthPorts.assign(blocklist, context.getPrimaryCache().list().toList(),
                                    settings.agent().healthPort()), settings, rollout.rollout(),
                            policy));
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            if (!rollout.rollout().equals(last.rollout())) {
                rollout.events().forEach(event -> events.emit(blocklist, event.warning() ? "Warning" : "Normal",
                        event.reason(), event.message()));
            }
        } else {
            LOG.warnf("%s/%s has an invalid spec, agents keep the last valid one: %s",
                    blocklist.getMetadata().getNamespace(), blocklist.getMetadata().getName(), problems);
        }

        ThreatBlocklistStatus before = blocklist.getStatus();
        Instant now = Instant.now();
        ThreatBlocklistStatus after = StatusAggregator.fold(blocklist, problems, mode, modeReason,
                selected, desired, reports, hub, now);
        com.sikkerapi.guard.api.Rollout shown = rollout != null ? rollout.rollout() : last.rollout();
        StatusAggregator.rollout(after, before, shown, Rollouts.status(shown, views,
                rollout == null ? "paused: the spec is invalid" : rollout.message()), now);
        ConfigMap publication = ClusterWatch.nginxPublication(context, blocklist);
        NginxTakeBack.reconcile(context.getClient(), blocklist, publication);
        after.setNginx(NginxOutputEnabled.enabled(blocklist) && publication != null
                ? NginxPublication.status(publication) : null);
        metrics.nodes(blocklist, after.getNodes(), OperatorMetrics.keys(context.getPrimaryCache().list()));
        if (Objects.equals(before, after)) {
            LOG.debugf("%s/%s reconciled: status unchanged", blocklist.getMetadata().getNamespace(),
                    blocklist.getMetadata().getName());
            return UpdateControl.<ThreatBlocklist>noUpdate().rescheduleAfter(recheck(rollout));
        }
        events.recordTransitions(blocklist, before, after);
        // A fresh object carrying only the status: with server-side apply the operator then owns exactly the status
        // fields, and nothing of the spec or metadata that Git (and Argo CD) owns.
        ThreatBlocklist statusOnly = new ThreatBlocklist();
        statusOnly.setMetadata(new ObjectMetaBuilder().withName(blocklist.getMetadata().getName())
                .withNamespace(blocklist.getMetadata().getNamespace()).build());
        statusOnly.setSpec(null);
        statusOnly.setStatus(after);
        return UpdateControl.patchStatus(statusOnly).rescheduleAfter(recheck(rollout));
    }

    /** After one heartbeat (node staleness is a matter of time), or sooner when a soak or a stage deadline ends. */
    private static java.time.Duration recheck(RolloutPlanner.Result rollout) {
        java.time.Duration heartbeat = StatusAggregator.HEARTBEAT_INTERVAL;
        if (rollout == null || rollout.recheck() == null) {
            return heartbeat;
        }
        java.time.Duration soon = rollout.recheck().plusMillis(200);
        return soon.compareTo(heartbeat) < 0 ? soon : heartbeat;
    }

    /** Null until the hub's Deployment has a status (just made); then whether a replica is available. */
    private static Boolean hubAvailable(Context<ThreatBlocklist> context) {
        return context.getSecondaryResource(Deployment.class).map(Deployment::getStatus)
                .filter(status -> status.getObservedGeneration() != null)
                .map(status -> status.getAvailableReplicas() != null && status.getAvailableReplicas() > 0)
                .orElse(null);
    }

    private List<String> configuredRanges() {
        List<String> ranges = new ArrayList<>();
        settings.cluster().serviceCidrs().ifPresent(ranges::addAll);
        settings.cluster().protectedRanges().ifPresent(ranges::addAll);
        return ranges;
    }
}
