package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.api.FeedSource;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hub's pull phase: every source of a blocklist fetched (conditionally, reusing the last body of a source
 * that did not change), parsed in its format into one list, and validated. A source that fails fails the pull: a
 * list missing one of its sources is not the list the admin asked for, and the published list stays.
 */
public final class FeedPuller {
    /** One source: where, how to ask, how to read it. Header values may hold credentials and are never logged. */
    public record Source(String name, URI uri, Map<String, String> headers, String format) {
        @Override
        public String toString() {
            return name + " (" + FeedClient.redacted(uri) + ")";
        }
    }

    /**
     * @param unchanged every source answered "not modified": nothing to validate or apply
     * @param result the validation, or null when the pull failed or nothing changed
     * @param failure why the pull failed, or null
     * @param refused the failure is a destination the policy refuses (the spec must change, not the network)
     */
    public record Pull(boolean unchanged, ValidationResult result, String failure, boolean refused) {
        Pull(boolean unchanged, ValidationResult result, String failure) {
            this(unchanged, result, failure, false);
        }
    }

    private final FeedClient client;
    private final Path cache;

    /** @param cache the hub's scratch folder: last bodies and their validators are kept there per source */
    public FeedPuller(FeedClient client, Path cache) {
        this.client = client;
        this.cache = cache;
    }

    /** The sources of a spec; the SikkerAPI key is read from its mounted file at each pull (rotation needs no restart). */
    public static List<Source> sources(ThreatBlocklistSpec spec, Path apiKeyFile) throws IOException {
        List<Source> sources = new ArrayList<>();
        if (spec.getSource().getSikkerapi() != null) {
            String key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
            sources.add(new Source("sikkerapi", SikkerApiQuery.blacklist(spec.getSource().getSikkerapi()),
                    Map.of("Authorization", "Bearer " + key), "plain"));
        }
        for (FeedSource feed : spec.getSource().getFeeds()) {
            String format = switch (feed.getFormat()) {
                case PLAIN -> "plain";
                case SPAMHAUS_NDJSON -> "spamhaus-ndjson";
                case JSON -> "json:" + feed.getJsonPath();
                case CSV -> "csv:" + feed.getCsvColumn();
            };
            sources.add(new Source("feed-" + feed.getName(), URI.create(feed.getUrl()), Map.of(), format));
        }
        return sources;
    }

    /**
     * What is asked for, as a short hash: each source's name, address (with its query: the score minimum, the
     * protocols) and format, never its headers (the key). A spec change that changes it makes the next list a new
     * baseline for the growth rule, which guards against a broken feed, not against an admin.
     */
    public static String identity(List<Source> sources) {
        StringBuilder text = new StringBuilder();
        for (Source source : sources) {
            text.append(source.name()).append('\n').append(source.uri()).append('\n').append(source.format())
                    .append('\n');
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param revalidate validate even when no source changed (the spec changed: whitelist, limits)
     */
    public Pull pull(List<Source> sources, ValidationPolicy policy, long previousEntries, RejectedLines rejected,
            boolean revalidate) throws IOException {
        Files.createDirectories(cache);
        boolean allUnchanged = true;
        for (Source source : sources) {
            Path body = cache.resolve(source.name() + ".body");
            Path validators = cache.resolve(source.name() + ".validators");
            FeedClient.Validators cached = Files.exists(body) ? readValidators(validators) : FeedClient.Validators.NONE;
            FeedClient.Outcome outcome = client.fetch(source.uri(), source.headers(), cached,
                    cache.resolve(source.name() + ".new"));
            if (outcome instanceof FeedClient.Failed failed) {
                return new Pull(false, null, source.name() + ": " + failed.reason());
            }
            if (outcome instanceof FeedClient.Refused refused) {
                return new Pull(false, null, source.name() + ": " + refused.reason(), true);
            }
            if (outcome instanceof FeedClient.Fetched fetched) {
                allUnchanged = false;
                Files.move(fetched.body(), body, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                writeValidators(validators, fetched.validators());
            }
        }
        if (allUnchanged && !sources.isEmpty() && !revalidate) {
            return new Pull(true, null, null);
        }
        return validate(sources, policy, previousEntries, rejected);
    }

    /**
     * The bodies of the last pull validated again without asking any source (the whitelist or the cluster's
     * ranges changed, not the feeds); empty when a body is not at hand (a restarted hub): then pull.
     */
    public java.util.Optional<Pull> revalidate(List<Source> sources, ValidationPolicy policy, long previousEntries,
            RejectedLines rejected) throws IOException {
        for (Source source : sources) {
            if (!Files.exists(cache.resolve(source.name() + ".body"))) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(validate(sources, policy, previousEntries, rejected));
    }

    private Pull validate(List<Source> sources, ValidationPolicy policy, long previousEntries, RejectedLines rejected) {
        ListCollector collector = new ListCollector(policy.minPrefixV4(), policy.minPrefixV6(), rejected);
        for (Source source : sources) {
            collector.beginSource(source.name());
            try (InputStream in = Files.newInputStream(cache.resolve(source.name() + ".body"))) {
                FeedParser.forFormat(source.format()).parse(in, collector);
            } catch (IOException e) {
                return new Pull(false, null, source.name() + ": unreadable body: " + e.getMessage());
            }
        }
        return new Pull(false, ListValidator.validate(collector, policy, previousEntries), null);
    }

    private static FeedClient.Validators readValidators(Path file) throws IOException {
        if (!Files.exists(file)) {
            return FeedClient.Validators.NONE;
        }
        List<String> lines = Files.readAllLines(file);
        return new FeedClient.Validators(value(lines, 0), value(lines, 1));
    }

    private static String value(List<String> lines, int index) {
        return lines.size() > index && !lines.get(index).isEmpty() ? lines.get(index) : null;
    }

    private static void writeValidators(Path file, FeedClient.Validators validators) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, (validators.etag() == null ? "" : validators.etag()) + "\n"
                + (validators.lastModified() == null ? "" : validators.lastModified()) + "\n");
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
