package com.sikkerapi.guard.feed;

import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The retry policy of every call the agent makes to a feed or to SikkerAPI: connection errors and the given answers
 * are retried with exponential backoff and jitter; a 429 or 503 with Retry-After is retried after that wait (never
 * sooner: the jitter cannot shorten it) when the wait is short, and given up at once when it is longer than
 * {@code maxRetryAfter} (a daily quota: the next cycle tries again, instead of holding the loop for hours).
 */
public final class HttpRetry {
    /** Jitter shortens a delay by up to this fraction; a server-given wait is asked for that much longer. */
    private static final double JITTER = 0.25;

    private HttpRetry() {
    }

    public static <T> RetryPolicyBuilder<HttpResponse<T>> policy(int maxRetries, Duration firstBackoff, Duration maxBackoff,
            Duration maxRetryAfter, Predicate<HttpResponse<T>> retryable) {
        return RetryPolicy.<HttpResponse<T>>builder()
                .handle(IOException.class)
                .handleResultIf(retryable::test)
                .abortIf(response -> response != null && retryAfter(response).compareTo(maxRetryAfter) > 0)
                .withBackoff(firstBackoff, maxBackoff)
                .withJitter(JITTER)
                .withDelayFn(context -> {
                    HttpResponse<T> last = context.getLastResult();
                    Duration wait = last == null ? Duration.ZERO : retryAfter(last);
                    // Negative: the backoff applies (no Retry-After).
                    return wait.isZero() ? Duration.ofMillis(-1)
                            : Duration.ofNanos((long) (wait.toNanos() / (1 - JITTER)));
                })
                .withMaxRetries(maxRetries);
    }

    /** The wait a 429 or 503 asks for (zero when none; an HTTP date counts as an hour). */
    public static Duration retryAfter(HttpResponse<?> response) {
        if (response.statusCode() != 429 && response.statusCode() != 503) {
            return Duration.ZERO;
        }
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
            } catch (NumberFormatException e) {
                return Duration.ofHours(1); // an HTTP date: far enough to give up now and try at the next cycle
            }
        }).orElse(Duration.ZERO);
    }
}
