package com.sikkerapi.guard.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Fast reconcile tests on the Fabric8 mock server (CRUD mode).
 *
 * <p>Test-only fallback: the mock server answers server-side apply with 415 and keeps no managedFields, so under this
 * profile the operator creates, updates and patches status the classic way. Everything server-side apply does is
 * tested on the real API server instead; this switch exists only so that the fast tests can run at all.
 */
public class MockServerProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.operator-sdk.enable-ssa", "false",
                "sikkerguard.cluster.service-cidrs", "10.96.0.0/12", "sikkerguard.feeds.allow-plain-http", "true");
    }
}
