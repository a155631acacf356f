package com.sikkerapi.guard.feed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SikkerAPI key from its mounted file, read at each use (rotation needs no restart). Only visible ASCII without
 * whitespace is a key: anything else (a PEM block, a value with a newline) is refused before it reaches a request
 * header, with a reason that never holds any of it.
 */
public final class ApiKey {
    private ApiKey() {
    }

    /** The key is not one: its reason names what is wrong, never a character of it. */
    public static final class Invalid extends IOException {
        Invalid(String message) {
            super(message);
        }
    }

    /** @throws Invalid when the file holds anything but one word of visible ASCII (surrounding whitespace aside) */
    public static String read(Path file) throws IOException {
        String key = Files.readString(file, StandardCharsets.ISO_8859_1).strip();
        if (key.isEmpty()) {
            throw new Invalid("the API key file " + file + " is empty");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new Invalid("the API key in " + file + " holds a character that is not visible ASCII (at "
                        + "position " + (i + 1) + "): a key is one word of visible ASCII");
            }
        }
        return key;
    }
}
