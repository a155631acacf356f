package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.feed.ListCollector;
import com.sikkerapi.guard.feed.PlainTextParser;
import com.sikkerapi.guard.feed.RejectedLines;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The last list this node accepted and applied, on the node's disk (the agent's hostPath state folder): restored
 * before the first pull after a restart or a reboot, so a node is protected again in seconds even when the feed is
 * down. Written to a temporary file, synced and renamed, so a crash leaves the old file or the new one, never half.
 */
public final class LastGoodList {
    /** The list, and the entry count its feeds listed (what the growth rule compares the next list with). */
    public record Saved(AddressSet list, long listedEntries) {
    }

    private static final String HEADER = "# sikkerguard last good list, listed entries: ";
    private final Path file;

    public LastGoodList(Path stateDir) {
        this.file = stateDir.resolve("last-good.txt");
    }

    public void save(AddressSet list, long listedEntries) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            out.write((HEADER + listedEntries + "\n").getBytes(StandardCharsets.US_ASCII));
            CidrWriter.write(list, out);
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Keeps a list that was applied and rolled back, for the admin to look at. */
    public void saveRejected(AddressSet list) throws IOException {
        try (OutputStream out = Files.newOutputStream(file.resolveSibling("rejected.txt"))) {
            CidrWriter.write(list, out);
        }
    }

    public Optional<Saved> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        long listed;
        try (var lines = Files.lines(file)) {
            String first = lines.findFirst().orElse("");
            listed = first.startsWith(HEADER) ? Long.parseLong(first.substring(HEADER.length()).strip()) : -1;
        }
        ListCollector collector = new ListCollector(0, 0, RejectedLines.IGNORE);
        try (InputStream in = Files.newInputStream(file)) {
            new PlainTextParser().parse(in, collector);
        }
        return Optional.of(new Saved(collector.build(), listed));
    }

    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
