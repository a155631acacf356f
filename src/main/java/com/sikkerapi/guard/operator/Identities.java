package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.api.Rollout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * What a node enforces, as one value: the list digest and the node-level settings (mode, enforcement: hook, IPv6,
 * blocked log; the whitelist; the self-test and auto-whitelist switches). Any change of it is rolled out in stages.
 * The cluster's protected ranges are not part of it: they only ever take entries out (a node that joins must be
 * reachable from every node at once), so every node takes them as soon as they change.
 */
final class Identities {
    private Identities() {
    }

    static Rollout.Identity of(String digest, AgentConfig config) {
        String text = digest + "\n" + config.mode() + "\n" + Json.write(config.spec().getEnforcement()) + "\n"
                + config.spec().getSafety().getSelfTest() + " " + config.spec().getSafety().getAutoWhitelist() + "\n"
                + String.join("\n", new TreeSet<>(config.spec().getWhitelist()));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return new Rollout.Identity(HexFormat.of().formatHex(hash, 0, 6), digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
