package com.sikkerapi.guard.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/** A plain-text feed on 127.0.0.1 that a test can change, or take down (it then answers 503). */
public final class FeedServer implements AutoCloseable {
    private final AtomicReference<String> body;
    private final HttpServer server;

    public FeedServer(String initialBody) {
        this.body = new AtomicReference<>(initialBody);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/list", exchange -> {
            String text = body.get();
            if (text == null) {
                exchange.sendResponseHeaders(503, -1);
            } else {
                byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
    }

    public void set(String text) {
        body.set(text);
    }

    /** The feed goes down: 503 until the next {@link #set}. */
    public void down() {
        body.set(null);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/list";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
