package com.sikkerapi.guard.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A kubeconfig's current context, as far as the agent uses one outside a pod (a debugging run, the tests): the
 * cluster's server and CA (data or file, or insecure-skip-tls-verify) and the user's token (or token file).
 * Client certificates and exec plugins are not supported: the agent is made to run with a ServiceAccount.
 */
final class KubeconfigFile {
    private KubeconfigFile() {
    }

    static KubeApi read(Path file) {
        Map<String, Object> config;
        try {
            config = map(new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(file, StandardCharsets.UTF_8)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kubeconfig " + file, e);
        }
        Map<String, Object> context = named(config, "contexts", (String) config.get("current-context"), "context");
        Map<String, Object> cluster = named(config, "clusters", (String) context.get("cluster"), "cluster");
        Map<String, Object> user = named(config, "users", (String) context.get("user"), "user");
        URI server = URI.create(required(cluster, "server"));
        byte[] ca = null;
        if (!Boolean.TRUE.equals(cluster.get("insecure-skip-tls-verify"))) {
            ca = cluster.containsKey("certificate-authority-data")
                    ? KubeApi.decodeBase64((String) cluster.get("certificate-authority-data"))
                    : bytes(file.resolveSibling(required(cluster, "certificate-authority")));
        }
        if (user.get("token") != null) {
            return KubeApi.of(server, (String) user.get("token"), ca);
        }
        Path tokenFile = file.resolveSibling(required(user, "tokenFile"));
        return KubeApi.of(server, () -> new String(bytes(tokenFile), StandardCharsets.UTF_8).strip(), ca);
    }

    private static Map<String, Object> named(Map<String, Object> config, String list, String name, String key) {
        Object entries = config.get(list);
        if (entries instanceof List<?> items) {
            for (Object item : items) {
                Map<String, Object> entry = map(item, list);
                if (name != null && name.equals(entry.get("name"))) {
                    return map(entry.get(key), list + " " + name);
                }
            }
        }
        throw new IllegalArgumentException("the kubeconfig has no " + key + " named " + name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException("unreadable kubeconfig: " + what);
    }

    private static String required(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("the kubeconfig's current context has no " + key
                    + " (client certificates and exec plugins are not supported)");
        }
        return text;
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
