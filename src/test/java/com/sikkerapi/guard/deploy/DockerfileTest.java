package com.sikkerapi.guard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.operator.OperatorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the Dockerfile is checked without building it: by a linter (dockerfile-utils, the
 * engine of the Docker language server; `make lint-tools` installs it), and against what the code expects of the
 * image: the launcher where the DaemonSet's command points, and every tool the agent runs.
 */
class DockerfileTest {
    private static final Path LINTER = Path.of("src/lint/node_modules/.bin/dockerfile-utils");

    @Test
    void passesTheLinter() {
        assertThat(LINTER).as("make lint-tools").isExecutable();
        Commands.Result lint = Commands.local().run(LINTER.toString(), "lint", "Dockerfile");
        assertThat(lint.output()).isEmpty();
        assertThat(lint.ok()).isTrue();
    }

    @Test
    void installsTheLauncherWhereTheDaemonSetRunsItAndEveryToolTheAgentUses() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("install -m 0755 src/main/sh/sikkerguard /out"
                + OperatorSettings.Agent.LAUNCHER_IN_IMAGE, "ENTRYPOINT [\"" + OperatorSettings.Agent.LAUNCHER_IN_IMAGE);
        String packages = dockerfile.substring(dockerfile.indexOf("apt-get install"));
        packages = packages.substring(0, packages.indexOf("rm -rf"));
        // ipset and iptables (nf_tables and legacy) for the lists and rules, nftables to remove a table it made,
        // iproute2 for addresses and routes, ping and socat for the self-test, ulogd2 for the NFLOG sample; and no
        // package the agent does not run.
        assertThat(packages).contains(" ipset ", " iptables ", " nftables ", " iproute2 ", " iputils-ping ",
                " socat ", " ulogd2").doesNotContain("conntrack", "openjdk", "default-jre");
        // The runtime is the image's own, made with jlink, and the launcher prefers it.
        assertThat(dockerfile).contains("jlink --add-modules ", "--output /out/opt/sikkerguard/jre");
        assertThat(Files.readString(Path.of("src/main/sh/sikkerguard"))).contains("$here/jre/bin/java");
        // Base images are build arguments: public defaults, local bases for `make image`.
        assertThat(dockerfile).contains("ARG BUILD_IMAGE=", "ARG RUNTIME_BASE=", "FROM ${BUILD_IMAGE} AS build",
                "FROM ${RUNTIME_BASE}");
    }
}
