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
 * daily quota the API announces in {@code X-Daily-Remaining}: it stops as soon as the quota is spent. The key goes
 * in the Authorization header only; no message this class makes contains it.
 */
public final class BulkReporter {
    public static final int MAX_PER_REQUEST = 10_000;

    /** One attacker as the API takes it. */
    public record Report(String ip, String category, String protocol, String comment) {
    }

    /**
     * @param sent how many of the given reports the API accepted (the first {@code sent}, in order)
     * @param stopped why the rest were not sent (quota, an error), or null when all were
     */
    public record Result(int sent, String stopped) {
    }

    public record Settings(Duration timeout, int maxRetries, Duration firstBackoff, Duration maxRetryAfter,
            String userAgent) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(30), 3, Duration.ofSeconds(2),
                Duration.ofMinutes(2), "sikkerguard-agent");
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
                return new Result(sent, "report to " + uri + " failed: " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
            } catch (IOException e) {
                return new Result(sent, "report could not be written: " + e.getMessage());
            }
            int status = response.statusCode();
            if (status / 100 != 2) {
                Duration wait = HttpRetry.retryAfter(response);
                return new Result(sent, "HTTP " + status + " from " + uri
                        + (wait.isZero() ? "" : " (retry after " + wait.toSeconds() + " s)"));
            }
            sent += batch.size();
            OptionalLong remaining = remaining(response);
            if (remaining.isPresent() && remaining.getAsLong() <= 0 && sent < reports.size()) {
                return new Result(sent, "the daily report quota is spent");
            }
        }
        return new Result(sent, null);
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
