package com.sikkerapi.guard.feed;

import java.io.IOException;
import java.io.InputStream;

/** Reads one feed body, in one of the formats a ThreatBlocklist can name, streaming: memory is bounded by the list. */
public interface FeedParser {
    void parse(InputStream in, EntrySink sink) throws IOException;

    /**
     * The parser for a format as the CLI and the agent write it: {@code plain}, {@code spamhaus-ndjson},
     * {@code json:<path>} (e.g. {@code json:data[].ip}) or {@code csv:<column>} (a header name or 1-based number).
     *
     * @throws IllegalArgumentException for an unknown format or a missing path or column
     */
    static FeedParser forFormat(String format) {
        int colon = format.indexOf(':');
        String name = colon < 0 ? format : format.substring(0, colon);
        String argument = colon < 0 ? "" : format.substring(colon + 1);
        return switch (name) {
            case "plain" -> new PlainTextParser();
            case "spamhaus-ndjson" -> JsonFeedParser.spamhausNdjson();
            case "json" -> JsonFeedParser.withPath(argument);
            case "csv" -> new CsvFeedParser(argument);
            default -> throw new IllegalArgumentException(
                    "unknown format " + format + " (plain, spamhaus-ndjson, json:<path>, csv:<column>)");
        };
    }
}
