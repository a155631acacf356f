package com.sikkerapi.guard.feed;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * Downloads feeds: TLS verified (the JDK's trust store and host name check), connect and total timeouts, a cap on
 * the body size, retries with exponential backoff and jitter for what can pass (connection errors, 5xx, 429 with a
 * short Retry-After), conditional requests so that an unchanged feed costs no quota and no apply, gzip bodies (the
 * cap holds for the bytes received and for the bytes they decode to), and every URL (the first and each redirect)
 * judged by a {@link DestinationPolicy} before it is asked.
 */
public final class FeedClient {
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);

    /**
     * @param maxRetryAfter a 429 or 503 asking to wait longer than this fails the pull (the next pull comes later)
     *        rather than holding the loop for hours until a daily quota resets
     */
    public record Settings(Duration connectTimeout, Duration totalTimeout, long maxBytes, int maxRetries,
            Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter, String userAgent) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(10), Duration.ofMinutes(2),
                256L << 20, 3, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMinutes(2),
                "sikkerguard-hub");
    }

    /**
     * What the last good download of a source said about itself, and the address that said it (the last hop of
     * any redirects): a conditional request is only ever sent to that address, so that another address, or a
     * redirect that now leads elsewhere, cannot answer "not modified" for a body it never served.
     */
    public record Validators(String etag, String lastModified, URI from) {
        public static final Validators NONE = new Validators(null, null, null);

        boolean applyTo(URI at) {
            return from != null && from.equals(at) && (etag != null || lastModified != null);
        }
    }

    public sealed interface Outcome {
    }

    /** A complete body, in {@code body}, as the server meant it (a gzip encoding undone). */
    public record Fetched(Path body, Validators validators) implements Outcome {
    }

    /** The server says the last good body is still current. */
    public record NotModified() implements Outcome {
    }

    /**
     * No usable body; {@code reason} never contains a credential.
     *
     * @param status the HTTP status of the answer, or null when there was none
     */
    public record Failed(String reason, Integer status) implements Outcome {
        Failed(String reason) {
            this(reason, null);
        }
    }

    /** Not asked at all: the destination policy refuses the URL or a redirect. */
    public record Refused(String reason) implements Outcome {
    }

    /** The destination policy refused the address at an attempt: never retried. */
    private static final class RefusedDestination extends IOException {
        RefusedDestination(String reason) {
            super(reason);
        }
    }

    /** Redirects followed at most, each judged by the destination policy as the first URL is. */
    static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final HttpClient http;
    private final Settings settings;
    private final java.util.function.Supplier<DestinationPolicy> destinations;

    /** @param destinations asked at every fetch: the cluster's ranges it refuses may change while the hub runs */
    public FeedClient(Settings settings, Optional<SSLContext> tls,
            java.util.function.Supplier<DestinationPolicy> destinations) {
        this.settings = settings;
        this.destinations = destinations;
        // Redirects are followed here, not by the client: each hop is judged by the policy first.
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        tls.ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    /**
     * Fetches {@code uri} into {@code into} (replaced only by a complete body).
     *
     * @param headers extra request headers, e.g. Authorization; their values are never logged or returned
     */
    public Outcome fetch(URI uri, Map<String, String> headers, Validators cached, Path into) {
        Path partial = into.resolveSibling(into.getFileName() + ".partial");
        RetryPolicy<HttpResponse<Path>> retry = HttpRetry.<Path>policy(settings.maxRetries(), settings.firstBackoff(),
                settings.maxBackoff(), settings.maxRetryAfter(), response -> RETRYABLE.contains(response.statusCode()))
                .abortOn(LimitedFileBody.TooLargeException.class)
                .abortOn(RefusedDestination.class)
                .build();
        try {
            URI at = uri;
            DestinationPolicy policy = destinations.get();
            HttpResponse<Path> response = null;
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                String refusal = policy.refusal(at);
                if (refusal != null) {
                    return refused(hop, uri, at, refusal);
                }
                // Credentials go to the host they were given for, never to the host of a redirect.
                HttpRequest request = request(at, at.getHost().equalsIgnoreCase(uri.getHost()) ? headers : Map.of(),
                        cached.applyTo(at) ? cached : Validators.NONE);
                URI asked = at;
                try {
                    // Each retry is judged again right before its connection: minutes later, the name may resolve
                    // elsewhere.
                    response = Failsafe.with(retry).get(context -> {
                        String now = context.isRetry() ? policy.refusal(asked) : null;
                        if (now != null) {
                            throw new RefusedDestination(now);
                        }
                        return send(request, partial);
                    });
                } catch (dev.failsafe.FailsafeException e) {
                    if (e.getCause() instanceof RefusedDestination refused) {
                        return refused(hop, uri, at, refused.getMessage());
                    }
                    throw e;
                }
                if (!REDIRECTS.contains(response.statusCode())) {
                    break;
                }
                Optional<String> location = response.headers().firstValue("Location");
                if (location.isEmpty()) {
                    break;
                }
                URI next = at.resolve(location.get());
                if ("https".equalsIgnoreCase(at.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                    return new Refused("refused redirect from " + redacted(at) + " to " + redacted(next)
                            + ": never from https to plain HTTP");
                }
                at = next;
            }
            int status = response.statusCode();
            if (status == 304) {
                return new NotModified();
            }
            if (status != 200) {
                Duration wait = HttpRetry.retryAfter(response);
                return new Failed("HTTP " + status + " from " + redacted(uri)
                        + (wait.isZero() ? "" : " (retry after " + wait.toSeconds() + " s)"), status);
            }
            String encoding = response.headers().firstValue("Content-Encoding").orElse("identity").strip();
            if (!ContentEncoding.decode(encoding, partial, into, settings.maxBytes())) {
                return new Failed("unsupported Content-Encoding from " + redacted(uri), status);
            }
            return new Fetched(into, new Validators(response.headers().firstValue("ETag").orElse(null),
                    response.headers().firstValue("Last-Modified").orElse(null), at));
        } catch (dev.failsafe.FailsafeException e) {
            return new Failed(describe(e.getCause() != null ? e.getCause() : e, uri));
        } catch (IOException | RuntimeException e) {
            return new Failed(describe(e, uri));
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // Nothing to keep: a partial body is never used.
            }
        }
    }

    private static Refused refused(int hop, URI uri, URI at, String reason) {
        return new Refused("refused " + (hop == 0 ? "" : "redirect from " + redacted(uri) + " to ") + redacted(at)
                + ": " + reason);
    }

    private HttpRequest request(URI uri, Map<String, String> headers, Validators cached) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(settings.totalTimeout())
                .header("User-Agent", settings.userAgent()).header("Accept-Encoding", ContentEncoding.ACCEPTED);
        headers.forEach(request::header);
        if (cached.etag() != null) {
            request.header("If-None-Match", cached.etag());
        }
        if (cached.lastModified() != null) {
            request.header("If-Modified-Since", cached.lastModified());
        }
        return request.build();
    }

    private HttpResponse<Path> send(HttpRequest request, Path partial) throws IOException, InterruptedException {
        var future = http.sendAsync(request, LimitedFileBody.handler(partial, settings.maxBytes()));
        try {
            // The request timeout covers the headers only; this bounds the whole body as well.
            return future.get(settings.totalTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new java.net.http.HttpTimeoutException("no complete response within " + settings.totalTimeout());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * Why a pull failed, for the log and the status. The JDK's network errors say what happened in words of their
     * own; any other exception is named by its kind alone, since its message may quote a request header (the JDK's
     * "invalid header value" quotes the key) or the body.
     */
    private static String describe(Throwable error, URI uri) {
        boolean network = error instanceof IOException && !(error instanceof java.io.CharConversionException);
        String what = !network || error.getMessage() == null ? error.getClass().getSimpleName()
                : error.getMessage();
        return "pull of " + redacted(uri) + " failed: " + what;
    }

    /** The URL without its user info and its query, where some feeds carry a password or a token. */
    static String redacted(URI uri) {
        return SourceAddress.withoutQuery(uri);
    }
}
