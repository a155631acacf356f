#!/usr/bin/env bash
# make demo: the product on one machine, no cluster needed. A real kube-apiserver v1.20 and etcd on loopback,
# `kubectl apply -k deploy/`, the built operator as a local process, simulated nodes (a Node object and a network
# namespace each) whose agents are started from the DaemonSet's pod template, SikkerAPI on loopback serving FireHOL
# level1 from ../shared/feeds. The flow is com.sikkerapi.guard.e2e.Demo (the end-to-end test runs the same one);
# it stops everything it started on exit, Ctrl-C or failure. Needs root (network namespaces, iptables).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
[ "$(id -u)" = 0 ] || { echo "make demo needs root: it creates network namespaces and firewall rules in them" >&2; exit 1; }
[ -x target/sikkerguard/bin/sikkerguard ] || { echo "run make build first (make demo does)" >&2; exit 1; }
mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt > target/demo-compile.log 2>&1 || { cat target/demo-compile.log; exit 1; }
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" com.sikkerapi.guard.e2e.Demo
