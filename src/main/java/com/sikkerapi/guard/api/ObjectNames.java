package com.sikkerapi.guard.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Object names shared by the operator and the agents, kept within Kubernetes' length limits. */
public final class ObjectNames {
    private ObjectNames() {
    }

    /** The name of the report a node's agent writes: {@code <blocklist>.<node>}. */
    public static String nodeReport(String blocklist, String node) {
        return shorten(blocklist + "." + node, 253);
    }

    /** Keeps a name within max characters by replacing its tail with a stable hash, so names stay unique. */
    public static String shorten(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String hash = sha256(name).substring(0, 10);
        String head = name.substring(0, max - hash.length() - 1).replaceAll("[-.]+$", "");
        return head + "-" + hash;
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
