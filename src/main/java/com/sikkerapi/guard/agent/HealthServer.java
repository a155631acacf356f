package com.sikkerapi.guard.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * /healthz, /livez, /status and /metrics on 127.0.0.1 only: the agent shares the node's network (hostNetwork), and
 * nothing of this is for anyone but the node. Two blocklists' agents on one node must not clash: the first free
 * port from the configured one up is taken, and written to a file in the pod's own scratch folder, where the
 * `sikkerguard health` probe (run in the same container) finds it.
 */
final class HealthServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HealthServer.class);
    static final int DEFAULT_PORT = 19464;
    static final int PORTS_TRIED = 20;

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
    private final Path portFile;

    private HealthServer(HttpServer server, Path portFile) {
        this.server = server;
        this.portFile = portFile;
    }

    static HealthServer start(int firstPort, Path portFile, Endpoints endpoints) throws IOException {
        HttpServer server = null;
        for (int port = firstPort; server == null && port < firstPort + PORTS_TRIED; port++) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
            } catch (BindException e) {
                LOG.debugf("port %d is taken, trying the next", port);
            }
        }
        if (server == null) {
            throw new BindException("no free port on 127.0.0.1 from " + firstPort + " to "
                    + (firstPort + PORTS_TRIED - 1));
        }
        route(server, "/healthz", endpoints::healthz);
        route(server, "/livez", endpoints::livez);
        route(server, "/status", endpoints::status);
        route(server, "/metrics", endpoints::metrics);
        server.start();
        int port = server.getAddress().getPort();
        Files.createDirectories(portFile.getParent());
        Files.writeString(portFile, port + "\n");
        LOG.infof("Health, status and metrics on http://127.0.0.1:%d (/healthz /livez /status /metrics)", port);
        return new HealthServer(server, portFile);
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
        try {
            Files.deleteIfExists(portFile);
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", portFile, e.getMessage());
        }
    }
}
