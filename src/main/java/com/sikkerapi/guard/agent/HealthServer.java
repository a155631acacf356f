package com.sikkerapi.guard.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * /healthz, /livez, /status and /metrics on 127.0.0.1 only: the agent shares the node's network (hostNetwork), and
 * nothing of this is for anyone but the node. The port is the operator's choice, one per blocklist (two blocklists'
 * agents share a node), so that the kubelet, which shares the node's network too, probes it with an httpGet to
 * 127.0.0.1 instead of starting a process in the container.
 */
final class HealthServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HealthServer.class);

    /** What the endpoints answer: a status code and a body. */
    record Answer(int status, String contentType, String body) {
    }

    interface Endpoints {
        Answer healthz();

        Answer livez();

        Answer status();

        Answer metrics();
    }

    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    static HealthServer start(int port, Endpoints endpoints) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        route(server, "/healthz", endpoints::healthz);
        route(server, "/livez", endpoints::livez);
        route(server, "/status", endpoints::status);
        route(server, "/metrics", endpoints::metrics);
        server.start();
        LOG.infof("Health, status and metrics on http://127.0.0.1:%d (/healthz /livez /status /metrics)",
                server.getAddress().getPort());
        return new HealthServer(server);
    }

    /**
     * Binds in the background, trying again every 5 s while {@code running} holds: the port may still be held for a
     * moment (the previous agent of a restarting pod), and the agent protects the node meanwhile (its probes fail,
     * which shows). {@code bound} receives the server once it listens.
     */
    static void startWhenFree(int port, Endpoints endpoints, java.util.function.BooleanSupplier running,
            java.util.function.Consumer<HealthServer> bound) {
        Thread binder = new Thread(() -> {
            for (int attempt = 0; running.getAsBoolean(); attempt++) {
                try {
                    bound.accept(start(port, endpoints));
                    return;
                } catch (IOException e) {
                    if (attempt % 12 == 0) {
                        LOG.errorf("Cannot listen on 127.0.0.1:%d for the probes (%s); trying again", port,
                                e.getMessage());
                    }
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }, "sikkerguard-health-bind");
        binder.setDaemon(true);
        binder.start();
    }

    private static void route(HttpServer server, String path, Supplier<Answer> answer) {
        server.createContext(path, exchange -> {
            try {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    send(exchange, new Answer(404, "text/plain", "not found\n"));
                } else {
                    send(exchange, answer.get());
                }
            } catch (RuntimeException e) {
                send(exchange, new Answer(500, "text/plain", "error: " + e.getMessage() + "\n"));
            }
        });
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType() + "; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
