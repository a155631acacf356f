package com.sikkerapi.guard.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The operator's own configuration (application.properties, or SIKKERGUARD_* environment variables). */
@ConfigMapping(prefix = "sikkerguard")
public interface OperatorSettings {
    Agent agent();

    Cluster cluster();

    Feeds feeds();

    /** Where a blocklist's hub may send requests (its feeds, the SikkerAPI endpoint). */
    interface Feeds {
        /** Plain-HTTP feed URLs and endpoints; off, a blocklist asking for one is invalid. */
        @WithDefault("false")
        boolean allowPlainHttp();

        /**
         * Ranges the hub never connects to, on top of loopback, link-local and the cluster's own ranges (which it
         * always refuses), e.g. an internal network the cluster can reach.
         */
        Optional<List<String>> refusedRanges();

        /**
         * Private ranges the hub may reach all the same (an internal mirror of a feed): the private, shared,
         * NAT64 and multicast ranges it refuses by default, less these. Never loopback, link-local or the
         * cluster's own ranges.
         */
        Optional<List<String>> allowedRanges();
    }

    interface Agent {
        /** Where the Dockerfile installs the launcher. */
        String LAUNCHER_IN_IMAGE = "/opt/sikkerguard/bin/sikkerguard";

        /** The image the agent DaemonSet runs; the same image as the operator's. */
        @WithDefault("sikkerguard-operator:0.1.0")
        String image();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        /** The launcher inside the image; the DaemonSet runs it with the {@code agent} subcommand. */
        @WithDefault(LAUNCHER_IN_IMAGE)
        String command();

        /** The node folder where each agent keeps its last good list, so a rebooted node is protected at once. */
        @WithDefault("/var/lib/sikkerguard")
        String stateHostPath();

        /** Empty for none. system-node-critical keeps the agent from being evicted before workloads are. */
        @WithDefault("system-node-critical")
        Optional<String> priorityClassName();

        /**
         * The first of the loopback ports the agents listen on for their probes, status and metrics: each blocklist
         * gets one of the 1000 from here (HealthPorts). Keep the range free of the nodes' own listeners.
         */
        @WithDefault("19464")
        int healthPort();

        /** How often each agent logs its BLOCKED summary lines (one per source seen since the last). */
        @WithDefault("1m")
        String blockedLogInterval();

        @WithDefault("50m")
        String cpuRequest();

        @WithDefault("160Mi")
        String memoryRequest();

        @WithDefault("320Mi")
        String memoryLimit();
    }

    interface Cluster {
        /** The cluster's Service CIDR(s), which no node may block (not discoverable through the API on every version). */
        Optional<List<String>> serviceCidrs();

        /** Further ranges no node may ever block, e.g. the load balancers or bastions in front of the cluster. */
        Optional<List<String>> protectedRanges();
    }
}
