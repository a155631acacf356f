package com.sikkerapi.guard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code sikkerguard health [--live|--status]}: the DaemonSet's exec probe. Run in the agent's container, it finds
 * the agent's loopback port in the pod's scratch folder and asks /healthz (readiness), /livez (liveness) or
 * /status; exit 0 when the agent answers 200, 1 when it answers otherwise or not at all.
 */
public final class HealthCommand {
    private HealthCommand() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        String path = args.length > 0 && args[0].equals("--live") ? "/livez"
                : args.length > 0 && args[0].equals("--status") ? "/status" : "/healthz";
        String namespace = env.get("POD_NAMESPACE");
        String blocklist = env.get("SIKKERGUARD_BLOCKLIST");
        if (namespace == null || blocklist == null) {
            out.println("health: POD_NAMESPACE and SIKKERGUARD_BLOCKLIST are not set (run it in the agent's container)");
            return 2;
        }
        Path portFile = AgentEnvironment.scratch(env, namespace, blocklist).resolve("health.port");
        try {
            int port = Integer.parseInt(Files.readString(portFile).strip());
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path)
                    .openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(3000);
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                out.print(body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            return status == 200 ? 0 : 1;
        } catch (IOException | NumberFormatException e) {
            out.println("health: the agent does not answer (" + e.getMessage() + ")");
            return 1;
        }
    }
}
