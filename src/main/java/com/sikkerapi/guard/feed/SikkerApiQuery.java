package com.sikkerapi.guard.feed;

import com.sikkerapi.guard.api.SikkerApiSource;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The blacklist request for a {@link SikkerApiSource}: {@code GET {endpoint}/v1/key/blacklist} with the spec's
 * filters, in the plain-text form (one address per line, what the API offers for firewalls). The key goes in the
 * Authorization header, never in the URL.
 */
public final class SikkerApiQuery {
    private SikkerApiQuery() {
    }

    public static URI blacklist(SikkerApiSource source) {
        StringJoiner query = new StringJoiner("&");
        query.add("plaintext=true");
        query.add("scoreMinimum=" + source.getScoreMinimum());
        query.add("ipVersion=" + switch (source.getIpVersion()) {
            case V4 -> "4";
            case V6 -> "6";
            case MIXED -> "mixed";
        });
        list(query, "protocols", source.getProtocols());
        list(query, "onlyCountries", source.getOnlyCountries());
        list(query, "exceptCountries", source.getExceptCountries());
        list(query, "onlyAsn", asn(source.getOnlyAsn()));
        list(query, "exceptAsn", asn(source.getExceptAsn()));
        if (source.getLimit() != null) {
            query.add("limit=" + source.getLimit());
        }
        String endpoint = source.getEndpoint().replaceAll("/+$", "");
        return URI.create(endpoint + "/v1/key/blacklist?" + query);
    }

    private static List<String> asn(List<Long> numbers) {
        return numbers == null ? List.of() : numbers.stream().map(n -> "AS" + n).toList();
    }

    private static void list(StringJoiner query, String name, List<String> values) {
        if (values != null && !values.isEmpty()) {
            query.add(name + "=" + values.stream().map(v -> URLEncoder.encode(v, StandardCharsets.UTF_8))
                    .collect(Collectors.joining(",")));
        }
    }
}
