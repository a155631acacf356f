package com.sikkerapi.guard.api;

/**
 * Regular expressions the CRD schema checks at admission, so that `kubectl apply` of a malformed value is refused
 * with the field's name. They are deliberately a first gate only: the operator parses every address strictly
 * ({@code com.sikkerapi.guard.net}) and reports what the schema cannot express as an InvalidSpec condition.
 */
public final class Patterns {
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final String IPV4 = "(" + OCTET + "\\.){3}" + OCTET;
    private static final String IPV4_PREFIX = "(3[0-2]|[12]?[0-9])";
    private static final String IPV6 = "[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}";
    private static final String IPV6_PREFIX = "(12[0-8]|1[01][0-9]|[1-9]?[0-9])";

    /** An IPv4 or IPv6 address, optionally with a prefix length. */
    public static final String IP_OR_CIDR = "^(" + IPV4 + "(/" + IPV4_PREFIX + ")?|" + IPV6 + "(/" + IPV6_PREFIX + ")?)$";
    /** A Go-style duration made of whole numbers and the units ms, s, m, h (e.g. 1h30m). */
    public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";
    /** An http(s) URL. */
    public static final String HTTP_URL = "^https?://[^\\s/$.?#][^\\s]*$";
    /** An ISO 3166-1 alpha-2 country code. */
    public static final String COUNTRY = "^[A-Z]{2}$";
    /** A service name as the SikkerAPI protocols filter and the port map use them. */
    public static final String SERVICE = "^[a-z0-9][a-z0-9-]{0,31}$";
    /** A Kubernetes object name (DNS-1123 subdomain). */
    public static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$";

    private Patterns() {
    }
}
