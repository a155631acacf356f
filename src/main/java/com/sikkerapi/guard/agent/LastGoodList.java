package com.sikkerapi.guard.agent;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.feed.ListCollector;
import com.sikkerapi.guard.feed.PlainTextParser;
import com.sikkerapi.guard.feed.RejectedLines;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import com.sikkerapi.guard.net.ListEncoding;
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
 * before the first contact with the API server after a restart or a reboot, so a node is protected again in
 * seconds even when the API server or the hub is down. Written to a temporary file, synced and renamed, so a crash leaves the old file or the new one, never half.
 */
public final class LastGoodList {
    /**
     * The list as enforced (the published one less this node's own addresses), the published digest it came from,
     * the inputs it was made from (see AgentLoop), and how it was enforced: after a reboot the agent puts it back
     * before it can ask the API server for anything.
     */
    public record Saved(AddressSet list, String digest, String basis, EnforcementSpec enforcement) {
    }

    private static final String DIGEST = "# sikkerguard last good list, published digest: ";
    private static final String BASIS = "# basis: ";
    private static final String ENFORCEMENT = "# enforcement: ";
    private static final String CHECKSUM = "# checksum: ";

    /** The file does not hold what was saved: edited or damaged on the node's disk. */
    public static final class Damaged extends IOException {
        Damaged(String message) {
            super(message);
        }
    }
    private final Path file;

    public LastGoodList(Path stateDir) {
        this.file = stateDir.resolve("last-good.txt");
    }

    public void save(Saved saved) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            out.write((DIGEST + saved.digest() + "\n" + BASIS + saved.basis() + "\n" + ENFORCEMENT
                    + Json.write(saved.enforcement()) + "\n" + CHECKSUM + checksum(saved.list()) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            CidrWriter.write(saved.list(), out);
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

    /**
     * Empty when there is no saved list. A list saved by an agent that pulled feeds itself (before the hub) has no
     * digest: it is restored all the same, and replaced by the first published list.
     *
     * @throws Damaged when the entries read back are not those saved (the checksum of their encoding differs)
     */
    public Optional<Saved> load() throws IOException {
        Optional<Header> header = header();
        if (header.isEmpty() || header.get().enforcement() == null) {
            return Optional.empty();
        }
        ListCollector collector = new ListCollector(0, 0, RejectedLines.IGNORE);
        try (InputStream in = Files.newInputStream(file)) {
            new PlainTextParser().parse(in, collector);
        }
        AddressSet list = collector.build();
        if (header.get().checksum() != null && !header.get().checksum().equals(checksum(list))) {
            throw new Damaged("it does not hold what was saved (its checksum differs: edited or damaged)");
        }
        return Optional.of(new Saved(list, header.get().digest(), header.get().basis(), header.get().enforcement()));
    }

    /** The SHA-256 of the list's encoding: the same entries give the same checksum however they were written. */
    private static String checksum(AddressSet list) {
        return ListEncoding.digest(ListEncoding.encode(list));
    }

    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    private record Header(String digest, String basis, EnforcementSpec enforcement, String checksum) {
    }

    private Optional<Header> header() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String digest = null;
        String basis = null;
        EnforcementSpec enforcement = null;
        String checksum = null;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null && line.startsWith("#"); line = reader.readLine()) {
                if (line.startsWith(DIGEST)) {
                    digest = line.substring(DIGEST.length()).strip();
                } else if (line.startsWith(BASIS)) {
                    basis = line.substring(BASIS.length()).strip();
                } else if (line.startsWith(ENFORCEMENT)) {
                    enforcement = Json.read(line.substring(ENFORCEMENT.length()), EnforcementSpec.class);
                } else if (line.startsWith(CHECKSUM)) {
                    checksum = line.substring(CHECKSUM.length()).strip();
                }
            }
        }
        return Optional.of(new Header(digest, basis, enforcement, checksum));
    }
}
