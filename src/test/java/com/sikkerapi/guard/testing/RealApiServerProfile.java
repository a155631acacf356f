package com.sikkerapi.guard.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Runs the operator in a @QuarkusTest against the shared real kube-apiserver. */
public class RealApiServerProfile implements QuarkusTestProfile {
    public static final String SERVICE_CIDR = "10.0.0.0/24";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        // The tests' feeds and the local SikkerAPI serve plain HTTP on loopback.
        return Map.of("sikkerguard.cluster.service-cidrs", SERVICE_CIDR, "sikkerguard.feeds.allow-plain-http", "true");
    }

    public static class Resource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            // The Quarkus client's connection properties are fixed at build time; the Fabric8 client's own
            // discovery (the "kubeconfig" system property) is read when the client is made, as in production.
            System.setProperty("kubeconfig", KubeApiServer.shared().kubeconfig().toString());
            return Map.of();
        }

        @Override
        public void stop() {
            // The server itself is shared by every test class of this JVM and stopped when the JVM exits; the
            // property must go, or the next profile's client (the mock server's) would find this server instead.
            System.clearProperty("kubeconfig");
        }
    }
}
