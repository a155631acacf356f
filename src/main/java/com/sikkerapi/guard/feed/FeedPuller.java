package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.api.FeedSource;
import com.sikkerapi.guard.api.Hashes;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.SourceStatus;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The hub's pull phase: every source of a blocklist fetched (conditionally, reusing the last body of a source
 * that did not change), parsed in its format into one list, and validated. A source that fails fails the pull: a
 * list missing one of its sources is not the list the admin asked for, and the published list stays.
 */
public final class FeedPuller {
    /**
     * One source: where, how to ask, how to read it. Header values may hold credentials and are never logged.
     *
     * @param publicQuery the query holds no secret (SikkerAPI's filters) and is shown in the status as it is
     */
    public record Source(String name, URI uri, Map<String, String> headers, String format, boolean publicQuery) {
        public Source(String name, URI uri, Map<String, String> headers, String format) {
            this(name, uri, headers, format, false);
        }

        /**
         * Everything that decides the answer, as a short hash: the name, the address with its query, the format
         * and the headers (their values only hashed, so the key is never on disk in clear).
         */
        String key() {
            StringBuilder text = new StringBuilder(name).append('\n').append(uri).append('\n').append(format);
            new TreeMap<>(headers).forEach((header, value) -> text.append('\n').append(header).append(':')
                    .append(value));
            return Hashes.sha256Hex(text.toString(), 16);
        }

        /** The address for the status: no credentials, and a plain feed's query values hidden (tokens live there). */
        public String shown() {
            return SourceAddress.shown(uri, publicQuery);
        }

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
     * @param sources per source, the last answer and what it gave
     */
    public record Pull(boolean unchanged, ValidationResult result, String failure, boolean refused,
            List<SourceStatus> sources) {
    }

    private final FeedClient client;
    private final SourceCache cache;

    /** @param cache the hub's scratch folder: last bodies and their validators are kept there per source */
    public FeedPuller(FeedClient client, Path cache) {
        this.client = client;
        this.cache = new SourceCache(cache);
    }

    /** The sources of a spec; the SikkerAPI key is read from its mounted file at each pull (rotation needs no restart). */
    public static List<Source> sources(ThreatBlocklistSpec spec, Path apiKeyFile) throws IOException {
        List<Source> sources = new ArrayList<>();
        if (spec.getSource().getSikkerapi() != null) {
            String key = ApiKey.read(apiKeyFile);
            sources.add(new Source("sikkerapi", SikkerApiQuery.blacklist(spec.getSource().getSikkerapi()),
                    Map.of("Authorization", "Bearer " + key), "plain", true));
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
        return Hashes.sha256Hex(text.toString(), 16);
    }

    /**
     * @param revalidate validate even when no source changed (the spec changed: whitelist, limits)
     */
    public Pull pull(List<Source> sources, ValidationPolicy policy, long previousEntries, RejectedLines rejected,
            boolean revalidate) throws IOException {
        cache.prepare(sources);
        boolean allUnchanged = true;
        for (Source source : sources) {
            SourceCache.Held held = cache.held(source);
            FeedClient.Validators validators = cache.hasBody(source) ? held.validators() : FeedClient.Validators.NONE;
            FeedClient.Outcome outcome = client.fetch(source.uri(), source.headers(), validators,
                    cache.download(source));
            String now = Rfc3339.format(Instant.now());
            if (outcome instanceof FeedClient.Failed failed) {
                if (failed.status() != null) {
                    cache.hold(source, held.answered(failed.status(), now));
                }
                return failure(sources, source.name() + ": " + failed.reason(), false);
            }
            if (outcome instanceof FeedClient.Refused refused) {
                return failure(sources, source.name() + ": " + refused.reason(), true);
            }
            if (outcome instanceof FeedClient.Fetched fetched) {
                allUnchanged = false;
                cache.replaceBody(source, fetched.body());
                cache.hold(source, held.fetched(fetched.validators(), now));
            } else {
                cache.hold(source, held.answered(304, now));
            }
        }
        if (allUnchanged && !sources.isEmpty() && !revalidate) {
            return new Pull(true, null, null, false, statuses(sources));
        }
        return validate(sources, policy, previousEntries, rejected);
    }

    /**
     * The bodies of the last pull validated again without asking any source (the whitelist or the cluster's
     * ranges changed, not the feeds); empty when a body is not at hand (a restarted hub, a changed source): then
     * pull.
     */
    public Optional<Pull> revalidate(List<Source> sources, ValidationPolicy policy, long previousEntries,
            RejectedLines rejected) throws IOException {
        for (Source source : sources) {
            if (!cache.hasBody(source)) {
                return Optional.empty();
            }
        }
        return Optional.of(validate(sources, policy, previousEntries, rejected));
    }

    private Pull validate(List<Source> sources, ValidationPolicy policy, long previousEntries, RejectedLines rejected)
            throws IOException {
        ListCollector collector = new ListCollector(policy.minPrefixV4(), policy.minPrefixV6(), rejected);
        for (Source source : sources) {
            long before = collector.entries();
            collector.beginSource(source.name());
            try (InputStream in = Files.newInputStream(cache.body(source))) {
                FeedParser.forFormat(source.format()).parse(in, collector);
            } catch (IOException e) {
                return failure(sources, source.name() + ": unreadable body: " + FeedFormatException.reason(e), false);
            }
            cache.hold(source, cache.held(source).counted(collector.entries() - before));
        }
        return new Pull(false, ListValidator.validate(collector, policy, previousEntries), null, false,
                statuses(sources));
    }

    private Pull failure(List<Source> sources, String reason, boolean refused) {
        return new Pull(false, null, reason, refused, statuses(sources));
    }

    /** Every source as the cache knows it now, in the spec's order. */
    private List<SourceStatus> statuses(List<Source> sources) {
        return sources.stream().map(source -> {
            SourceCache.Held held = cache.held(source);
            return new SourceStatus(source.name(), source.shown(), held.status(), held.answered(), held.entries());
        }).toList();
    }
}
