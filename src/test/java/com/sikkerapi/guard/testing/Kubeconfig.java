package com.sikkerapi.guard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A ServiceAccount's token as a kubeconfig file: how a pod, or the operator outside its Deployment, reaches the API. */
public final class Kubeconfig {
    private Kubeconfig() {
    }

    /** @param namespace the default namespace, or null */
    public static Path write(Path file, String server, String token, String namespace) {
        try {
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: cluster, cluster: {server: '%s', insecure-skip-tls-verify: true}}]
                    users: [{name: account, user: {token: '%s'}}]
                    contexts: [{name: account, context: {cluster: cluster, user: account%s}}]
                    current-context: account
                    """.formatted(server, token, namespace == null ? "" : ", namespace: " + namespace));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
