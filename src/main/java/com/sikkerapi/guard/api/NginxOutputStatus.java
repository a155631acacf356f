package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What the web-tier publisher last did, as it recorded it on the first ConfigMap (the operator folds it here).
 *
 * @param result Published, or why the last attempt published nothing new (PullFailed, ListRejected, DoesNotFit,
 *        WriteFailed); the last publication stays in place in every case
 * @param published when the ConfigMaps last changed
 * @param ingressNginx what became of the ingress-nginx block-cidrs write, when one is configured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NginxOutputStatus(
        @JsonPropertyDescription("Published, PullFailed, ListRejected, DoesNotFit or WriteFailed.") String result,
        String message,
        @JsonPropertyDescription("When the published list last changed.") String published,
        @JsonPropertyDescription("When the publisher last tried.") String lastAttempt,
        List<String> configMaps,
        @JsonPropertyDescription("Networks in the block tier.") Long blockEntries,
        @JsonPropertyDescription("Networks in the challenge tier.") Long challengeEntries,
        @JsonPropertyDescription("Bytes of include text over all ConfigMaps.") Long bytes,
        String ingressNginx) {
}
