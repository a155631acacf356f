package com.sikkerapi.guard.feed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The encodings the hub accepts for a feed's body: gzip, which large text feeds compress to a fifth or less, and
 * none. A gzip body is decoded with the same cap as the bytes on the wire: a small body that decodes to more than
 * the cap (a "zip bomb") is refused, never written out whole.
 */
final class ContentEncoding {
    /** The request's Accept-Encoding. */
    static final String ACCEPTED = "gzip";

    private ContentEncoding() {
    }

    /**
     * Writes the decoded body of {@code received} to {@code into}.
     *
     * @return false when the encoding is not one the hub asked for
     * @throws LimitedFileBody.TooLargeException when the decoded body passes {@code maxBytes}
     */
    static boolean decode(String encoding, Path received, Path into, long maxBytes) throws IOException {
        switch (encoding.toLowerCase(Locale.ROOT)) {
            case "identity", "" -> Files.move(received, into, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            case "gzip", "x-gzip" -> gunzip(received, into, maxBytes);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void gunzip(Path received, Path into, long maxBytes) throws IOException {
        Path decoding = into.resolveSibling(into.getFileName() + ".decoding");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(received), 1 << 16);
                OutputStream out = Files.newOutputStream(decoding)) {
            byte[] buffer = new byte[1 << 16];
            long written = 0;
            for (int read; (read = in.read(buffer)) > 0; ) {
                written += read;
                if (written > maxBytes) {
                    throw new LimitedFileBody.TooLargeException(maxBytes);
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException e) {
            Files.deleteIfExists(decoding);
            throw e;
        }
        Files.move(decoding, into, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
