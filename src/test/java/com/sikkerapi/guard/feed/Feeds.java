package com.sikkerapi.guard.feed;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: parse text or a file into a collector and validate, keeping the rejected lines. */
final class Feeds {
    /** The real feeds in the test resources. */
    static final Path FEEDS = com.sikkerapi.guard.testing.TestFeeds.DIR;

    private Feeds() {
    }

    record Run(ValidationResult result, ListCollector collector, List<String> rejected) {
    }

    static Run validate(String format, String text, ValidationPolicy policy, long previous) {
        return validate(format, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), policy, previous);
    }

    static Run validate(String format, Path file, ValidationPolicy policy) {
        try (InputStream in = Files.newInputStream(file)) {
            return validate(format, in, policy, -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Run validate(String format, InputStream in, ValidationPolicy policy, long previous) {
        List<String> rejected = new ArrayList<>();
        ListCollector collector = new ListCollector(policy.minPrefixV4(), policy.minPrefixV6(),
                (source, line, reason, text) -> rejected.add("line " + line + ": " + reason + ": " + text));
        try {
            FeedParser.forFormat(format).parse(in, collector);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Run(ListValidator.validate(collector, policy, previous), collector, rejected);
    }

    static List<String> blocked(ValidationResult result) {
        var out = new java.io.ByteArrayOutputStream();
        try {
            com.sikkerapi.guard.net.CidrWriter.write(((ValidationResult.Accepted) result).blocked(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.US_ASCII).lines().toList();
    }
}
