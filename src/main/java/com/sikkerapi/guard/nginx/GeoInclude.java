package com.sikkerapi.guard.nginx;

import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.Cidr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated list in two tiers as Nginx {@code geo} include files: one {@code <cidr> <tier>;} line per aggregated
 * network, split into parts no larger than a limit (a ConfigMap holds at most 1 MiB). Every entry is in exactly one
 * part: a list is split, never cut. The tiers never overlap, because Nginx's geo picks the most specific network: a
 * challenge /16 around a blocked /32 still blocks that address, and an address that is in both tiers is blocked, so
 * the challenge tier is rendered without the block tier's addresses.
 */
public final class GeoInclude {
    /** The variable's value when an address is in neither tier (the geo block's default). */
    public static final int NONE = 0;
    public static final int CHALLENGE = 1;
    public static final int BLOCK = 2;
    /** Room kept in each part for its header line. */
    private static final int HEADER_ROOM = 200;

    /**
     * @param file the include file's name (the ConfigMap key)
     * @param entries how many networks it lists
     */
    public record Part(String file, String text, long entries) {
        public int bytes() {
            return text.getBytes(StandardCharsets.US_ASCII).length;
        }
    }

    /** The parts, in order, and how many networks each tier has after aggregation. */
    public record Rendered(List<Part> parts, long blockEntries, long challengeEntries) {
    }

    private GeoInclude() {
    }

    /**
     * @param source what the header names (e.g. the blocklist's namespace/name)
     * @param filePrefix the parts are {@code <filePrefix>-<n>.conf}, n from 1
     * @param maxPartBytes the largest a part may be
     */
    public static Rendered render(AddressSet block, AddressSet challenge, String source, String filePrefix,
            int maxPartBytes) {
        if (maxPartBytes <= HEADER_ROOM + 64) {
            throw new IllegalArgumentException("a part of " + maxPartBytes + " bytes holds no line");
        }
        AddressSet challengeOnly = challenge.except(block);
        Splitter splitter = new Splitter(maxPartBytes - HEADER_ROOM);
        long blocked = lines(block, BLOCK, splitter);
        long challenged = lines(challengeOnly, CHALLENGE, splitter);
        List<StringBuilder> bodies = splitter.finish();
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            String header = "# sikkerguard " + source + ", part " + (i + 1) + " of " + bodies.size() + ": "
                    + BLOCK + " = block, " + CHALLENGE + " = challenge\n";
            parts.add(new Part(filePrefix + "-" + (i + 1) + ".conf", header + bodies.get(i),
                    splitter.counts.get(i)));
        }
        return new Rendered(List.copyOf(parts), blocked, challenged);
    }

    private static long lines(AddressSet set, int tier, Splitter splitter) {
        long[] count = {0};
        String suffix = " " + tier + ";\n";
        set.v4().forEachCidr((address, prefix) -> {
            splitter.add(Cidr.v4(address, prefix) + suffix);
            count[0]++;
        });
        set.v6().forEachCidr((hi, lo, prefix) -> {
            splitter.add(Cidr.v6(hi, lo, prefix) + suffix);
            count[0]++;
        });
        return count[0];
    }

    /** Fills parts line by line; a line that would overflow the current part starts the next one. */
    private static final class Splitter {
        private final int maxBodyBytes;
        private final List<StringBuilder> bodies = new ArrayList<>();
        private final List<Long> counts = new ArrayList<>();
        private StringBuilder current;

        Splitter(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
        }

        void add(String line) {
            // Lines are ASCII: a char is a byte.
            if (current == null || current.length() + line.length() > maxBodyBytes) {
                current = new StringBuilder();
                bodies.add(current);
                counts.add(0L);
            }
            current.append(line);
            counts.set(counts.size() - 1, counts.get(counts.size() - 1) + 1);
        }

        List<StringBuilder> finish() {
            if (bodies.isEmpty()) {
                bodies.add(new StringBuilder());
                counts.add(0L);
            }
            return bodies;
        }
    }
}
