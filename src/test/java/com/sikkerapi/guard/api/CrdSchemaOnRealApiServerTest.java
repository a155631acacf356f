package com.sikkerapi.guard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.Manifests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * `kubectl apply` of a malformed resource is refused by the API server itself, naming the field. kubectl's own
 * client-side check is switched off (--validate=false) so that the verdict is the server's, as it is for GitOps
 * tools that do not run kubectl. (v1.20 names list fields without their index.)
 */
@Tag("real-apiserver")
class CrdSchemaOnRealApiServerTest {
    private static final KubeApiServer SERVER = KubeApiServer.shared();

    @BeforeAll
    static void namespace() {
        SERVER.kubectlStdin(Manifests.namespace("schema"), "apply", "-f", "-").check();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            score above 100       | source: {sikkerapi: {apiKeySecretRef: {name: k}, scoreMinimum: 101}} | spec.source.sikkerapi.scoreMinimum: Invalid value: 101
            score below 1         | source: {sikkerapi: {apiKeySecretRef: {name: k}, scoreMinimum: 0}}   | spec.source.sikkerapi.scoreMinimum: Invalid value: 0
            octal whitelist entry | {source: {feeds: [{name: f, url: 'https://x.example/f'}]}, whitelist: ['010.1.2.3']} | spec.whitelist: Invalid value: "010.1.2.3"
            prefix out of range   | {source: {feeds: [{name: f, url: 'https://x.example/f'}]}, whitelist: ['10.0.0.0/33']} | spec.whitelist: Invalid value: "10.0.0.0/33"
            duration in days      | {source: {feeds: [{name: f, url: 'https://x.example/f'}]}, pullInterval: 1d} | spec.pullInterval: Invalid value: "1d"
            unknown hook          | {source: {feeds: [{name: f, url: 'https://x.example/f'}]}, enforcement: {hook: forward}} | spec.enforcement.hook: Unsupported value: "forward"
            unknown ip version    | source: {sikkerapi: {apiKeySecretRef: {name: k}, ipVersion: '5'}} | spec.source.sikkerapi.ipVersion: Unsupported value: "5"
            no source             | dryRun: true | spec.source: Required value
            secret without name   | source: {sikkerapi: {apiKeySecretRef: {key: k}}} | spec.source.sikkerapi.apiKeySecretRef.name: Required value
            non-http feed         | source: {feeds: [{name: f, url: 'ftp://x.example/f'}]} | spec.source.feeds.url: Invalid value: "ftp://x.example/f"
            unknown feed format   | source: {feeds: [{name: f, url: 'https://x.example/f', format: xml}]} | spec.source.feeds.format: Unsupported value: "xml"
            growth factor below 1 | {source: {feeds: [{name: f, url: 'https://x.example/f'}]}, safety: {maxGrowthFactor: 0.5}} | spec.safety.maxGrowthFactor: Invalid value: 0.5
            country not ISO code  | source: {sikkerapi: {apiKeySecretRef: {name: k}, onlyCountries: [Norway]}} | spec.source.sikkerapi.onlyCountries: Invalid value: "Norway"
            """)
    void refusesWithTheFieldNamed(String what, String spec, String message) {
        String manifest = """
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklist
                metadata: {name: bad, namespace: schema}
                spec: %s
                """.formatted(spec.startsWith("{") ? spec : "{" + spec + "}");
        KubeApiServer.Result result = SERVER.kubectlStdin(manifest, "apply", "--server-side", "--validate=false",
                "-f", "-");
        assertThat(result.exit()).as(what).isNotZero();
        assertThat(result.stderr()).as(what).contains(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            defaults only   | source: {sikkerapi: {apiKeySecretRef: {name: k}}}
            ipv6 whitelist  | {source: {feeds: [{name: f, url: 'https://x.example/f'}]}, whitelist: ['2001:db8::/32', '::1', '192.0.2.1']}
            compound period | {source: {feeds: [{name: f, url: 'https://x.example/f'}]}, pullInterval: 1h30m}
            """)
    void acceptsWellFormedResourcesAndFillsDefaults(String what, String spec) {
        String name = "good-" + Integer.toHexString(what.hashCode());
        String manifest = """
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklist
                metadata: {name: %s, namespace: schema}
                spec: %s
                """.formatted(name, spec.startsWith("{") ? spec : "{" + spec + "}");
        SERVER.kubectlStdin(manifest, "apply", "--server-side", "-f", "-").check();
        String stored = SERVER.kubectl("-n", "schema", "get", "tbl", name, "-o",
                "jsonpath={.spec.safety.maxGrowthFactor} {.spec.enforcement.hook} {.spec.dryRun}").check().stdout();
        assertThat(stored).as("defaults from the schema").isEqualTo("2 prerouting false");
    }

    /**
     * Git drops an optional section (here SikkerAPI, and the web-tier output): with kubectl's client-side apply (Argo
     * CD's default sync) nothing of it stays, its schema defaults included. Server-side apply on this API server
     * (v1.20) refuses the same change: the defaults inside belong to no field manager and stay behind without the
     * section's required field (see the README's troubleshooting).
     */
    @Test
    void droppingAnOptionalSectionFromTheManifestLeavesNothingOfIt() {
        String full = """
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklist
                metadata: {name: sections, namespace: schema}
                spec:
                  source:
                    sikkerapi: {apiKeySecretRef: {name: k}}
                    feeds: [{name: f, url: 'https://x.example/f'}]
                  outputs:
                    nginx: {tiers: two, ingressNginx: {namespace: ingress-nginx}}
                """;
        SERVER.kubectlStdin(full, "apply", "-f", "-").check();
        String reduced = full.substring(0, full.indexOf("    sikkerapi")) + "    feeds: [{name: f, url: 'https://x.example/f'}]\n";
        SERVER.kubectlStdin(reduced, "apply", "-f", "-").check();
        String stored = SERVER.kubectl("-n", "schema", "get", "tbl", "sections", "-o", "jsonpath={.spec}").check()
                .stdout();
        assertThat(stored).doesNotContain("sikkerapi", "outputs", "nginx");
    }
}
