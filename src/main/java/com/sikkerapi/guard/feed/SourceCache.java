package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hub's last body of each source and what it knows of it, keyed by what is asked ({@link FeedPuller.Source#key}:
 * the name, the address with its query, the format and the headers), never by the name alone: a source whose
 * address or query changed is another entry, pulled without validators, so no server can answer "not modified"
 * for a body that another address served. The files of sources no longer asked are removed.
 */
final class SourceCache {
    /**
     * What the cache holds beside a body: its validators and where they came from, and the last answer.
     *
     * @param from the address that served the body (the last hop of any redirects)
     * @param status the HTTP status of the last answer (200, 304, or a failure's)
     * @param answered when it came (RFC 3339)
     * @param entries what the body gave at its last validation, or null before one
     */
    record Held(String etag, String lastModified, String from, Integer status, String answered, Long entries) {
        static final Held NOTHING = new Held(null, null, null, null, null, null);

        FeedClient.Validators validators() {
            return new FeedClient.Validators(etag, lastModified, from == null ? null : URI.create(from));
        }

        Held answered(int status, String at) {
            return new Held(etag, lastModified, from, status, at, entries);
        }

        Held fetched(FeedClient.Validators validators, String at) {
            return new Held(validators.etag(), validators.lastModified(),
                    validators.from() == null ? null : validators.from().toString(), 200, at, entries);
        }

        Held counted(long count) {
            return new Held(etag, lastModified, from, status, answered, count);
        }
    }

    private static final String BODY = ".body";
    private static final String HELD = ".held.json";
    private final Path dir;

    SourceCache(Path dir) {
        this.dir = dir;
    }

    Path body(FeedPuller.Source source) {
        return dir.resolve(source.key() + BODY);
    }

    /** Where a download goes before it replaces the body. */
    Path download(FeedPuller.Source source) {
        return dir.resolve(source.key() + ".new");
    }

    boolean hasBody(FeedPuller.Source source) {
        return Files.exists(body(source));
    }

    /** What is known of the source; nothing for a source not asked before. */
    Held held(FeedPuller.Source source) {
        Path file = dir.resolve(source.key() + HELD);
        try {
            return Files.exists(file) ? Json.read(Files.readString(file), Held.class) : Held.NOTHING;
        } catch (IOException | UncheckedIOException e) {
            return Held.NOTHING; // unreadable: asked again without validators
        }
    }

    void hold(FeedPuller.Source source, Held held) throws IOException {
        Path file = dir.resolve(source.key() + HELD);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, Json.write(held));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void replaceBody(FeedPuller.Source source, Path downloaded) throws IOException {
        Files.move(downloaded, body(source), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes the folder, and removes every file that belongs to none of {@code sources}: old addresses, old queries,
     * a removed feed.
     */
    void prepare(Collection<FeedPuller.Source> sources) throws IOException {
        Files.createDirectories(dir);
        Set<String> keys = sources.stream().map(FeedPuller.Source::key).collect(Collectors.toSet());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                int dot = name.indexOf('.');
                if (!keys.contains(dot < 0 ? name : name.substring(0, dot)) && Files.isRegularFile(file)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
