package com.sikkerapi.guard.feed;

import java.net.URI;
import java.util.StringJoiner;

/**
 * A source's address as the status shows it: never its user info (a password), and for a feed of the author's
 * the names of its query parameters without their values (a token often rides there); SikkerAPI's query holds the
 * spec's filters alone (the key goes in a header) and is shown as it is, so a changed filter is visible.
 */
final class SourceAddress {
    static final String HIDDEN = "***";

    private SourceAddress() {
    }

    static String shown(URI uri, boolean publicQuery) {
        StringBuilder text = new StringBuilder(withoutQuery(uri));
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            text.append('?').append(publicQuery ? query : namesOnly(query));
        }
        return text.toString();
    }

    /** Scheme, host, port and path: for logs and failure reasons. */
    static String withoutQuery(URI uri) {
        StringBuilder text = new StringBuilder().append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() >= 0) {
            text.append(':').append(uri.getPort());
        }
        return text.append(uri.getRawPath() == null ? "" : uri.getRawPath()).toString();
    }

    private static String namesOnly(String query) {
        StringJoiner shown = new StringJoiner("&");
        for (String parameter : query.split("&", -1)) {
            int equals = parameter.indexOf('=');
            // A parameter without a name is all value: hidden whole.
            shown.add(equals <= 0 ? HIDDEN : parameter.substring(0, equals + 1) + HIDDEN);
        }
        return shown.toString();
    }
}
