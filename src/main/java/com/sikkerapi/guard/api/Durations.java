package com.sikkerapi.guard.api;

import java.time.Duration;
import java.util.regex.Matcher;

/** Go-style durations as the spec writes them ({@link Patterns#DURATION}): "90s", "30m", "1h30m", "24h". */
public final class Durations {
    /** The longest duration parsed. */
    public static final Duration MAX = Duration.ofDays(366);
    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)");

    private Durations() {
    }

    /** @throws IllegalArgumentException when the text is not a duration */
    public static Duration parse(String text) {
        if (text == null || !text.matches(Patterns.DURATION.substring(1, Patterns.DURATION.length() - 1))) {
            throw new IllegalArgumentException("not a duration (e.g. 30m, 6h, 1h30m): " + text);
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            // Past a year in any part is no interval anyone means; it also keeps every sum far from overflow.
            if (m.group(1).length() > 12) {
                throw new IllegalArgumentException("too long a duration: " + text);
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        if (total.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("too long a duration (at most a year): " + text);
        }
        return total;
    }
}
