package com.sikkerapi.guard.feed;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Addresses at a path in JSON, read with Jackson's streaming parser (no tree: memory stays bounded by the list).
 * A path is dot-separated field names, each optionally followed by {@code []} for "every element of this array":
 * {@code data[].ip} reads {@code {"data":[{"ip":"1.2.3.4"},...]}}, {@code [].cidr} a top-level array of objects.
 * Spamhaus's NDJSON form is a sequence of top-level objects with a {@code cidr} field and a final metadata object.
 */
public final class JsonFeedParser implements FeedParser {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private record Step(String field, boolean array) {
    }

    private final List<Step> path;
    /** Top-level objects without the field are metadata (Spamhaus' last line), not bad entries. */
    private final boolean skipObjectsWithoutField;

    private JsonFeedParser(List<Step> path, boolean skipObjectsWithoutField) {
        this.path = path;
        this.skipObjectsWithoutField = skipObjectsWithoutField;
    }

    public static JsonFeedParser spamhausNdjson() {
        return new JsonFeedParser(List.of(new Step("cidr", false)), true);
    }

    public static JsonFeedParser withPath(String path) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("format json needs a path, e.g. json:data[].ip");
        }
        List<Step> steps = new ArrayList<>();
        for (String part : path.split("\\.", -1)) {
            boolean array = part.endsWith("[]");
            String field = array ? part.substring(0, part.length() - 2) : part;
            if (field.isEmpty() && !(array && steps.isEmpty())) {
                throw new IllegalArgumentException("empty step in json path " + path);
            }
            steps.add(new Step(field.isEmpty() ? null : field, array));
        }
        return new JsonFeedParser(steps, false);
    }

    @Override
    public void parse(InputStream in, EntrySink sink) throws IOException {
        long[] scratch = new long[2];
        try (JsonParser parser = JSON.createParser(in)) {
            // Several top-level values are read in turn: that is what NDJSON is.
            while (parser.nextToken() != null) {
                walk(parser, 0, sink, scratch);
            }
        }
    }

    private void walk(JsonParser parser, int depth, EntrySink sink, long[] scratch) throws IOException {
        JsonToken token = parser.currentToken();
        int line = parser.currentLocation().getLineNr();
        if (depth == path.size()) {
            if (token == JsonToken.VALUE_STRING) {
                AddressToken.parse(parser.getText(), line, sink, scratch);
            } else {
                sink.invalid(line, "not a string at the json path", String.valueOf(token));
                parser.skipChildren();
            }
            return;
        }
        Step step = path.get(depth);
        if (step.field() == null) {
            eachElement(parser, depth + 1, sink, scratch);
            return;
        }
        if (token != JsonToken.START_OBJECT) {
            sink.invalid(line, "expected an object with field " + step.field(), String.valueOf(token));
            parser.skipChildren();
            return;
        }
        boolean found = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (name.equals(step.field())) {
                found = true;
                if (step.array()) {
                    eachElement(parser, depth + 1, sink, scratch);
                } else {
                    walk(parser, depth + 1, sink, scratch);
                }
            } else {
                parser.skipChildren();
            }
        }
        if (!found && !(skipObjectsWithoutField && depth == 0)) {
            sink.invalid(line, "no field " + step.field(), "{...}");
        }
    }

    private void eachElement(JsonParser parser, int depth, EntrySink sink, long[] scratch) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            sink.invalid(parser.currentLocation().getLineNr(), "expected an array", String.valueOf(parser.currentToken()));
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            walk(parser, depth, sink, scratch);
        }
    }
}
