package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;

/** Whether the blocklist asks its hub for the web-tier output (spec.outputs.nginx). */
final class NginxOutputEnabled {
    private NginxOutputEnabled() {
    }

    static boolean enabled(ThreatBlocklist blocklist) {
        return blocklist.getSpec().getOutputs() != null && blocklist.getSpec().getOutputs().getNginx() != null;
    }
}
