package com.sikkerapi.guard.nginx;

import java.util.List;

/**
 * The Nginx configuration that uses the geo include: the {@code geo $sikkerguard_tier} block (http level), the
 * real-IP lines for a site behind proxies, and the per-server lines that answer 403 to the block tier and the
 * challenge response to the challenge tier. Published next to the include files so a site copies it as it is.
 */
public final class NginxSnippet {
    public static final String VARIABLE = "$sikkerguard_tier";
    public static final String CHALLENGE_LOCATION = "@sikkerguard_challenge";

    private NginxSnippet() {
    }

    /**
     * The http-level part.
     *
     * @param includes the include files' paths as the Nginx pod sees them (where the ConfigMaps are mounted)
     * @param trustedProxies the proxies (load balancers, ingress) whose X-Forwarded-For is believed; empty when
     *        clients connect directly. Only these: anyone else could name any address in the header.
     */
    public static String http(List<String> includes, List<String> trustedProxies) {
        StringBuilder out = new StringBuilder();
        out.append("# sikkerguard: the client's tier by its address: ").append(GeoInclude.NONE).append(" none, ")
                .append(GeoInclude.CHALLENGE).append(" challenge, ").append(GeoInclude.BLOCK).append(" block.\n");
        if (!trustedProxies.isEmpty()) {
            // Before geo is evaluated, the realip module replaces $remote_addr with the client's address from the
            // header, taken from the right, skipping the trusted proxies (recursive), so a client cannot place a
            // forged address in front of the real one.
            out.append("# The client's address from X-Forwarded-For, believed only from these proxies.\n");
            for (String proxy : trustedProxies) {
                out.append("set_real_ip_from ").append(proxy).append(";\n");
            }
            out.append("real_ip_header X-Forwarded-For;\nreal_ip_recursive on;\n");
        }
        out.append("geo ").append(VARIABLE).append(" {\n    default ").append(GeoInclude.NONE).append(";\n");
        for (String include : includes) {
            out.append("    include ").append(include).append(";\n");
        }
        return out.append("}\n").toString();
    }

    /** The server-level part: in each server block to protect. Replace the challenge body with your own page. */
    public static String server() {
        return """
                # sikkerguard: 403 for the block tier, the challenge page for the challenge tier.
                if (%1$s = %2$d) {
                    return 403;
                }
                if (%1$s = %3$d) {
                    return 429;
                }
                error_page 429 %4$s;
                location %4$s {
                    default_type text/html;
                    return 429 '<html><body><h1>Checking your browser</h1><p>sikkerguard challenge</p></body></html>';
                }
                """.formatted(VARIABLE, GeoInclude.BLOCK, GeoInclude.CHALLENGE, CHALLENGE_LOCATION);
    }
}
