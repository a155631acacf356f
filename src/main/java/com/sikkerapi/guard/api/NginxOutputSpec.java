package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * The web-tier output: ConfigMaps {@code <name>-nginx-1 .. -N} holding an Nginx geo include each (one part of the
 * list; unused parts hold only a header, so the files an Nginx pod includes never change) and, in the first, the
 * snippet that uses them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NginxOutputSpec {
    public enum Tiers { single, two }

    @Default("single")
    @JsonPropertyDescription("single: the blocklist's list, as the nodes block it, is the block tier. two: SikkerAPI is "
            + "pulled twice, at blockScoreMinimum (block tier, with the feeds) and at challengeScoreMinimum "
            + "(challenge tier, what is not blocked).")
    private Tiers tiers = Tiers.single;

    @Default("90")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("With tiers: two, the SikkerAPI score from which an address is blocked.")
    private Integer blockScoreMinimum = 90;

    @Default("50")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("With tiers: two, the SikkerAPI score from which an address is challenged (below "
            + "blockScoreMinimum).")
    private Integer challengeScoreMinimum = 50;

    @Default("4")
    @Min(1)
    @Max(16)
    @JsonPropertyDescription("How many ConfigMaps the include is spread over (each holds at most about 900 KiB, some "
            + "50,000 networks). A list that does not fit even aggregated is not published: the status says so and "
            + "the last publication stays.")
    private Integer configMaps = 4;

    @Default("/etc/nginx/sikkerguard")
    @Pattern("^/[A-Za-z0-9._/-]*$")
    @JsonPropertyDescription("Where the Nginx pods mount the ConfigMaps (all in one folder, e.g. a projected volume): "
            + "the snippet's include paths.")
    private String includePath = "/etc/nginx/sikkerguard";

    @JsonPropertyDescription("Proxies and load balancers in front of Nginx whose X-Forwarded-For is believed "
            + "(set_real_ip_from in the snippet). Empty: clients connect directly.")
    private List<@Pattern(Patterns.IP_OR_CIDR) String> trustedProxies = new ArrayList<>();

    @JsonPropertyDescription("Also write the block tier into ingress-nginx's controller ConfigMap, key block-cidrs "
            + "(the controller reloads by itself). Needs a Role there: see deploy/samples/ingress-nginx/publisher-rbac.yaml.")
    private IngressNginxTarget ingressNginx;

    public Tiers getTiers() { return tiers; }
    public void setTiers(Tiers tiers) { this.tiers = tiers; }
    public Integer getBlockScoreMinimum() { return blockScoreMinimum; }
    public void setBlockScoreMinimum(Integer blockScoreMinimum) { this.blockScoreMinimum = blockScoreMinimum; }
    public Integer getChallengeScoreMinimum() { return challengeScoreMinimum; }
    public void setChallengeScoreMinimum(Integer challengeScoreMinimum) { this.challengeScoreMinimum = challengeScoreMinimum; }
    public Integer getConfigMaps() { return configMaps; }
    public void setConfigMaps(Integer configMaps) { this.configMaps = configMaps; }
    public String getIncludePath() { return includePath; }
    public void setIncludePath(String includePath) { this.includePath = includePath; }
    public List<String> getTrustedProxies() { return trustedProxies; }
    public void setTrustedProxies(List<String> trustedProxies) { this.trustedProxies = trustedProxies; }
    public IngressNginxTarget getIngressNginx() { return ingressNginx; }
    public void setIngressNginx(IngressNginxTarget ingressNginx) { this.ingressNginx = ingressNginx; }
}
