package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.net.Cidr;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The ranges no node may ever block, whatever a feed says: every node's InternalIP and ExternalIP (nodes must reach
 * each other), every pod CIDR, the API server's endpoints (an agent that cuts off the API server cannot report or
 * be stopped), the Service CIDRs and any ranges the cluster admin adds. Only the operator sees the whole cluster, so
 * it computes them and hands them to every agent.
 */
public final class ProtectedRanges {
    private static final Logger LOG = Logger.getLogger(ProtectedRanges.class);
    private static final Set<String> NODE_ADDRESS_TYPES = Set.of("InternalIP", "ExternalIP");

    private ProtectedRanges() {
    }

    /** @return canonical CIDR texts, sorted (IPv4 first) and without duplicates */
    public static List<String> compute(Collection<Node> nodes, Endpoints apiServer, List<String> configured) {
        TreeSet<Cidr> ranges = new TreeSet<>();
        for (Node node : nodes) {
            String where = "node " + node.getMetadata().getName();
            if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
                for (NodeAddress address : node.getStatus().getAddresses()) {
                    if (NODE_ADDRESS_TYPES.contains(address.getType())) {
                        add(address.getAddress(), where, ranges::add);
                    }
                }
            }
            if (node.getSpec() != null) {
                // podCIDRs (1.16+) holds both families and podCIDR is its first element; older nodes have only podCIDR.
                if (node.getSpec().getPodCIDRs() != null && !node.getSpec().getPodCIDRs().isEmpty()) {
                    node.getSpec().getPodCIDRs().forEach(cidr -> add(cidr, where, ranges::add));
                } else if (node.getSpec().getPodCIDR() != null) {
                    add(node.getSpec().getPodCIDR(), where, ranges::add);
                }
            }
        }
        if (apiServer != null && apiServer.getSubsets() != null) {
            for (EndpointSubset subset : apiServer.getSubsets()) {
                for (EndpointAddress address : subset.getAddresses()) {
                    add(address.getIp(), "API server endpoint", ranges::add);
                }
            }
        }
        configured.forEach(cidr -> add(cidr, "operator setting", ranges::add));
        return ranges.stream().map(Cidr::toString).toList();
    }

    private static void add(String text, String where, Consumer<Cidr> sink) {
        try {
            sink.accept(Cidr.parse(text));
        } catch (IllegalArgumentException e) {
            // A malformed address in a cluster object must not stop protection of everything else.
            LOG.warnf("Ignoring %s from %s: %s", text, where, e.getMessage());
        }
    }
}
