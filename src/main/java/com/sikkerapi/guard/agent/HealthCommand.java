package com.sikkerapi.guard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code sikkerguard health [--live|--status]}: for an admin in the agent's container (kubectl exec), where the
 * environment names the agent's loopback port: asks /healthz (readiness), /livez (liveness) or /status, as the
 * kubelet's httpGet probes do; exit 0 when the agent answers 200, 1 when it answers otherwise or not at all.
 */
public final class HealthCommand {
    private HealthCommand() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        String path = args.length > 0 && args[0].equals("--live") ? "/livez"
                : args.length > 0 && args[0].equals("--status") ? "/status" : "/healthz";
        int port;
        try {
            port = AgentEnvironment.healthPort(env);
        } catch (IllegalArgumentException e) {
            out.println("health: SIKKERGUARD_HEALTH_PORT is not set (run it in the agent's container)");
            return 2;
        }
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path)
                    .openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(3000);
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                out.print(body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            return status == 200 ? 0 : 1;
        } catch (IOException e) {
            out.println("health: the agent does not answer (" + e.getMessage() + ")");
            return 1;
        }
    }
}
