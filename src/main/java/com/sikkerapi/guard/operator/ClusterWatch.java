package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistPolicy;
import com.sikkerapi.guard.api.ThreatBlocklistPolicySpec;
import com.sikkerapi.guard.hub.ListPublication;
import com.sikkerapi.guard.nginx.NginxPublication;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster facts a blocklist depends on besides its own objects: nodes (protected addresses and which nodes
 * should run the agent), namespaces (the dry-run policy label), the API server's endpoints (never blocked), the
 * cluster policy (its bounds), and the agents' node reports, the hub's record and the web-tier output's record
 * (folded into status). Each change re-reconciles exactly the blocklists it can affect.
 */
final class ClusterWatch {
    static final String NODES = "nodes";
    static final String NAMESPACES = "namespaces";
    static final String API_SERVER = "apiserver-endpoints";
    static final String PUBLICATIONS = "nginx-publications";
    static final String POLICY = "policy";

    private ClusterWatch() {
    }

    static List<EventSource<?, ThreatBlocklist>> eventSources(EventSourceContext<ThreatBlocklist> context) {
        var nodes = InformerEventSourceConfiguration.from(Node.class, ThreatBlocklist.class)
                .withName(NODES)
                .withSecondaryToPrimaryMapper(node -> all(context))
                // Nodes update their status often; only addresses, pod CIDRs, labels and taints matter here.
                .withOnUpdateFilter((now, before) -> !Objects.equals(now.getStatus().getAddresses(),
                        before.getStatus().getAddresses())
                        || !Objects.equals(now.getSpec(), before.getSpec())
                        || !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels()))
                .build();
        var namespaces = InformerEventSourceConfiguration.from(Namespace.class, ThreatBlocklist.class)
                .withName(NAMESPACES)
                .withSecondaryToPrimaryMapper(namespace -> inNamespace(context, namespace.getMetadata().getName()))
                .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getLabels(),
                        before.getMetadata().getLabels()))
                .build();
        var apiServer = InformerEventSourceConfiguration.from(Endpoints.class, ThreatBlocklist.class)
                .withName(API_SERVER)
                .withNamespaces("default")
                .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", "kubernetes")))
                .withSecondaryToPrimaryMapper(endpoints -> all(context))
                .build();
        var reports = InformerEventSourceConfiguration.from(ThreatBlocklistNode.class, ThreatBlocklist.class)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ThreatBlocklist.class, false))
                .build();
        // The hub's record of its last pull, and the web-tier output's ConfigMaps, whose first carries its record
        // (all owned by their blocklist). Never the parts of the node list: they are large and say nothing here.
        var publications = InformerEventSourceConfiguration.from(ConfigMap.class, ThreatBlocklist.class)
                .withName(PUBLICATIONS)
                .withNamespacesInheritedFromController()
                .withLabelSelector(NginxPublication.OUTPUT_LABEL + " in (nginx," + ListPublication.RECORD_OUTPUT + ")")
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ThreatBlocklist.class, false))
                .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getAnnotations(),
                        before.getMetadata().getAnnotations()) || ListPublication.RECORD_OUTPUT.equals(
                        now.getMetadata().getLabels().get(NginxPublication.OUTPUT_LABEL)))
                .build();
        // The cluster policy bounds every blocklist: a change of it reaches all, as a spec change does.
        var policy = InformerEventSourceConfiguration.from(ThreatBlocklistPolicy.class, ThreatBlocklist.class)
                .withName(POLICY)
                .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name",
                        ThreatBlocklistPolicy.NAME)))
                .withSecondaryToPrimaryMapper(changed -> all(context))
                .build();
        return List.of(new InformerEventSource<>(nodes, context), new InformerEventSource<>(namespaces, context),
                new InformerEventSource<>(apiServer, context), new InformerEventSource<>(reports, context),
                new InformerEventSource<>(publications, context), new InformerEventSource<>(policy, context));
    }

    static Collection<Node> nodes(Context<ThreatBlocklist> context) {
        return source(context, Node.class, NODES).list().toList();
    }

    /** The cluster policy's spec, or null when there is none (the defaults hold). */
    static ThreatBlocklistPolicySpec policy(Context<ThreatBlocklist> context) {
        return source(context, ThreatBlocklistPolicy.class, POLICY).get(new ResourceID(ThreatBlocklistPolicy.NAME))
                .map(ThreatBlocklistPolicy::getSpec).orElse(null);
    }

    static Namespace namespace(Context<ThreatBlocklist> context, String name) {
        return source(context, Namespace.class, NAMESPACES).get(new ResourceID(name)).orElse(null);
    }

    /** The first ConfigMap of the blocklist's web-tier publication (the publisher's record), or null. */
    static ConfigMap nginxPublication(Context<ThreatBlocklist> context, ThreatBlocklist blocklist) {
        return source(context, ConfigMap.class, PUBLICATIONS).get(new ResourceID(NginxPublication.configMapName(
                blocklist.getMetadata().getName(), 1), blocklist.getMetadata().getNamespace())).orElse(null);
    }

    /** The hub's records of its last pull and report round (null before the first), and its availability. */
    static StatusAggregator.Hub hub(Context<ThreatBlocklist> context, ThreatBlocklist blocklist, Boolean available) {
        ConfigMap record = com.sikkerapi.guard.api.Owners.ownedBy(source(context, ConfigMap.class, PUBLICATIONS).get(new ResourceID(
                ListPublication.recordName(blocklist.getMetadata().getName()), blocklist.getMetadata().getNamespace()))
                .orElse(null), blocklist.getMetadata().getUid());
        return new StatusAggregator.Hub(ListPublication.record(record), ListPublication.reportRecord(record),
                available);
    }

    static Endpoints apiServerEndpoints(Context<ThreatBlocklist> context) {
        return source(context, Endpoints.class, API_SERVER).get(new ResourceID("kubernetes", "default")).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static <R extends HasMetadata> InformerEventSource<R, ThreatBlocklist> source(
            Context<ThreatBlocklist> context, Class<R> type, String name) {
        return (InformerEventSource<R, ThreatBlocklist>) context.eventSourceRetriever()
                .getEventSourceFor(type, name);
    }

    private static Set<ResourceID> all(EventSourceContext<ThreatBlocklist> context) {
        return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    private static Set<ResourceID> inNamespace(EventSourceContext<ThreatBlocklist> context, String namespace) {
        return context.getPrimaryCache().list(namespace).map(ResourceID::fromResource).collect(Collectors.toSet());
    }
}
