package com.sikkerapi.guard.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Times as Kubernetes writes them: RFC 3339, UTC, whole seconds. */
public final class Rfc3339 {
    private Rfc3339() {
    }

    public static String format(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** @return the instant, or null for null or unparseable text */
    public static Instant parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
