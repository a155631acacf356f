package com.sikkerapi.guard.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the operator in a @QuarkusTest against the shared real kube-apiserver as it runs in a cluster: installed with
 * `kubectl apply -k deploy/` and acting with its own ServiceAccount's token, so the ClusterRole there is the one
 * tested (a missing right fails the test; an admin's token would hide it).
 */
public class OperatorClusterRoleProfile implements QuarkusTestProfile {
    public static final String NAMESPACE = "sikkerguard-system";
    public static final String ACCOUNT = "sikkerguard-operator";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sikkerguard.cluster.service-cidrs", RealApiServerProfile.SERVICE_CIDR,
                "sikkerguard.feeds.allow-plain-http", "true");
    }

    public static class Resource implements QuarkusTestResourceLifecycleManager {
        private Path kubeconfig;

        @Override
        public Map<String, String> start() {
            KubeApiServer server = KubeApiServer.shared();
            server.kubectl("apply", "--server-side", "-k", "deploy/").check();
            String token = server.kubectl("-n", NAMESPACE, "create", "token", ACCOUNT).check().stdout().strip();
            try {
                kubeconfig = Files.createTempFile("operator-kubeconfig", ".yaml");
                Kubeconfig.write(kubeconfig, server.url(), token, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty("kubeconfig", kubeconfig.toString());
            return Map.of();
        }

        @Override
        public void stop() {
            System.clearProperty("kubeconfig");
            try {
                Files.deleteIfExists(kubeconfig);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
