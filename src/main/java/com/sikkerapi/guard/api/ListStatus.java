package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;

/**
 * The list the blocklist's hub published for the nodes: what the hub recorded on its publication (result, digest,
 * times, size), and what the operator adds (how many nodes enforce that digest, whether the hub runs).
 *
 * @param version the digest's first 12 hex digits, for kubectl get
 *     <p>Every field is nullable: server-side apply on v1.20 API servers writes null where an applied status drops
 *     a field it owned, and the schema must take it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListStatus(
        @Nullable @JsonPropertyDescription("Published, Unchanged, Waiting (nodes still on the version before), or a "
                + "failure:"
                + " PullFailed, DestinationRefused, ListRejected, DoesNotFit, WriteFailed (the published list stays).")
        String result,
        @Nullable String message,
        @Nullable @JsonPropertyDescription("SHA-256 of the published list's encoding: the list's identity.")
        String digest,
        @Nullable @JsonPropertyDescription("The digest's first 12 hex digits.") String version,
        @Nullable @JsonPropertyDescription("Entries of the published list (nodes leave out their own addresses).")
        EntryCounts entries,
        @Nullable @JsonPropertyDescription("Bytes of the published encoding, over all its parts.") Long bytes,
        @Nullable Integer parts,
        @Nullable @JsonPropertyDescription("When the published list last changed.") String published,
        @Nullable @JsonPropertyDescription("The hub's last successful pull (an unchanged feed included).")
        String lastPull,
        @Nullable @JsonPropertyDescription("When the hub last tried.") String lastAttempt,
        @Nullable @JsonPropertyDescription("Nodes whose agent enforces (or dry-runs) this digest.") Integer nodesOnList,
        @Nullable @JsonPropertyDescription("Available, or Unavailable when the hub has no running replica.")
        String hub,
        @Nullable @JsonPropertyDescription("Where the list comes from: each source's address, its last answer and "
                + "the entries it gave.")
        java.util.List<SourceStatus> sources) {

    /** The results of a pull that published nothing because something is wrong (not merely unchanged). */
    public static final java.util.Set<String> FAILURES = java.util.Set.of("PullFailed", "DestinationRefused",
            "ListRejected", "DoesNotFit", "WriteFailed");

    /** This pull failed; the list published before stays. */
    public boolean failed() {
        return FAILURES.contains(result);
    }

    public static String version(String digest) {
        return digest == null ? null : digest.substring(0, Math.min(12, digest.length()));
    }

    /** A new list published now. */
    public static ListStatus published(String message, String digest, EntryCounts entries, long bytes, int parts,
            String now, String lastPull, java.util.List<SourceStatus> sources) {
        return new ListStatus("Published", message, digest, version(digest), entries, bytes, parts, now, lastPull, now,
                null, null, sources);
    }

    /**
     * An attempt that published nothing new: the facts of the publication before it ({@code before}, null when
     * there is none) stay, with this attempt's result and sources.
     *
     * @param pulled the sources answered (the last pull's time moves)
     */
    public static ListStatus kept(ListStatus before, String result, String message, String now, boolean pulled,
            java.util.List<SourceStatus> sources) {
        if (before == null) {
            return new ListStatus(result, message, null, null, null, null, null, null, pulled ? now : null, now, null,
                    null, sources);
        }
        return new ListStatus(result, message, before.digest, before.version, before.entries, before.bytes,
                before.parts, before.published, pulled ? now : before.lastPull, now, null, null,
                sources != null ? sources : before.sources);
    }

    /** This record as the operator shows it: with the node count and the hub's availability. */
    public ListStatus withCluster(Integer onList, String hubState) {
        return new ListStatus(result, message, digest, version, entries, bytes, parts, published, lastPull,
                lastAttempt, onList, hubState, sources);
    }
}
