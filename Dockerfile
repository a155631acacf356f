# syntax=docker/dockerfile:1
# One image for the operator, the node agent and the web-tier publisher: `sikkerguard operator`, `sikkerguard agent`
# (the DaemonSet's command) or `sikkerguard publish-nginx`. With Docker: `docker build -t REGISTRY/sikkerguard:TAG .`
# Without it, `make image` builds this same file with buildah on local Debian bases (see the README).
#
# BUILD_IMAGE: a JDK 17 with jlink and its jmods, and Maven. RUNTIME_BASE: a small Debian bookworm (the agent runs
# Debian's ipset, iptables and nftables).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_BASE=debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
COPY crds crds
# The runtime holds only the JDK modules the application uses (jdeps over its jars, plus what is loaded as a
# service: jdk.crypto.ec for TLS with the API server, jdk.zipfs for Quarkus' class loading), with the JDK's own
# class-data archive (not the one for heaps over 32 GB); then the tools' archive is dumped by a training run with
# that runtime.
RUN mvn -B -ntp package -DskipTests \
 && mkdir -p /out/opt/sikkerguard/bin \
 && cp -r target/quarkus-app /out/opt/sikkerguard/app \
 && install -m 0755 src/main/sh/sikkerguard /out/opt/sikkerguard/bin/sikkerguard \
 && jlink --add-modules java.base,java.logging,java.naming,java.management,jdk.management,java.net.http,jdk.httpserver,java.sql,java.xml,jdk.unsupported,jdk.crypto.ec,jdk.zipfs \
      --strip-java-debug-attributes --no-header-files --no-man-pages --compress=2 --generate-cds-archive \
      --output /out/opt/sikkerguard/jre \
 && rm /out/opt/sikkerguard/jre/lib/server/classes_nocoops.jsa \
 && printf '# training\n1.2.3.4\n5.6.7.0/24 ; x\n2001:67c::/48\nbad\n' > /tmp/training.txt \
 && (SIKKERGUARD_CDS_DUMP=1 /out/opt/sikkerguard/bin/sikkerguard validate /tmp/training.txt > /dev/null 2>&1 || true)

FROM ${RUNTIME_BASE}
# ipset and iptables (both the nf_tables and the legacy backend: the agent uses whichever holds the node's rules),
# nftables (the nftables backend, and removing an nf_tables table the agent created), iproute2, and what the
# self-test runs after each swap: ping (gateways), getent (DNS, in libc-bin) and socat (the API endpoint); ulogd2
# reads the NFLOG sample of dropped packets for the agent's BLOCKED lines (dmesg, in util-linux, reads the kernel log).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ipset iptables nftables iproute2 \
    iputils-ping socat ulogd2 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
COPY --from=build /out/ /
ENV PATH=/opt/sikkerguard/bin:$PATH
# The operator runs as an unprivileged user (the Deployment sets runAsNonRoot); the agent's pod overrides this with
# uid 0 and only NET_ADMIN and NET_RAW, which iptables and ipset need.
USER 65532:65532
ENTRYPOINT ["/opt/sikkerguard/bin/sikkerguard"]
CMD ["operator"]
