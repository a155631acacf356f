package com.sikkerapi.guard.report;

import com.sikkerapi.guard.feed.HttpRetry;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Sends blocked attackers back to SikkerAPI: {@code POST {endpoint}/v1/key/bulk-report} with
 * {@code {"reports":[{"ip","category","protocol","comment"}]}}, at most {@link #MAX_PER_REQUEST} a request. Honours
 * 429 with Retry-After (retried when the wait is short, given up until the next interval when it is not) and the
 * daily quota the API announces in {@code X-Daily-Remaining}: it stops as soon as the quota is spent. The answer is
 * read to count what the API accepted (its per-row errors are rows it did not take). The key goes in the
 * Authorization header only; no message this class makes contains it.
 */
public final class BulkReporter {
    public static final int MAX_PER_REQUEST = 10_000;

    /** One attacker as the API takes it. */
    public record Report(String ip, String category, String protocol, String comment) {
    }

    /**
     * @param sent how many of the given reports the API answered for (the first {@code sent}, in order): they are
     *        done, accepted or refused row by row, and never sent again
     * @param accepted how many of those the API says it accepted
     * @param quotaRemaining the daily quota left after the last answer, -1 when the API did not say
     * @param stopped why the rest were not sent (quota, an error), or null when all were
     */
    public record Result(int sent, int accepted, long quotaRemaining, String stopped) {
    }

    public record Settings(Duration timeout, int maxRetries, Duration firstBackoff, Duration maxRetryAfter,
            String userAgent) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(30), 3, Duration.ofSeconds(2),
                Duration.ofMinutes(2), "sikkerguard-hub");
    }

    private final HttpClient http;
    private final Settings settings;

    public BulkReporter(Settings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    /** @param key read when sending (a rotated Secret needs no restart) */
    public Result send(URI endpoint, Supplier<String> key, List<Report> reports) {
        URI uri = URI.create(endpoint.toString().replaceAll("/+$", "") + "/v1/key/bulk-report");
        int sent = 0;
        int accepted = 0;
        long quota = -1;
        while (sent < reports.size()) {
            List<Report> batch = reports.subList(sent, Math.min(reports.size(), sent + MAX_PER_REQUEST));
            HttpResponse<String> response;
            try {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                        .header("Authorization", "Bearer " + key.get())
                        .header("Content-Type", "application/json").header("User-Agent", settings.userAgent())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Serialization.jsonMapper().writeValueAsBytes(
                                Map.of("reports", batch))))
                        .build();
                response = Failsafe.with(retryPolicy()).get(() -> http.send(request,
                        HttpResponse.BodyHandlers.ofString()));
            } catch (FailsafeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return new Result(sent, accepted, quota, "report to " + uri + " failed: "
                        + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
            } catch (IOException e) {
                return new Result(sent, accepted, quota, "report could not be written: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                // The JDK's message quotes the header value it refused: the key.
                return new Result(sent, accepted, quota, "report to " + uri + " could not be made: "
                        + e.getClass().getSimpleName());
            }
            OptionalLong remaining = remaining(response);
            quota = remaining.orElse(quota);
            int status = response.statusCode();
            if (status / 100 != 2) {
                Duration wait = HttpRetry.retryAfter(response);
                return new Result(sent, accepted, status == 429 ? 0 : quota, "HTTP " + status + " from " + uri
                        + (wait.isZero() ? "" : " (retry after " + wait.toSeconds() + " s)"));
            }
            sent += batch.size();
            accepted += acceptedOf(response.body(), batch.size());
            if (remaining.isPresent() && remaining.getAsLong() <= 0 && sent < reports.size()) {
                return new Result(sent, accepted, quota, "the daily report quota is spent");
            }
        }
        return new Result(sent, accepted, quota, null);
    }

    /**
     * What the answer says was accepted: a count ({@code accepted}, {@code succeeded} or {@code processed}), or
     * the batch less its per-row {@code errors}; an answer that says neither counts the batch whole (a 2xx).
     */
    static int acceptedOf(String body, int batch) {
        try {
            com.fasterxml.jackson.databind.JsonNode answer = Serialization.jsonMapper().readTree(body);
            for (String field : List.of("accepted", "succeeded", "processed")) {
                if (answer.path(field).isInt()) {
                    return Math.max(0, Math.min(batch, answer.path(field).asInt()));
                }
            }
            if (answer.path("errors").isArray()) {
                return Math.max(0, batch - answer.path("errors").size());
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: the status code is all the API said.
        }
        return batch;
    }

    private RetryPolicy<HttpResponse<String>> retryPolicy() {
        return HttpRetry.<String>policy(settings.maxRetries(), settings.firstBackoff(),
                settings.firstBackoff().multipliedBy(30), settings.maxRetryAfter(),
                response -> response.statusCode() == 429 || response.statusCode() >= 500).build();
    }

    private static OptionalLong remaining(HttpResponse<?> response) {
        try {
            return response.headers().firstValue("X-Daily-Remaining").map(v -> OptionalLong.of(Long.parseLong(
                    v.strip()))).orElse(OptionalLong.empty());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
