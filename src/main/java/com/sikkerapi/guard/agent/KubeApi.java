package com.sikkerapi.guard.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The node agent's client for the few calls it makes to the API server: get an object, server-side apply one,
 * delete one, and watch one by name ({@link ObjectWatch}), on the JDK's HTTP client with the project's JSON mapping.
 * The agent runs on every node, where what it holds resident is what the admin pays: the Kubernetes client's stack
 * (its DSL, informers, serialization and YAML) was a quarter of the agent's memory (docs/benchmarks.md). The
 * operator and the hub, one per cluster, keep the Kubernetes client.
 *
 * <p>Credentials as a pod has them (the ServiceAccount's token, read again for every request since the kubelet
 * rotates it, and the cluster's CA), or a kubeconfig's server, token and CA when KUBECONFIG is set.
 */
public final class KubeApi {
    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration REQUEST = Duration.ofSeconds(30);

    /** An answer other than the one asked for; {@link #code()} is the HTTP status. */
    public static final class Failure extends RuntimeException {
        private final int code;

        Failure(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final URI server;
    private final Supplier<String> token;
    private final HttpClient http;

    private KubeApi(URI server, Supplier<String> token, SSLContext tls) {
        this.server = server;
        this.token = token;
        // HTTP/1.1: each watch holds a connection of its own, and the HTTP/2 stack would load for nothing.
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(CONNECT)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The pod's own account, or the kubeconfig that KUBECONFIG names. */
    public static KubeApi fromEnvironment(Map<String, String> env) {
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return KubeconfigFile.read(Path.of(kubeconfig.split(java.io.File.pathSeparator)[0]));
        }
        String host = AgentEnvironment.required(env, "KUBERNETES_SERVICE_HOST");
        String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        URI server = URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        Path tokenFile = SERVICE_ACCOUNT.resolve("token");
        return new KubeApi(server, () -> readToken(tokenFile), trusting(read(SERVICE_ACCOUNT.resolve("ca.crt"))));
    }

    /**
     * @param caPem the CA certificates to trust (PEM), or null to skip verification (a kubeconfig's
     *        insecure-skip-tls-verify)
     */
    public static KubeApi of(URI server, String token, byte[] caPem) {
        return of(server, () -> token, caPem);
    }

    static KubeApi of(URI server, Supplier<String> token, byte[] caPem) {
        return new KubeApi(server, token, caPem == null ? TrustAll.context() : trusting(caPem));
    }

    public URI server() {
        return server;
    }

    /** The object at {@code path}; empty when there is none (404). */
    public <T> Optional<T> get(String path, Class<T> type) {
        HttpResponse<byte[]> answer = send(request(path).GET().timeout(REQUEST));
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        check(answer, path);
        try {
            return Optional.of(Json.MAPPER.readValue(answer.body(), type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Server-side apply of {@code object} under {@code fieldManager}, taking over fields another manager set. */
    public void apply(String path, Object object, String fieldManager) {
        HttpRequest.Builder request = request(path + "?fieldManager=" + encode(fieldManager) + "&force=true")
                .header("Content-Type", "application/apply-patch+yaml")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Json.write(object))).timeout(REQUEST);
        check(send(request), path);
    }

    /** Deletes the object at {@code path}; one already gone is no failure. */
    public void delete(String path) {
        HttpResponse<byte[]> answer = send(request(path).DELETE().timeout(REQUEST));
        if (answer.statusCode() != 404) {
            check(answer, path);
        }
    }

    /** A streamed GET (a watch): the caller reads the body to its end, or closes it to stop. */
    HttpResponse<InputStream> stream(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** {@code /api/v1/namespaces/NS/configmaps/NAME} and the like, for any kind of the model. */
    public static String path(Class<? extends HasMetadata> kind, String namespace, String name) {
        String apiVersion = HasMetadata.getApiVersion(kind);
        return (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion + "/namespaces/" + namespace + "/"
                + HasMetadata.getPlural(kind) + (name == null ? "" : "/" + name);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(server.resolve(pathAndQuery)).header("Accept", "application/json")
                .header("Authorization", "Bearer " + token.get());
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void check(HttpResponse<byte[]> answer, String path) {
        if (answer.statusCode() / 100 != 2) {
            throw failure(answer.statusCode(), answer.body(), path);
        }
    }

    /** The API server's own message where its Status says one; never more than the reason, never the request. */
    static Failure failure(int code, byte[] body, String path) {
        String message = null;
        try {
            JsonNode status = Json.MAPPER.readTree(body);
            message = status.path("message").asText(null);
        } catch (IOException | RuntimeException e) {
            // not a Status: the code says enough
        }
        return new Failure(code, code + " on " + path + (message == null ? "" : ": " + message));
    }

    private static String readToken(Path file) {
        return new String(read(file), StandardCharsets.UTF_8).strip();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (the pod's ServiceAccount)", e);
        }
    }

    static byte[] decodeBase64(String value) {
        return Base64.getDecoder().decode(value.strip());
    }

    /** A TLS context that trusts exactly these CA certificates. */
    static SSLContext trusting(byte[] caPem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            List<? extends Certificate> certificates = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(caPem)));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no CA certificate");
            }
            for (int k = 0; k < certificates.size(); k++) {
                store.setCertificateEntry("ca-" + k, certificates.get(k));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("unusable CA certificate: " + e.getMessage(), e);
        }
    }
}
