package com.sikkerapi.guard.testing;

/** YAML for tests that drive the real API server through kubectl, as a cluster admin would. */
public final class Manifests {
    private Manifests() {
    }

    public static String namespace(String name) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                """.formatted(name);
    }

    /** A valid SikkerAPI blocklist; {@code extraSpec} is YAML indented by two spaces, appended to the spec. */
    public static String blocklist(String namespace, String name, String extraSpec) {
        return """
                apiVersion: guard.sikkerapi.com/v1alpha1
                kind: ThreatBlocklist
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  source:
                    sikkerapi:
                      apiKeySecretRef:
                        name: sikkerapi-key
                %s
                """.formatted(name, namespace, extraSpec.isEmpty() ? "" : extraSpec.stripTrailing().indent(2));
    }
}
