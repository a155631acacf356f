#!/usr/bin/env bash
# A real Kubernetes API server (v1.20.2) with etcd on loopback, for tests and the demo. No Docker, kind or envtest
# download is needed: the binary comes from k8s-binaries.sh (a folder named by $SIKKERGUARD_K8S_BIN, the cache,
# ../shared, or a build from Debian's own kubernetes source package).
#
#   kube-apiserver.sh obtain       prints the path of a verified kube-apiserver binary, obtaining it if needed
#   kube-apiserver.sh run DIR      starts etcd and kube-apiserver bound to 127.0.0.1, writes DIR/kubeconfig and
#                                  DIR/env, prints "READY <url>", and runs until standard input closes (or TERM/INT),
#                                  then stops both and removes their data. A parent that dies closes our stdin, so
#                                  nothing outlives the test run that started it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# The verified binary: $SIKKERGUARD_K8S_BIN, the cache, ../shared, or a build from Debian source (k8s-binaries.sh).
obtain() { "$HERE/k8s-binaries.sh" path kube-apiserver; }

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then echo "$port"; return; fi
  done
  echo "no free port" >&2; exit 1
}

run() {
  dir=$1; pids=()
  local apiserver etcd_port peer_port port
  apiserver=$(obtain)
  command -v etcd >/dev/null || { echo "etcd not found: apt-get install etcd-server" >&2; exit 1; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # The API server stops first, while etcd still answers, and each gets 10 s before a KILL: both stopped at once,
  # an API server was seen still shutting down 30 s later, its parent's TERM then ended this script mid-cleanup and
  # the server outlived the test run (its second signal ended it at once). No signal interrupts the cleanup.
  cleanup() {
    trap '' TERM INT
    local i pid
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      pid=${pids[$i]}
      kill "$pid" 2>/dev/null || continue
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
    rm -rf "$dir/etcd" "$dir/certs"
  }
  trap cleanup EXIT
  trap 'exit 0' TERM INT
  etcd_port=$(free_port); peer_port=$(free_port); port=$(free_port)
  etcd --name default --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "default=http://127.0.0.1:$peer_port" > "$dir/etcd.log" 2>&1 &
  pids+=($!)
  [ -f "$dir/sa.key" ] || { openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null; openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null; }
  local token
  token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # One admin user; tests act as other users and service accounts through impersonation or token requests.
  echo "$token,admin,admin-uid,system:masters" > "$dir/tokens.csv"
  "$apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --secure-port="$port" --cert-dir="$dir/certs" --insecure-port=0 --token-auth-file="$dir/tokens.csv" \
    --authorization-mode=RBAC --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$dir/sa.pub" --service-account-signing-key-file="$dir/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount > "$dir/apiserver.log" 2>&1 &
  pids+=($!)
  local url=https://127.0.0.1:$port
  cat > "$dir/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $url
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: $token
contexts:
- name: local
  context: {cluster: local, user: admin, namespace: default}
current-context: local
KUBECONFIG
  printf 'KUBE_URL=%s\nKUBE_TOKEN=%s\nKUBECONFIG=%s\n' "$url" "$token" "$dir/kubeconfig" > "$dir/env"
  for _ in $(seq 1 300); do
    if curl -skf -H "Authorization: Bearer $token" "$url/readyz" >/dev/null 2>&1; then
      echo "READY $url"
      # Block until our parent closes standard input (or dies), then clean up through the EXIT trap.
      cat > /dev/null || true
      return
    fi
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "etcd or kube-apiserver exited; see $dir/*.log" >&2; tail -n 5 "$dir"/*.log >&2; exit 1; }; done
    sleep 0.2
  done
  echo "kube-apiserver not ready within 60 s; see $dir/apiserver.log" >&2
  exit 1
}

case "${1:-}" in
  obtain) obtain ;;
  run) run "${2:?usage: $0 run DIR}" ;;
  *) echo "usage: $0 obtain | run DIR" >&2; exit 2 ;;
esac
