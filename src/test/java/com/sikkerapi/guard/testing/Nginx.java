package com.sikkerapi.guard.testing;

import com.sikkerapi.guard.firewall.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Nginx (unpacked by `make nginx`, not installed: installing would start a service on the host's port 80)
 * on 127.0.0.1 with a configuration of the test's, in a folder of its own. Requests go to 127.0.0.1 only; the
 * client addresses a test plays are X-Forwarded-For values, believed because 127.0.0.1 is the trusted proxy.
 */
public final class Nginx implements AutoCloseable {
    public static final Path BINARY = Path.of(System.getProperty("user.home"), ".cache", "sikkerguard", "nginx", "usr",
            "sbin", "nginx");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final int port;
    private final Process process;

    /**
     * @param http lines for the http block (the geo block, real-IP settings)
     * @param server lines for the server block (the tier checks)
     */
    public Nginx(Path dir, String http, String server) {
        this.dir = dir;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
            Files.createDirectories(dir.resolve("temp"));
            writeConfig(http, server);
            process = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", "nginx.conf", "-e",
                    "error.log").redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < 100 && process.isAlive(); i++) {
            try {
                get("127.0.0.1");
                return;
            } catch (UncheckedIOException notYet) {
                NetNs.sleep(50);
            }
        }
        throw new IllegalStateException("nginx did not start: " + log());
    }

    /** Writes a new configuration and reloads (the master re-reads it; old workers finish their requests). */
    public void reload(String http, String server) {
        writeConfig(http, server);
        Commands.Result reload = Commands.local().run(BINARY.toString(), "-p", dir.toString(), "-c", "nginx.conf",
                "-e", "error.log", "-s", "reload");
        if (!reload.ok()) {
            throw new IllegalStateException("nginx -s reload failed: " + reload.output() + log());
        }
    }

    /** `nginx -t` on a configuration: whether Nginx accepts it (and why not). */
    public Commands.Result test() {
        return Commands.local().run(BINARY.toString(), "-t", "-p", dir.toString(), "-c", "nginx.conf", "-e",
                "error.log");
    }

    /** Where it listens: {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A GET of / as the proxy in front would send it for a client at this address. */
    public HttpResponse<String> get(String forwardedFor) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).header("X-Forwarded-For", forwardedFor).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String log() {
        try {
            Path log = dir.resolve("error.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeConfig(String http, String server) {
        String temp = dir.resolve("temp").toString();
        String config = """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %2$s/body;
                    proxy_temp_path %2$s/proxy;
                    fastcgi_temp_path %2$s/fastcgi;
                    uwsgi_temp_path %2$s/uwsgi;
                    scgi_temp_path %2$s/scgi;
                %3$s
                    server {
                        listen 127.0.0.1:%4$d;
                %5$s
                        location / {
                            default_type text/plain;
                            return 200 "welcome\\n";
                        }
                    }
                }
                """.formatted(dir, temp, indent(http, 4), port, indent(server, 8));
        try {
            Files.writeString(dir.resolve("nginx.conf"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String indent(String text, int spaces) {
        return text.indent(spaces).stripTrailing();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: a fast shutdown of the master and its worker
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
