package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.DurationBounds;
import com.sikkerapi.guard.api.Durations;
import com.sikkerapi.guard.api.FeedFormat;
import com.sikkerapi.guard.api.FeedSource;
import com.sikkerapi.guard.api.NginxOutputSpec;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.net.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the CRD schema cannot express (on Kubernetes 1.20, without CEL rules): cross-field rules and strict address
 * parsing. Each problem names its field, and any problem keeps the last good configuration on the nodes.
 */
public final class SpecValidator {

    private SpecValidator() {
    }

    /**
     * @param allowPlainHttp the operator allows http:// feeds and endpoints (sikkerguard.feeds.allow-plain-http)
     * @return the problems, each as "field: what is wrong"; empty when the spec is valid
     */
    public static List<String> validate(ThreatBlocklistSpec spec, boolean allowPlainHttp) {
        List<String> problems = new ArrayList<>();
        if (spec == null || spec.getSource() == null) {
            problems.add("spec.source: required");
            return problems;
        }
        boolean hasFeeds = spec.getSource().getFeeds() != null && !spec.getSource().getFeeds().isEmpty();
        if (spec.getSource().getSikkerapi() == null && !hasFeeds) {
            problems.add("spec.source: set sikkerapi, feeds, or both");
        }
        if (spec.getSource().getSikkerapi() != null && spec.getSource().getSikkerapi().getApiKeySecretRef() == null) {
            problems.add("spec.source.sikkerapi.apiKeySecretRef: required");
        }
        if (spec.getSource().getSikkerapi() != null) {
            checkScheme("spec.source.sikkerapi.endpoint", spec.getSource().getSikkerapi().getEndpoint(),
                    allowPlainHttp, problems);
        }
        if (hasFeeds) {
            validateFeeds(spec.getSource().getFeeds(), allowPlainHttp, problems);
        }
        List<String> whitelist = spec.getWhitelist() == null ? List.of() : spec.getWhitelist();
        for (int i = 0; i < whitelist.size(); i++) {
            try {
                Cidr.parse(whitelist.get(i));
            } catch (IllegalArgumentException e) {
                problems.add("spec.whitelist[" + i + "]: " + e.getMessage());
            }
        }
        checkInterval("spec.pullInterval", spec.getPullInterval(), DurationBounds.PULL_INTERVAL, problems);
        if (spec.getEnforcement() != null && !"0s".equals(spec.getEnforcement().getVerifyInterval())) {
            checkInterval("spec.enforcement.verifyInterval", spec.getEnforcement().getVerifyInterval(),
                    DurationBounds.VERIFY_INTERVAL, problems);
        }
        if (spec.getRollout() != null) {
            checkInterval("spec.rollout.soak", spec.getRollout().getSoak(), DurationBounds.SOAK, problems);
            checkInterval("spec.rollout.timeout", spec.getRollout().getTimeout(), DurationBounds.STAGE_TIMEOUT,
                    problems);
        }
        if (spec.getReporting() != null) {
            checkInterval("spec.reporting.interval", spec.getReporting().getInterval(),
                    DurationBounds.REPORT_INTERVAL, problems);
            Map<String, String> portMap = spec.getReporting().getPortMap();
            if (portMap != null) {
                portMap.keySet().stream().filter(port -> !isPort(port)).sorted()
                        .forEach(port -> problems.add("spec.reporting.portMap[" + port + "]: not a port number 1-65535"));
            }
        }
        if (spec.getOutputs() != null && spec.getOutputs().getNginx() != null) {
            validateNginx(spec, spec.getOutputs().getNginx(), problems);
        }
        return problems;
    }

    private static void validateNginx(ThreatBlocklistSpec spec, NginxOutputSpec nginx, List<String> problems) {
        if (nginx.getTiers() == NginxOutputSpec.Tiers.two) {
            if (spec.getSource().getSikkerapi() == null) {
                problems.add("spec.outputs.nginx.tiers: two tiers come from SikkerAPI scores; set spec.source.sikkerapi");
            }
            if (nginx.getChallengeScoreMinimum() >= nginx.getBlockScoreMinimum()) {
                problems.add("spec.outputs.nginx.challengeScoreMinimum: must be below blockScoreMinimum ("
                        + nginx.getBlockScoreMinimum() + ")");
            }
        }
        List<String> proxies = nginx.getTrustedProxies() == null ? List.of() : nginx.getTrustedProxies();
        for (int i = 0; i < proxies.size(); i++) {
            try {
                Cidr.parse(proxies.get(i));
            } catch (IllegalArgumentException e) {
                problems.add("spec.outputs.nginx.trustedProxies[" + i + "]: " + e.getMessage());
            }
        }
    }

    /** The key and the feeds travel over TLS only, unless the operator's configuration allows plain HTTP. */
    private static void checkScheme(String field, String url, boolean allowPlainHttp, List<String> problems) {
        if (url != null && !allowPlainHttp && !url.regionMatches(true, 0, "https://", 0, 8)) {
            problems.add(field + ": https:// only (the operator's sikkerguard.feeds.allow-plain-http is off)");
        }
    }

    private static void validateFeeds(List<FeedSource> feeds, boolean allowPlainHttp, List<String> problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < feeds.size(); i++) {
            FeedSource feed = feeds.get(i);
            String field = "spec.source.feeds[" + i + "]";
            if (feed.getName() != null && !names.add(feed.getName())) {
                problems.add(field + ".name: duplicate feed name " + feed.getName());
            }
            checkScheme(field + ".url", feed.getUrl(), allowPlainHttp, problems);
            if (feed.getFormat() == FeedFormat.JSON && isBlank(feed.getJsonPath())) {
                problems.add(field + ".jsonPath: required for format json");
            }
            if (feed.getFormat() == FeedFormat.CSV && isBlank(feed.getCsvColumn())) {
                problems.add(field + ".csvColumn: required for format csv");
            }
        }
    }

    private static void checkInterval(String field, String value, DurationBounds bounds, List<String> problems) {
        if (value == null) {
            return;
        }
        try {
            if (!bounds.holds(Durations.parse(value))) {
                problems.add(field + ": from " + words(bounds.min()) + " to " + words(bounds.max()));
            }
        } catch (IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
        }
    }

    /** 1m, 30s, 24h, 7d: as a person writes the bound. */
    private static String words(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toDays() > 1 && duration.equals(Duration.ofDays(duration.toDays()))) {
            return duration.toDays() + "d";
        }
        if (duration.toHours() > 0 && duration.equals(Duration.ofHours(duration.toHours()))) {
            return duration.toHours() + "h";
        }
        if (duration.toMinutes() > 0 && duration.equals(Duration.ofMinutes(duration.toMinutes()))) {
            return duration.toMinutes() + "m";
        }
        return duration.toSeconds() + "s";
    }

    private static boolean isPort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port >= 1 && port <= 65535 && String.valueOf(port).equals(text);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
