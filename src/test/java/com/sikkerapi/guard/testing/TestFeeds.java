package com.sikkerapi.guard.testing;

import java.nio.file.Path;

/** The real feeds kept in the test resources (their provenance: src/test/resources/feeds/README.md). */
public final class TestFeeds {
    public static final Path DIR = Path.of("src", "test", "resources", "feeds");
    /** FireHOL level1: 6,273 IPv4 entries, bogons and private ranges included. */
    public static final Path FIREHOL_LEVEL1 = DIR.resolve("firehol_level1.netset");

    private TestFeeds() {
    }
}
