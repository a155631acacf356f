# syntax=docker/dockerfile:1
# One image for the operator and the node agent: `sikkerguard operator` or `sikkerguard agent` (the DaemonSet's
# command). No Docker engine runs on the development machines of this project; this file is kept correct by review.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
COPY crds crds
RUN mvn -B -ntp package -DskipTests \
 && mkdir -p /out/opt/sikkerguard/bin \
 && cp -r target/quarkus-app /out/opt/sikkerguard/app \
 && install -m 0755 src/main/sh/sikkerguard /out/opt/sikkerguard/bin/sikkerguard

FROM eclipse-temurin:17-jre-jammy
# ipset and iptables (both the nf_tables and the legacy backend: the agent uses whichever holds the node's rules),
# nftables (to remove an nf_tables table the agent created, on removal), iproute2, conntrack, and what the
# self-test runs after each swap: ping (gateways), getent (DNS, in libc-bin) and socat (the feed endpoint); ulogd2
# reads the NFLOG sample of dropped packets for the agent's BLOCKED lines (dmesg, in util-linux, the kernel log).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ipset iptables nftables iproute2 \
    conntrack iputils-ping socat ulogd2 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /
ENV PATH=/opt/sikkerguard/bin:$PATH
# The operator runs as an unprivileged user (the Deployment sets runAsNonRoot); the agent's pod overrides this with
# uid 0 and only NET_ADMIN and NET_RAW, which iptables and ipset need.
USER 65532:65532
ENTRYPOINT ["/opt/sikkerguard/bin/sikkerguard"]
CMD ["operator"]
