package com.sikkerapi.guard.feed;

import java.io.IOException;

/**
 * A body that is not in its source's format, in words of our own: its message may go into the status, so it
 * names lines, columns and kinds, never the body's content.
 */
public final class FeedFormatException extends IOException {
    public FeedFormatException(String message) {
        super(message);
    }

    /**
     * Why a body could not be read, fit for the status: our own reasons as they are; a JSON parser's as its
     * position (its message quotes the body); anything else by its kind alone.
     */
    public static String reason(Throwable error) {
        if (error instanceof FeedFormatException ours) {
            return ours.getMessage();
        }
        if (error instanceof com.fasterxml.jackson.core.JsonProcessingException json && json.getLocation() != null) {
            return "not valid JSON at line " + json.getLocation().getLineNr() + ", column "
                    + json.getLocation().getColumnNr();
        }
        return error.getClass().getSimpleName();
    }
}
