#!/usr/bin/env bash
# make demo: the product on a real cluster on this machine (src/scripts/cluster.sh): the image `make image` built,
# on three real kubelets with containerd, the control plane's controllers and scheduler, the operator installed
# with `kubectl apply -k` as its Deployment's pod, SikkerAPI on loopback serving FireHOL level1 from the test
# resources (src/test/resources/feeds). The flow is com.sikkerapi.guard.e2e.Demo (RealNodesKernelTest checks the
# same on the same cluster); it stops everything it started on exit, Ctrl-C or failure. Needs root (namespaces).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
[ "$(id -u)" = 0 ] || { echo "make demo needs root: it creates network namespaces and firewall rules in them" >&2; exit 1; }
[ -x target/sikkerguard/bin/sikkerguard ] || { echo "run make build first (make demo does)" >&2; exit 1; }
[ -f target/image/sikkerguard-docker.tar ] || { echo "run make image first (make demo does)" >&2; exit 1; }
mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt > target/demo-compile.log 2>&1 || { cat target/demo-compile.log; exit 1; }
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" com.sikkerapi.guard.e2e.Demo
