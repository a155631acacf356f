#!/usr/bin/env bash
# make demo: the operator against a real kube-apiserver v1.20 + etcd on loopback, no cluster needed.
# Starts the API server, installs the CRDs, runs the operator as a local process, registers two Node objects,
# applies deploy/samples/ and shows what a cluster admin sees. Everything it starts is stopped on exit, Ctrl-C or error.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
WORK=$(mktemp -d /tmp/sikkerguard-demo.XXXXXX)
OPERATOR_PID=

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
kc() { kubectl --kubeconfig "$WORK/api/kubeconfig" "$@" 2> >(grep -v 'version difference' >&2); }

cleanup() {
  set +e
  [ -n "$OPERATOR_PID" ] && kill "$OPERATOR_PID" 2>/dev/null && wait "$OPERATOR_PID" 2>/dev/null
  exec 3>&-                      # closing the API server script's stdin stops etcd and kube-apiserver
  for _ in $(seq 1 50); do pgrep -f "$WORK/api" >/dev/null || break; sleep 0.2; done
  rm -rf "$WORK"
  echo "demo: cleaned up"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Starting etcd and kube-apiserver v1.20.2 on 127.0.0.1"
exec 3> >(src/scripts/kube-apiserver.sh run "$WORK/api" > "$WORK/api.ready")
for _ in $(seq 1 300); do grep -q READY "$WORK/api.ready" 2>/dev/null && break; sleep 0.2; done
grep READY "$WORK/api.ready" || { echo "kube-apiserver did not start"; exit 1; }

step "Installing the CRDs (kubectl apply --server-side -f crds/)"
kc apply --server-side -f crds/
kc wait --for=condition=Established --timeout=30s crd/threatblocklists.guard.sikkerapi.com >/dev/null

step "Registering two nodes (Node objects as a kubelet would register them)"
for i in 1 2; do
  kc apply --server-side -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata: {name: demo-node-$i, labels: {node-role.example.com/edge: "true"}}
spec: {podCIDR: 10.244.$i.0/24, podCIDRs: [10.244.$i.0/24]}
NODE
done
kc get nodes

step "Starting the operator (target/sikkerguard/bin/sikkerguard operator)"
KUBECONFIG="$WORK/api/kubeconfig" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=0 \
  SIKKERGUARD_CLUSTER_SERVICE_CIDRS=10.0.0.0/24 \
  target/sikkerguard/bin/sikkerguard operator > "$WORK/operator.log" 2>&1 &
OPERATOR_PID=$!
for _ in $(seq 1 100); do grep -q "Operator started\|started in" "$WORK/operator.log" && break; sleep 0.2; done
grep -m1 "started in" "$WORK/operator.log" || { cat "$WORK/operator.log"; exit 1; }

step "kubectl apply -f deploy/samples/"
kc apply -f deploy/samples/
for _ in $(seq 1 50); do
  [ "$(kc get tbl -A -o jsonpath='{range .items[*]}{.status.mode}{"\n"}{end}' | grep -c .)" = 4 ] && break; sleep 0.2
done

step "kubectl get threatblocklists -A"
kc get threatblocklists -A

step "The agent DaemonSets the operator made (no kubelet runs here, so no pod starts)"
kc -n sikkerguard get daemonsets,serviceaccounts,roles,rolebindings,configmaps -l app.kubernetes.io/managed-by=sikkerguard-operator

step "kubectl -n sikkerguard-staging describe threatblocklist staging"
kc -n sikkerguard-staging describe threatblocklist staging | sed -n '/^Status:/,$p'

step "Ranges no node may ever block (node addresses, pod CIDRs, API server, Service CIDR)"
kc -n sikkerguard get configmap sikkerapi-agent -o jsonpath='{.data.protected-ranges\.txt}'
