package com.sikkerapi.guard.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex, cut to the digits a name or key needs. */
public final class Hashes {
    private Hashes() {
    }

    /** The first {@code digits} hex digits (even, at most 64) of the SHA-256 of {@code text} in UTF-8. */
    public static String sha256Hex(String text, int digits) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8), digits);
    }

    public static String sha256Hex(byte[] bytes, int digits) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(hash, 0, digits / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
