package com.sikkerapi.guard.nginx;

import com.sikkerapi.guard.agent.AgentLoop;
import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.IngressNginxTarget;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.NginxOutputSpec;
import com.sikkerapi.guard.api.NginxOutputStatus;
import com.sikkerapi.guard.api.Rfc3339;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.feed.ValidationPolicy;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * One publication cycle of the hub's web-tier output: with one tier, the node list of the same pull; with two, each
 * tier pulled at its own score with the same feed core (same parsers, same validation: special ranges, whitelist,
 * the cluster's own ranges, the growth rule). Then render, and write the ConfigMaps (and the ingress-nginx key).
 * Whatever fails, the last publication stays as it is; the first ConfigMap's status annotation says what happened.
 */
public final class NginxPublisher {
    private static final Logger LOG = Logger.getLogger(NginxPublisher.class);
    static final String INGRESS_KEY = "block-cidrs";

    private final KubernetesClient client;
    private final Path apiKeyFile;
    private final FeedPuller blockPuller;
    private final FeedPuller challengePuller;
    private Baselines baselines;
    /** Where block-cidrs was last written ({@code namespace/name}), recorded for the operator to take it back. */
    private String ingressTarget;

    /**
     * The hub's node list from the same pull: the one-tier block list (same sources, same score), so the feeds are
     * asked once. A null list with no failure means nothing changed.
     */
    public record NodeList(AddressSet list, long listed, String failureReason, String failure) {
    }

    public NginxPublisher(KubernetesClient client, Path apiKeyFile, FeedPuller blockPuller,
            FeedPuller challengePuller) {
        this.client = client;
        this.apiKeyFile = apiKeyFile;
        this.blockPuller = blockPuller;
        this.challengePuller = challengePuller;
    }

    private record Tier(AddressSet list, long listed, String failureReason, String failure, boolean unchanged) {
        static Tier failed(String reason, String message) {
            return new Tier(null, -1, reason, message, false);
        }
    }

    public NginxOutputStatus cycle(AgentLoop.Config config, boolean configChanged, NodeList nodes)
            throws IOException {
        AgentConfig agent = config.agent();
        NginxOutputSpec spec = agent.spec().getOutputs().getNginx();
        ConfigMap first = com.sikkerapi.guard.api.Owners.ownedBy(client.configMaps()
                .inNamespace(agent.namespace()).withName(NginxPublication.configMapName(agent.blocklist(), 1)).get(),
                agent.uid());
        NginxOutputStatus previous = first == null ? null : NginxPublication.status(first);
        if (baselines == null) {
            baselines = previousBaselines(first);
            ingressTarget = recordedTarget(first);
        }
        String now = Rfc3339.format(Instant.now());
        ValidationPolicy policy = ValidationPolicy.of(agent.spec().getSafety(), config.bounds(),
                AddressSet.of(config.neverBlocked()));
        boolean twoTiers = spec.getTiers() == NginxOutputSpec.Tiers.two;

        List<FeedPuller.Source> blockSources = twoTiers ? FeedPuller.sources(withScore(agent.spec(),
                spec.getBlockScoreMinimum(), true), apiKeyFile) : List.of();
        List<FeedPuller.Source> challengeSources = twoTiers ? FeedPuller.sources(withScore(agent.spec(),
                spec.getChallengeScoreMinimum(), false), apiKeyFile) : List.of();
        String blockAsked = FeedPuller.identity(blockSources);
        String challengeAsked = FeedPuller.identity(challengeSources);
        Tier block = twoTiers ? pull(blockPuller, blockSources, policy, baselines.block(blockAsked), configChanged)
                : fromNodeList(nodes, policy);
        Tier challenge = twoTiers ? pull(challengePuller, challengeSources, policy,
                baselines.challenge(challengeAsked), configChanged) : new Tier(AddressSet.EMPTY, 0, null, null, false);
        for (Tier tier : List.of(block, challenge)) {
            if (tier.failure() != null) {
                LOG.warnf("Not published (%s), the last publication stays: %s", tier.failureReason(), tier.failure());
                return record(agent, keep(previous, tier.failureReason(), tier.failure(), now));
            }
        }
        if (block.unchanged() && challenge.unchanged() && previous != null && "Published".equals(previous.result())) {
            return record(agent, keep(previous, "Published", previous.message(), now));
        }
        if (block.unchanged() || challenge.unchanged()) {
            // One tier changed, the other was not re-read: read both again so the two are from the same moment.
            return cycle(config, true, nodes);
        }
        NginxPublication.Plan plan = NginxPublication.plan(agent, spec, block.list(), challenge.list());
        if (plan instanceof NginxPublication.DoesNotFit tooBig) {
            LOG.warnf("Not published, the last publication stays: %s", tooBig.reason());
            return record(agent, keep(previous, "DoesNotFit", tooBig.reason(), now));
        }
        NginxPublication.Fits fits = (NginxPublication.Fits) plan;
        long blockEntries = fits.rendered().blockEntries();
        long challengeEntries = fits.rendered().challengeEntries();
        if (agent.mode() == Mode.DryRun) {
            String message = "dry-run: would publish " + blockEntries + " block and " + challengeEntries
                    + " challenge networks";
            LOG.info(message);
            return record(agent, keep(previous, "DryRun", message, now));
        }
        String ingress = spec.getIngressNginx() == null ? null : writeIngress(spec.getIngressNginx(), block.list(),
                blockEntries);
        if (ingress != null && ingress.startsWith("wrote ")) {
            ingressTarget = spec.getIngressNginx().getNamespace() + "/" + spec.getIngressNginx().getConfigMapName();
        }
        boolean same = previous != null && sameData(fits.configMaps());
        NginxOutputStatus status = new NginxOutputStatus("Published", blockEntries + " block and " + challengeEntries
                + " challenge networks in " + fits.rendered().parts().size() + " of " + spec.getConfigMaps()
                + " ConfigMaps", same ? previous.published() : now, now,
                NginxPublication.configMapNames(agent.blocklist(), spec.getConfigMaps()), blockEntries,
                challengeEntries, fits.bytes(), ingress);
        Baselines published = twoTiers ? new Baselines(block.listed(), blockAsked, challenge.listed(), challengeAsked)
                : new Baselines(block.listed(), null, challenge.listed(), null);
        // The parts after the first go first: the status on the first then says what is there.
        try {
            for (int slot = fits.configMaps().size(); slot >= 1; slot--) {
                ConfigMap configMap = fits.configMaps().get(slot - 1);
                if (slot == 1) {
                    configMap.getMetadata().setAnnotations(annotations(status, published));
                }
                apply(configMap);
            }
        } catch (KubernetesClientException e) {
            // The growth rule keeps comparing with what was last published, not with this unpublished list.
            return record(agent, keep(previous, "WriteFailed", e.getMessage(), now));
        }
        baselines = published;
        LOG.infof("Published %d block and %d challenge networks (%d bytes)%s", blockEntries, challengeEntries,
                fits.bytes(), ingress == null ? "" : "; ingress-nginx: " + ingress);
        return status;
    }

    private Tier fromNodeList(NodeList nodes, ValidationPolicy policy) {
        if (nodes.failure() != null) {
            return Tier.failed(nodes.failureReason(), nodes.failure());
        }
        return nodes.list() == null ? new Tier(null, baselines.block(), null, null, true)
                : new Tier(nodes.list().except(policy.whitelist()), nodes.listed(), null, null, false);
    }

    private Tier pull(FeedPuller puller, List<FeedPuller.Source> sources, ValidationPolicy policy, long previous,
            boolean revalidate) throws IOException {
        FeedPuller.Pull pull = puller.pull(sources, policy, previous,
                (source, line, reason, text) -> { }, revalidate);
        if (pull.failure() != null) {
            return Tier.failed("PullFailed", pull.failure());
        }
        if (pull.unchanged()) {
            return new Tier(null, previous, null, null, true);
        }
        if (pull.result() instanceof ValidationResult.Rejected rejected) {
            return Tier.failed("ListRejected", rejected.reason());
        }
        return new Tier(((ValidationResult.Accepted) pull.result()).blocked(), pull.result().counts().entries(), null,
                null, false);
    }

    /** The spec with SikkerAPI at another score; the challenge tier is SikkerAPI alone (feeds carry no score). */
    private static ThreatBlocklistSpec withScore(ThreatBlocklistSpec spec, int scoreMinimum, boolean withFeeds) {
        ThreatBlocklistSpec copy = Serialization.clone(spec);
        copy.getSource().getSikkerapi().setScoreMinimum(scoreMinimum);
        if (!withFeeds) {
            copy.getSource().setFeeds(List.of());
        }
        return copy;
    }

    /**
     * The block tier into ingress-nginx's block-cidrs, by server-side apply under our own field manager: we own
     * that key and nothing else of the controller's ConfigMap; a later apply without it removes it.
     */
    private String writeIngress(IngressNginxTarget target, AddressSet block, long entries) throws IOException {
        String where = target.getNamespace() + "/" + target.getConfigMapName();
        if (entries > target.getMaxEntries()) {
            return "not written: " + entries + " networks exceed maxEntries " + target.getMaxEntries();
        }
        try {
            if (client.configMaps().inNamespace(target.getNamespace()).withName(target.getConfigMapName()).get()
                    == null) {
                return "not written: " + where + " does not exist";
            }
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            CidrWriter.write(block, text);
            String cidrs = text.toString(StandardCharsets.US_ASCII).strip().replace('\n', ',');
            apply(new ConfigMapBuilder().withNewMetadata().withName(target.getConfigMapName())
                    .withNamespace(target.getNamespace()).endMetadata().withData(Map.of(INGRESS_KEY, cidrs)).build());
            return "wrote " + entries + " networks to " + where + " " + INGRESS_KEY;
        } catch (KubernetesClientException e) {
            return "not written to " + where + ": " + (e.getCode() == 403 ? "forbidden: the publisher's account "
                    + "needs get and patch on it (deploy/samples/ingress-nginx/publisher-rbac.yaml)" : e.getMessage());
        }
    }

    private boolean sameData(List<ConfigMap> next) {
        for (ConfigMap configMap : next) {
            ConfigMap current = client.configMaps().inNamespace(configMap.getMetadata().getNamespace())
                    .withName(configMap.getMetadata().getName()).get();
            if (current == null || !Objects.equals(current.getData(), configMap.getData())) {
                return false;
            }
        }
        return true;
    }

    /** A cycle that published nothing new: the status annotation alone, on the first ConfigMap if there is one. */
    private NginxOutputStatus record(AgentConfig agent, NginxOutputStatus status) {
        String name = NginxPublication.configMapName(agent.blocklist(), 1);
        try {
            ConfigMap first = client.configMaps().inNamespace(agent.namespace()).withName(name).get();
            ConfigMap annotated = NginxPublication.configMap(agent, 1, first == null ? Map.of() : first.getData(),
                    annotations(status, baselines));
            apply(annotated);
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record the publication status on %s: %s", name, e.getMessage());
        }
        return status;
    }

    private static NginxOutputStatus keep(NginxOutputStatus previous, String result, String message, String now) {
        return previous == null ? new NginxOutputStatus(result, message, null, now, null, null, null, null, null)
                : new NginxOutputStatus(result, message, previous.published(), now, previous.configMaps(),
                        previous.blockEntries(), previous.challengeEntries(), previous.bytes(),
                        previous.ingressNginx());
    }

    private Map<String, String> annotations(NginxOutputStatus status, Baselines listed) {
        Map<String, String> annotations = new java.util.HashMap<>(Map.of(NginxPublication.STATUS_ANNOTATION,
                NginxPublication.statusJson(status), NginxPublication.LISTED_ANNOTATION, listed.annotation()));
        if (ingressTarget != null) {
            annotations.put(NginxPublication.INGRESS_TARGET_ANNOTATION, ingressTarget);
        }
        return annotations;
    }

    private static String recordedTarget(ConfigMap first) {
        return first == null || first.getMetadata().getAnnotations() == null ? null
                : first.getMetadata().getAnnotations().get(NginxPublication.INGRESS_TARGET_ANNOTATION);
    }

    private static Baselines previousBaselines(ConfigMap first) {
        return Baselines.parse(first == null || first.getMetadata().getAnnotations() == null ? null
                : first.getMetadata().getAnnotations().get(NginxPublication.LISTED_ANNOTATION));
    }

    private void apply(ConfigMap configMap) {
        NginxPublication.applyAsPublisher(client, configMap);
    }
}
