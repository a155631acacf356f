package com.sikkerapi.guard.nginx;

/**
 * The growth rule's baseline of each web tier: the entries its sources listed at the last publication, and what
 * was asked then ({@code FeedPuller.identity}). A tier whose sources changed (another score, a new feed) starts a
 * new baseline, as the node list does; a feed that grows on its own is still compared with what it gave before.
 * Kept on the first ConfigMap as {@code block,challenge}, each {@code count@identity} (a count alone: a publication
 * that did not record its sources, which keeps its baseline).
 */
record Baselines(long block, String blockAsked, long challenge, String challengeAsked) {
    static final Baselines NONE = new Baselines(-1, null, -1, null);

    /** The block tier's baseline for sources asked as {@code asked}, or -1 for a new one. */
    long block(String asked) {
        return blockAsked == null || blockAsked.equals(asked) ? block : -1;
    }

    long challenge(String asked) {
        return challengeAsked == null || challengeAsked.equals(asked) ? challenge : -1;
    }

    String annotation() {
        return tier(block, blockAsked) + "," + tier(challenge, challengeAsked);
    }

    static Baselines parse(String annotation) {
        if (annotation == null) {
            return NONE;
        }
        String[] tiers = annotation.split(",", 2);
        String[] block = tiers[0].split("@", 2);
        String[] challenge = tiers.length > 1 ? tiers[1].split("@", 2) : new String[] {"-1"};
        try {
            return new Baselines(Long.parseLong(block[0]), block.length > 1 ? block[1] : null,
                    Long.parseLong(challenge[0]), challenge.length > 1 ? challenge[1] : null);
        } catch (NumberFormatException e) {
            return NONE; // written by hand or damaged: a new baseline
        }
    }

    private static String tier(long count, String asked) {
        return asked == null ? Long.toString(count) : count + "@" + asked;
    }
}
