package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.feed.ListCollector;
import com.sikkerapi.guard.feed.PlainTextParser;
import com.sikkerapi.guard.feed.RejectedLines;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
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
    /**
     * The list, the entry count its feeds listed (what the growth rule compares the next list with), and how it was
     * enforced: after a reboot the agent puts it back before it can ask the API server for anything.
     */
    public record Saved(AddressSet list, long listedEntries, EnforcementSpec enforcement) {
    }

    private static final String LISTED = "# sikkerguard last good list, listed entries: ";
    private static final String ENFORCEMENT = "# enforcement: ";
    private final Path file;

    public LastGoodList(Path stateDir) {
        this.file = stateDir.resolve("last-good.txt");
    }

    public void save(AddressSet list, long listedEntries, EnforcementSpec enforcement) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            out.write((LISTED + listedEntries + "\n" + ENFORCEMENT + Serialization.asJson(enforcement) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
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

    /** The listed entry count alone, from the header: without reading a list of a million lines back. */
    public long listedEntries() throws IOException {
        return header().map(Header::listed).orElse(-1L);
    }

    /** Empty when there is no saved list, or one written by an agent that did not record its enforcement. */
    public Optional<Saved> load() throws IOException {
        Optional<Header> header = header();
        if (header.isEmpty() || header.get().enforcement() == null) {
            return Optional.empty();
        }
        ListCollector collector = new ListCollector(0, 0, RejectedLines.IGNORE);
        try (InputStream in = Files.newInputStream(file)) {
            new PlainTextParser().parse(in, collector);
        }
        return Optional.of(new Saved(collector.build(), header.get().listed(), header.get().enforcement()));
    }

    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    private record Header(long listed, EnforcementSpec enforcement) {
    }

    private Optional<Header> header() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        long listed = -1;
        EnforcementSpec enforcement = null;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null && line.startsWith("#"); line = reader.readLine()) {
                if (line.startsWith(LISTED)) {
                    listed = Long.parseLong(line.substring(LISTED.length()).strip());
                } else if (line.startsWith(ENFORCEMENT)) {
                    enforcement = Serialization.unmarshal(line.substring(ENFORCEMENT.length()), EnforcementSpec.class);
                }
            }
        }
        return Optional.of(new Header(listed, enforcement));
    }
}
