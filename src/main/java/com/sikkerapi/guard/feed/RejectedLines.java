package com.sikkerapi.guard.feed;

/** Hears of every input line that is not used, with its reason: the CLI prints them, the agent logs a bounded few. */
@FunctionalInterface
public interface RejectedLines {
    RejectedLines IGNORE = (source, line, reason, text) -> {
    };

    void rejected(String source, int line, String reason, String text);
}
