package com.sikkerapi.guard.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.AgentConfig;
import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NginxOutputSpec;
import com.sikkerapi.guard.api.ThreatBlocklistSpec;
import com.sikkerapi.guard.net.AddressSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NginxPublicationTest {
    private static final AgentConfig CONFIG = new AgentConfig("web", "ns", "uid-1", 3, Mode.Enforcing, ModeReason.Spec,
            new ThreatBlocklistSpec());

    @Test
    void everySlotIsWrittenSoTheIncludedFilesNeverChange() {
        NginxOutputSpec spec = new NginxOutputSpec();
        spec.setConfigMaps(3);
        spec.setTrustedProxies(List.of("10.0.0.0/8"));
        var fits = (NginxPublication.Fits) NginxPublication.plan(CONFIG, spec, AddressSet.of(List.of("45.1.2.3")),
                AddressSet.EMPTY);
        assertThat(fits.configMaps()).extracting(c -> c.getMetadata().getName())
                .containsExactly("web-nginx-1", "web-nginx-2", "web-nginx-3");
        assertThat(fits.configMaps().get(0).getData()).containsKeys("web-1.conf", NginxPublication.HTTP_SNIPPET,
                NginxPublication.SERVER_SNIPPET);
        assertThat(fits.configMaps().get(0).getData().get("web-1.conf")).contains("45.1.2.3 2;");
        assertThat(fits.configMaps().get(2).getData().get("web-3.conf")).startsWith("#").doesNotContain(";");
        assertThat(fits.configMaps().get(0).getData().get(NginxPublication.HTTP_SNIPPET))
                .contains("include /etc/nginx/sikkerguard/web-3.conf;", "set_real_ip_from 10.0.0.0/8;");
        assertThat(fits.configMaps()).allSatisfy(c -> {
            assertThat(c.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
            assertThat(c.getMetadata().getLabels()).containsEntry(NginxPublication.OUTPUT_LABEL, "nginx");
        });
    }

    @Test
    void aListThatNeedsMoreConfigMapsThanAllowedIsRefusedWhole() {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 80_000; i++) {
            entries.add("61." + (i >> 8 & 0xff) + "." + (i & 0xff) + "." + (1 + 2 * (i >> 16)));
        }
        NginxOutputSpec spec = new NginxOutputSpec();
        spec.setConfigMaps(1);
        var plan = NginxPublication.plan(CONFIG, spec, AddressSet.of(entries), AddressSet.EMPTY);
        assertThat(plan).isInstanceOfSatisfying(NginxPublication.DoesNotFit.class, refused -> assertThat(
                refused.reason()).contains("80000 block", "need 2 ConfigMaps", "allows 1"));
    }
}
