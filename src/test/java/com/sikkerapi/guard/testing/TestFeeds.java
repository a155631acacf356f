package com.sikkerapi.guard.testing;

import java.nio.file.Path;

/** The real feeds kept in the test resources (their provenance: src/test/resources/feeds/README.md). */
public final class TestFeeds {
    public static final Path DIR = Path.of("src", "test", "resources", "feeds");
    /** FireHOL level1: 6,273 IPv4 entries, bogons and private ranges included. */
    public static final Path FIREHOL_LEVEL1 = DIR.resolve("firehol_level1.netset");

    private TestFeeds() {
    }

    /**
     * The 223 lines 1.0.0.0/8 ... 223.0.0.0/8: every entry obeys the default /8 floor, and the list covers 86.20% of
     * the IPv4 space once the special-purpose ranges are left out.
     */
    public static String everySlashEight() {
        StringBuilder text = new StringBuilder();
        for (int first = 1; first <= 223; first++) {
            text.append(first).append(".0.0.0/8\n");
        }
        return text.toString();
    }
}
