package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.api.Rollout;
import com.sikkerapi.guard.api.RolloutStatus;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistNodeSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Between the reconciler and the {@link RolloutPlanner}: the last rollout and configuration as the agent ConfigMap
 * holds them (the operator's own object, which the agents read: the rollout's state lives where it acts), the
 * selected nodes with their readiness, canary label and report, and the status view of the result.
 */
final class Rollouts {
    private static final Logger LOG = Logger.getLogger(Rollouts.class);

    private Rollouts() {
    }

    /** The agent ConfigMap as last written, if any. */
    record Last(Rollout rollout, AgentConfig config) {
        static final Last NONE = new Last(null, null);

        static Last of(ConfigMap configMap) {
            if (configMap == null || configMap.getData() == null) {
                return NONE;
            }
            try {
                String rollout = configMap.getData().get(Rollout.KEY);
                String config = configMap.getData().get(AgentConfig.CONFIG_KEY);
                return new Last(rollout == null ? null : Json.read(rollout, Rollout.class),
                        config == null ? null : Json.read(config, AgentConfig.class));
            } catch (RuntimeException e) {
                // Unreadable (edited by hand): start again from what the nodes have; they keep it meanwhile.
                LOG.warnf("Ignoring an unreadable rollout in %s: %s", configMap.getMetadata().getName(),
                        e.getMessage());
                return NONE;
            }
        }
    }

    static Last last(Collection<ConfigMap> configMaps, ThreatBlocklist blocklist) {
        String name = Names.agent(blocklist);
        return Last.of(configMaps.stream().filter(c -> name.equals(c.getMetadata().getName())).findFirst()
                .orElse(null));
    }

    static List<RolloutPlanner.NodeView> views(Collection<Node> nodes, Set<String> selected,
            Collection<ThreatBlocklistNode> reports, String blocklist) {
        Map<String, ThreatBlocklistNodeSpec> byNode = new HashMap<>();
        for (ThreatBlocklistNode report : reports) {
            ThreatBlocklistNodeSpec spec = report.getSpec();
            if (spec != null && spec.getNodeName() != null && blocklist.equals(spec.getBlocklist())) {
                byNode.put(spec.getNodeName(), spec);
            }
        }
        return nodes.stream().filter(node -> selected.contains(node.getMetadata().getName()))
                .map(node -> new RolloutPlanner.NodeView(node.getMetadata().getName(), ready(node),
                        node.getMetadata().getLabels() != null && "true".equals(
                                node.getMetadata().getLabels().get(RolloutPlanner.CANARY_LABEL)),
                        byNode.get(node.getMetadata().getName())))
                .toList();
    }

    /** The next rollout: the hub's published list with the current node-level settings is the target. */
    static RolloutPlanner.Result plan(ThreatBlocklist blocklist, Last last, StatusAggregator.Hub hub,
            List<RolloutPlanner.NodeView> views, com.sikkerapi.guard.api.Mode mode,
            com.sikkerapi.guard.api.ModeReason modeReason, Instant now) {
        Rollout.Identity target = Identities.of(hub.record() == null ? null : hub.record().digest(),
                AgentConfigMapDependent.config(blocklist, mode, modeReason));
        // The namespace's dry-run label and the cluster policy are a cluster admin's brake: they reach every node
        // at once.
        RolloutPlanner.Settings settings = RolloutPlanner.Settings.of(blocklist.getSpec().getRollout(),
                modeReason == com.sikkerapi.guard.api.ModeReason.NamespacePolicy
                        || modeReason == com.sikkerapi.guard.api.ModeReason.Policy);
        return RolloutPlanner.plan(last.rollout(), last.config(), target, views, settings, retry(blocklist),
                Rollouts::fresh, now);
    }

    /** The rollout-retry annotation's value, null when absent. */
    static String retry(ThreatBlocklist blocklist) {
        Map<String, String> annotations = blocklist.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(RolloutPlanner.RETRY_ANNOTATION);
    }

    static RolloutStatus status(Rollout rollout, List<RolloutPlanner.NodeView> nodes, String message) {
        if (rollout == null) {
            return null;
        }
        String target = rollout.target().identity();
        int on = (int) nodes.stream().filter(node -> node.report() != null
                && target.equals(node.report().getIdentity())).count();
        return RolloutStatus.of(rollout, on, nodes.size(), message);
    }

    private static boolean ready(Node node) {
        return Optional.ofNullable(node.getStatus()).map(s -> s.getConditions()).orElse(List.of()).stream()
                .filter(c -> "Ready".equals(c.getType())).map(NodeCondition::getStatus).anyMatch("True"::equals);
    }

    private static boolean fresh(ThreatBlocklistNodeSpec report, Instant now) {
        return !StatusAggregator.isStale(report.getHeartbeat(), now);
    }
}
