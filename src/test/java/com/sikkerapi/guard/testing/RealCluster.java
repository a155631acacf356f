package com.sikkerapi.guard.testing;

import static org.awaitility.Awaitility.await;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/** Helpers over the shared real API server, as an admin: nodes, blocklists, waiting. */
public final class RealCluster {
    public static final Duration WAIT = Duration.ofSeconds(30);
    private final KubeApiServer server = KubeApiServer.shared();
    private final KubernetesClient client = server.client();

    public KubeApiServer server() {
        return server;
    }

    public KubernetesClient client() {
        return client;
    }

    /** kubectl apply --server-side of one manifest, as a cluster admin would. */
    public void apply(String yaml) {
        server.kubectlStdin(yaml, "apply", "--server-side", "--field-manager=test-admin", "-f", "-").check();
    }

    /** A Node object as a kubelet would register it (nothing runs on it: there is no kubelet here). */
    public Node node(String name, Map<String, String> labels, String internalIp, String podCidr) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec().build()).serverSideApply();
        return client.nodes().withName(name).editStatus(node -> new NodeBuilder(node).withStatus(new NodeStatusBuilder()
                .withAddresses(new NodeAddressBuilder().withType("InternalIP").withAddress(internalIp).build(),
                        new NodeAddressBuilder().withType("Hostname").withAddress(name).build())
                .withConditions(new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType("Ready")
                        .withStatus("True").withReason("KubeletReady").build())
                .build()).build());
    }

    public ThreatBlocklist blocklist(String namespace, String name) {
        return client.resources(ThreatBlocklist.class).inNamespace(namespace).withName(name).get();
    }

    public ThreatBlocklist awaitBlocklist(String namespace, String name, Predicate<ThreatBlocklist> condition) {
        return await().atMost(WAIT).ignoreExceptions().until(() -> blocklist(namespace, name),
                b -> b != null && condition.test(b));
    }
}
