package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.firewall.Commands;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What must still work after a new list goes live: the default gateways answer, DNS resolves the feed endpoint, and
 * the feed endpoint accepts a connection. Checks run through the same command prefix as the firewall, so they test
 * the network namespace the rules are in. Only a check that passed before the swap and fails after it counts
 * against the new list: an Internet outage must not roll back a good list.
 */
public final class SelfTest {
    private final Commands commands;
    private final List<String> gateways;
    private final List<URI> endpoints;

    public SelfTest(Commands commands, List<String> gateways, List<URI> endpoints) {
        this.commands = commands;
        this.gateways = List.copyOf(gateways);
        this.endpoints = List.copyOf(endpoints);
    }

    /** Runs every check: name -> passed. */
    public Map<String, Boolean> run() {
        Map<String, Boolean> results = new LinkedHashMap<>();
        for (String gateway : gateways) {
            results.put("gateway " + gateway, commands.run("ping", "-n", "-c", "1", "-W", "1", gateway).ok());
        }
        for (URI endpoint : endpoints) {
            String host = endpoint.getHost();
            int port = endpoint.getPort() > 0 ? endpoint.getPort() : "http".equals(endpoint.getScheme()) ? 80 : 443;
            results.put("dns " + host, commands.run("getent", "ahosts", host).ok());
            String target = host.contains(":") ? "TCP6:[" + host + "]:" + port : "TCP:" + host + ":" + port;
            results.put("connect " + host + ":" + port,
                    commands.run("socat", "-u", "/dev/null", target + ",connect-timeout=3").ok());
        }
        return results;
    }

    /** The checks that passed before and fail now. */
    public static List<String> newlyFailing(Map<String, Boolean> before, Map<String, Boolean> after) {
        List<String> failing = new ArrayList<>();
        after.forEach((check, passed) -> {
            if (!passed && Boolean.TRUE.equals(before.get(check))) {
                failing.add(check);
            }
        });
        return failing;
    }
}
