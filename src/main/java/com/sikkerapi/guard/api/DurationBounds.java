package com.sikkerapi.guard.api;

import java.time.Duration;

/**
 * The range each duration of the spec must lie in: the operator refuses a spec outside it, and the hub and the
 * agents clamp what they read to it (their configuration reaches them through objects others may write).
 */
public record DurationBounds(Duration min, Duration max) {
    /** A feed pulled less than weekly is stale. */
    public static final DurationBounds PULL_INTERVAL = new DurationBounds(Duration.ofMinutes(1), Duration.ofDays(7));
    /** A report held longer than a day is of no use to SikkerAPI. */
    public static final DurationBounds REPORT_INTERVAL = new DurationBounds(Duration.ofMinutes(1),
            Duration.ofHours(24));
    /**
     * The drift check (0s: off) costs ~25 ms at a million entries and takes the xtables lock kube-proxy also
     * needs: not more often than every second, and at least hourly, or drift goes unseen for too long.
     */
    public static final DurationBounds VERIFY_INTERVAL = new DurationBounds(Duration.ofSeconds(1), Duration.ofHours(1));
    /** A stage may soak for up to a day. */
    public static final DurationBounds SOAK = new DurationBounds(Duration.ZERO, Duration.ofHours(24));
    /** A stage timeout shorter than a pull and an apply would always halt. */
    public static final DurationBounds STAGE_TIMEOUT = new DurationBounds(Duration.ofSeconds(30), Duration.ofHours(24));

    public boolean holds(Duration duration) {
        return duration.compareTo(min) >= 0 && duration.compareTo(max) <= 0;
    }

    /** The duration this text says, within these bounds; {@code fallback} when it says none. */
    public Duration clamp(String text, Duration fallback) {
        try {
            Duration duration = Durations.parse(text);
            return duration.compareTo(min) < 0 ? min : duration.compareTo(max) > 0 ? max : duration;
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
