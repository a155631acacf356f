#!/usr/bin/env bash
# A real Kubernetes v1.20.2 cluster on this machine, for the tests and the demo: no Docker engine, no registry, no
# VM. Every piece runs in network namespaces made here, and every address is on veth pairs between them:
#
#   netns C (control plane): etcd 127.0.0.1:2379, kube-apiserver :443 (Node,RBAC; NodeRestriction and
#     ServiceAccount admission), kube-controller-manager, kube-scheduler. On its loopback: 10.200.1.1 (the API
#     server's advertised address), 10.200.0.1 (the "kubernetes" Service IP: no kube-proxy, so the API server
#     answers there itself), 10.200.0.10 (the pods' DNS address: nothing answers), 10.202.0.1 (ports exposed from
#     this machine's loopback, e.g. a feed server: `expose`; reachable from pods only, as a feed outside the cluster
#     is reachable for the hub's pod and, here, not for a hostNetwork agent).
#   netns N<k> (node k): eth0 10.201.k.2/24 to C (10.201.k.1), route 10.200.0.0/16 only (no default route: nothing
#     can leave), and 10.202.0.0/24 for traffic from its pods alone (a rule of their source); containerd and kubelet sg-node-<k> in a mount namespace of their own (their /var/log/pods and
#     /var/log/containers and the agent's /var/lib/sikkerguard are per node); pods on 10.244.k.0/24 (CNI ptp,
#     host-local), routed from C; the product's image imported from target/image.
#   netns A<k> (node k's attacker): 100.128.k.2/24 on a veth to the node's 100.128.k.1.
#
#   cluster.sh run DIR NODES   starts it all, prints "READY <api-url>" once every node is Ready, then takes commands
#                              on standard input, one a line, each answered "OK ..." or "ERR ...":
#                                node-up K | node-down K | expose PORT | info
#                              and stops everything when standard input closes (or on TERM/INT/failure), leaving
#                              no process, namespace, mount or cgroup behind. DIR/kubeconfig is an admin's,
#                              reached from this machine's 127.0.0.1 through a socket bridge.
# Environment: IMAGES (docker archives to import; default target/image/sikkerguard-docker*.tar and the pause image),
# KUBELET_V (kubelet log level). The binaries come from k8s-binaries.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

DIR=${2:-}; NODES=${3:-}
[ "${1:-}" = run ] && [ -n "$DIR" ] && [ -n "$NODES" ] || { echo "usage: $0 run DIR NODES" >&2; exit 2; }
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
# Names unique to this run (several clusters may run at once): netns, veths (<= 15 characters), cgroups.
ID=$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')
P=sg$ID                      # prefix: sg + 6 hex
CP=${P}c                     # control plane netns
RUN=/run/sikkerguard-cluster/$ID
MNT=$RUN/mnt
CGROUPS="cpu cpuacct cpuset memory devices freezer blkio pids systemd"
inc="nsenter --net=/run/netns/$CP"
BIN=$DIR/bin
echo "$ID" > "$DIR/id"

log() { echo "cluster: $*" >&2; }

# ---------------------------------------------------------------------------------------------------- stopping
pids_of() { cat "$DIR"/"$1"/*.pid 2>/dev/null || true; }

stop_pid_file() {  # stop_pid_file FILE [SECONDS]: TERM, wait, KILL
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f"); rm -f "$f"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((${2:-5} * 10))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# In a subshell without -e: taking a node down goes on past whatever is already gone.
node_down() (
  set +e
  local k=$1 d=$DIR/n$1 cg=${P}n$1 pid f
  [ -d "$d" ] || return 0
  stop_pid_file "$d/kubelet.pid" 10
  stop_pid_file "$d/containerd.pid" 5
  # What is left of the node: its shims (by their containerd address) and its pods' processes (its cgroups).
  for f in /proc/[0-9]*/cmdline; do
    if tr '\0' ' ' < "$f" 2>/dev/null | grep -q -- "-address $RUN/n$k/containerd.sock"; then
      pid=${f#/proc/}; kill -9 "${pid%/cmdline}" 2>/dev/null || true
    fi
  done
  for pid in $(find "/sys/fs/cgroup/pids/$cg" -name cgroup.procs -exec cat {} + 2>/dev/null); do
    kill -9 "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 30); do
    [ -z "$(find "/sys/fs/cgroup/pids/$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && break; sleep 0.1
  done
  # Mounts the kubelet and containerd made (they live in the node's mount namespace, which goes with its file).
  grep -E " ($d|$RUN/n$k)/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  umount "$MNT/n$k" 2>/dev/null || true; rm -f "$MNT/n$k"
  for c in $CGROUPS unified; do
    [ -d "/sys/fs/cgroup/$c/$cg" ] && find "/sys/fs/cgroup/$c/$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  ip netns del "${P}a$k" 2>/dev/null || true
  ip netns del "${P}n$k" 2>/dev/null || true
  ip -n "$CP" route del "10.244.$k.0/24" 2>/dev/null || true
  rm -rf "$d"
)

cleanup() {
  set +e
  trap - EXIT TERM INT
  for d in "$DIR"/n[0-9]*; do [ -d "$d" ] && node_down "${d##*/n}"; done
  for f in "$DIR"/cp/*.pid; do [ -f "$f" ] && stop_pid_file "$f" 10; done
  ip netns del "$CP" 2>/dev/null || true
  grep -q " $MNT " /proc/self/mountinfo && umount "$MNT"
  [ -f "$DIR/made-mount-points" ] && xargs -r rmdir < "$DIR/made-mount-points" 2>/dev/null
  rm -f "$DIR/made-mount-points"
  rm -rf "$RUN" "$DIR/cp/etcd"
  rmdir /run/sikkerguard-cluster 2>/dev/null || true
  log "stopped (namespaces, processes, mounts, cgroups)"
}
trap cleanup EXIT
trap 'exit 0' TERM INT

# ----------------------------------------------------------------------------------------------- control plane
start_control_plane() {
  local c=$DIR/cp
  mkdir -p "$c" "$BIN" "$RUN"
  for b in $("$HERE/k8s-binaries.sh" path kube-apiserver kube-controller-manager kube-scheduler kubelet); do
    ln -sf "$b" "$BIN/$(basename "$b")"
  done
  ip netns add "$CP"
  ip -n "$CP" link set lo up
  for a in 10.200.0.1 10.200.1.1 10.200.0.10 10.202.0.1; do ip -n "$CP" addr add "$a/32" dev lo; done
  $inc etcd --name default --data-dir "$c/etcd" --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
    --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster default=http://127.0.0.1:2380 \
    > "$c/etcd.log" 2>&1 &
  echo $! > "$c/etcd.pid"
  openssl genrsa -out "$c/sa.key" 2048 2>/dev/null; openssl rsa -in "$c/sa.key" -pubout -out "$c/sa.pub" 2>/dev/null
  token() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  echo "$(token),admin,admin-uid,system:masters" > "$c/tokens.csv"
  for k in $(seq 1 16); do echo "$(token),system:node:sg-node-$k,node-$k-uid,system:nodes" >> "$c/tokens.csv"; done
  $inc "$BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 --bind-address=0.0.0.0 --secure-port=443 \
    --advertise-address=10.200.1.1 --cert-dir="$c/certs" --insecure-port=0 --token-auth-file="$c/tokens.csv" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction,ServiceAccount \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$c/sa.pub" \
    --service-account-signing-key-file="$c/sa.key" --service-cluster-ip-range=10.200.0.0/24 \
    --allow-privileged=true --kubelet-preferred-address-types=InternalIP > "$c/apiserver.log" 2>&1 &
  echo $! > "$c/apiserver.pid"
  # The bridge from this machine's loopback: a unix socket is not tied to a network namespace.
  $inc socat "UNIX-LISTEN:$RUN/api.sock,fork,unlink-early" TCP:10.200.1.1:443 > /dev/null 2>&1 &
  echo $! > "$c/bridge-in.pid"
  local port; port=$(free_port)
  socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$RUN/api.sock" > /dev/null 2>&1 &
  echo $! > "$c/bridge-out.pid"
  API_URL=https://127.0.0.1:$port
  kubeconfig "$DIR/kubeconfig" "$API_URL" "$(awk -F, '$2=="admin"{print $1}' "$c/tokens.csv")"
  kubeconfig "$c/admin-inside.kubeconfig" https://10.200.1.1:443 "$(awk -F, '$2=="admin"{print $1}' "$c/tokens.csv")"
  for _ in $(seq 1 300); do kubectl --kubeconfig "$DIR/kubeconfig" get --raw /readyz >/dev/null 2>&1 && break; sleep 0.2; done
  kubectl --kubeconfig "$DIR/kubeconfig" get --raw /readyz >/dev/null
  $inc "$BIN/kube-controller-manager" --kubeconfig="$c/admin-inside.kubeconfig" --leader-elect=false --port=0 \
    --secure-port=10257 --bind-address=127.0.0.1 --authentication-skip-lookup=true \
    --service-account-private-key-file="$c/sa.key" --root-ca-file="$c/certs/apiserver.crt" \
    --use-service-account-credentials=true --controllers='*' --node-monitor-grace-period=20s \
    --pod-eviction-timeout=30s > "$c/controller-manager.log" 2>&1 &
  echo $! > "$c/controller-manager.pid"
  $inc "$BIN/kube-scheduler" --kubeconfig="$c/admin-inside.kubeconfig" --leader-elect=false --port=0 \
    --secure-port=10259 --bind-address=127.0.0.1 --authentication-skip-lookup=true > "$c/scheduler.log" 2>&1 &
  echo $! > "$c/scheduler.pid"
}

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && { echo "$port"; return; }
  done
  echo "no free port" >&2; return 1
}

kubeconfig() {  # FILE SERVER TOKEN
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "$2", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: "$3"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
KC
}

# ---------------------------------------------------------------------------------------------------------- nodes
node_up() {
  local k=$1 d=$DIR/n$1 ns=${P}n$1 att=${P}a$1 cg=${P}n$1 sock
  [ "$k" -ge 1 ] && [ "$k" -le 16 ] || { echo "node number 1..16" >&2; return 1; }
  [ -d "$d" ] && { echo "node $k is up" >&2; return 1; }
  mkdir -p "$d"/{cni,containerd,kubelet,kubelet-certs,plugins,manifests,log/pods,log/containers,host/var/lib/sikkerguard}
  mkdir -p "$RUN/n$k"
  ip netns add "$ns"; ip -n "$ns" link set lo up
  ip -n "$CP" link add "${P}${k}c" type veth peer name "${P}${k}n" netns "$ns"
  ip -n "$CP" addr add "10.201.$k.1/24" dev "${P}${k}c"; ip -n "$CP" link set "${P}${k}c" up
  ip -n "$ns" link set "${P}${k}n" name eth0
  ip -n "$ns" addr add "10.201.$k.2/24" dev eth0; ip -n "$ns" link set eth0 up
  ip -n "$ns" route add 10.200.0.0/16 via "10.201.$k.1"
  # The exposed ports, for the node's pods only: the node itself (and a hostNetwork agent) has no route there.
  ip -n "$ns" rule add from "10.244.$k.0/24" lookup 202 priority 1000
  ip -n "$ns" route add 10.202.0.0/24 via "10.201.$k.1" table 202
  ip -n "$CP" route add "10.244.$k.0/24" via "10.201.$k.2"
  # The attacker, on a link of its own to the node (a source the node's feed lists).
  ip netns add "$att"; ip -n "$att" link set lo up
  ip -n "$ns" link add "${P}${k}x" type veth peer name "${P}${k}y" netns "$att"
  ip -n "$ns" addr add "100.128.$k.1/24" dev "${P}${k}x"; ip -n "$ns" link set "${P}${k}x" up
  ip -n "$att" addr add "100.128.$k.2/24" dev "${P}${k}y"; ip -n "$att" link set "${P}${k}y" up
  # Pods without hostNetwork get a point-to-point veth and an address of the node's pod range.
  cat > "$d/cni/10-pods.conflist" <<CNI
{"cniVersion": "0.4.0", "name": "pods", "plugins": [
  {"type": "ptp", "ipMasq": false, "ipam": {"type": "host-local", "dataDir": "$d/cni/ipam",
   "ranges": [[{"subnet": "10.244.$k.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "loopback"}]}
CNI
  # The node's cgroups, under a parent of its own in every v1 hierarchy.
  for c in $CGROUPS; do mkdir -p "/sys/fs/cgroup/$c/$cg"; done
  cat /sys/fs/cgroup/cpuset/cpuset.cpus > "/sys/fs/cgroup/cpuset/$cg/cpuset.cpus"
  cat /sys/fs/cgroup/cpuset/cpuset.mems > "/sys/fs/cgroup/cpuset/$cg/cpuset.mems"
  # The node's mount namespace (kubelet 1.20 hard-codes /var/log/pods; two kubelets sharing it delete each
  # other's logs), made from a private bind mount so that it can be named by a file.
  touch "$MNT/n$k"; unshare --mount="$MNT/n$k" --propagation slave true
  local inm="nsenter --mount=$MNT/n$k"
  $inm mount --bind "$d/log/pods" /var/log/pods
  $inm mount --bind "$d/log/containers" /var/log/containers
  $inm mount --bind "$d/host/var/lib/sikkerguard" /var/lib/sikkerguard
  containerd_config "$k" > "$d/containerd.toml"
  nsenter --net="/run/netns/$ns" --mount="$MNT/n$k" containerd --config "$d/containerd.toml" > "$d/containerd.log" 2>&1 &
  echo $! > "$d/containerd.pid"
  sock=$RUN/n$k/containerd.sock
  for _ in $(seq 1 100); do [ -S "$sock" ] && ctr --address "$sock" version >/dev/null 2>&1 && break; sleep 0.1; done
  for i in ${IMAGES:-$ROOT/target/image/sikkerguard-docker*.tar $DIR/pause-docker.tar}; do
    ctr --address "$sock" -n k8s.io images import --no-unpack=false "$i" >/dev/null
  done
  nsenter --net="/run/netns/$ns" --mount="$MNT/n$k" "$BIN/kubelet" \
    --kubeconfig="$DIR/cp/kubelet-$k.kubeconfig" --hostname-override="sg-node-$k" --node-ip="10.201.$k.2" \
    --address="10.201.$k.2" --port=10250 --read-only-port=0 --healthz-bind-address=127.0.0.1 \
    --container-runtime=remote --container-runtime-endpoint="unix://$sock" --containerd="$sock" \
    --runtime-request-timeout=5m --cgroup-driver=cgroupfs --cgroup-root="/$cg" --cgroups-per-qos=true \
    --root-dir="$d/kubelet" --cert-dir="$d/kubelet-certs" --volume-plugin-dir="$d/plugins" \
    --pod-manifest-path="$d/manifests" --fail-swap-on=false --make-iptables-util-chains=false \
    --anonymous-auth=true --authorization-mode=AlwaysAllow --authentication-token-webhook=false \
    --cluster-domain=cluster.local --cluster-dns=10.200.0.10 \
    --image-gc-high-threshold=100 --image-gc-low-threshold=99 --eviction-hard='memory.available<100Mi' \
    --node-status-update-frequency=5s --v="${KUBELET_V:-1}" > "$d/kubelet.log" 2>&1 &
  echo $! > "$d/kubelet.pid"
  local kc="kubectl --kubeconfig $DIR/kubeconfig"
  for _ in $(seq 1 600); do
    [ "$($kc get node "sg-node-$k" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ] && break
    kill -0 "$(cat "$d/kubelet.pid")" 2>/dev/null || { echo "kubelet $k exited: $(tail -3 "$d/kubelet.log")" >&2; return 1; }
    sleep 0.1
  done
  # The pod range, as a controller with --allocate-node-cidrs would set it (the operator protects it).
  $kc patch node "sg-node-$k" --type merge -p "{\"spec\":{\"podCIDR\":\"10.244.$k.0/24\",\"podCIDRs\":[\"10.244.$k.0/24\"]}}" >/dev/null
  [ "$($kc get node "sg-node-$k" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

containerd_config() {
  local k=$1 d=$DIR/n$1
  cat <<TOML
version = 2
root = "$d/containerd"
state = "$RUN/n$k/containerd"
[grpc]
  address = "$RUN/n$k/containerd.sock"
[ttrpc]
  address = "$RUN/n$k/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:3.2"
  # No CAP_SYS_RESOURCE on this machine: runc cannot lower oom_score_adj to the sandbox's -998 and fails;
  # containerd's own score is used instead.
  restrict_oom_score_adj = true
  # Pods' network namespaces under the node's state folder (removed with the node), not in the host's /run/netns.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni"
TOML
}

# The CRI's sandbox image, from the project's own source (no registry here): a static C program that sleeps,
# reaps children and ends on INT/TERM.
pause_image() {
  local out=$DIR/pause-docker.tar work ctr
  [ -f "$out" ] && return
  work=$(mktemp -d)
  gcc -Os -static -o "$work/pause" "$HERE/pause.c" && strip "$work/pause"
  ctr=$(buildah from scratch)
  buildah copy "$ctr" "$work/pause" /pause >/dev/null
  buildah config --entrypoint '["/pause"]' --user 65535:65535 "$ctr"
  buildah commit --rm -q "$ctr" localhost/pause:3.2 >/dev/null
  buildah push -q localhost/pause:3.2 "docker-archive:$out:localhost/pause:3.2"
  rm -rf "$work"
}

expose() {  # expose PORT: this machine's 127.0.0.1:PORT as 10.202.0.1:PORT for the pods
  local port=$1
  socat "UNIX-LISTEN:$RUN/expose-$port.sock,fork,unlink-early" "TCP:127.0.0.1:$port" > /dev/null 2>&1 &
  echo $! > "$DIR/cp/expose-$port-out.pid"
  for _ in $(seq 1 50); do [ -S "$RUN/expose-$port.sock" ] && break; sleep 0.05; done
  $inc socat "TCP-LISTEN:$port,bind=10.202.0.1,fork,reuseaddr" "UNIX-CONNECT:$RUN/expose-$port.sock" > /dev/null 2>&1 &
  echo $! > "$DIR/cp/expose-$port-in.pid"
}

# --------------------------------------------------------------------------------------------------------- main
command -v buildah >/dev/null && command -v containerd >/dev/null && command -v runc >/dev/null \
  && [ -x /usr/lib/cni/ptp ] && command -v etcd >/dev/null || {
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah containerd runc containernetworking-plugins \
    etcd-server socat gcc libc6-dev >/dev/null; }
t0=$(date +%s.%N)
pause_image
start_control_plane
for k in $(seq 1 16); do
  kubeconfig "$DIR/cp/kubelet-$k.kubeconfig" https://10.200.1.1:443 \
    "$(awk -F, -v u="system:node:sg-node-$k" '$2==u{print $1}' "$DIR/cp/tokens.csv")"
done
mkdir -p "$MNT"; mount --bind "$MNT" "$MNT"; mount --make-private "$MNT"
# Mount points the nodes' own folders go on; made here (empty) where the host lacks them, and removed after.
for m in /var/log/pods /var/log/containers /var/lib/sikkerguard; do
  [ -d "$m" ] || { mkdir -p "$m"; echo "$m" >> "$DIR/made-mount-points"; }
done
# The nodes start side by side (each mostly waits for its image import and kubelet registration).
starting=()
for k in $(seq 1 "$NODES"); do node_up "$k" > "$DIR/node-$k-up.log" 2>&1 & starting+=($!); done
for pid in "${starting[@]}"; do wait "$pid" || true; done
for k in $(seq 1 "$NODES"); do
  [ "$(kubectl --kubeconfig "$DIR/kubeconfig" get node "sg-node-$k" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ] \
    || { log "node $k did not become Ready; see $DIR/n$k/kubelet.log"; tail -5 "$DIR/n$k/kubelet.log" >&2; exit 1; }
done
echo "READY $API_URL $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')"
while IFS= read -r line; do
  set -- $line
  case "${1:-}" in
    node-up) if out=$(node_up "$2" 2>&1); then echo "OK"; else echo "ERR ${out//$'\n'/ }"; fi ;;
    node-down) node_down "$2"; echo "OK" ;;
    expose) expose "$2"; echo "OK 10.202.0.1:$2" ;;
    info) echo "OK id=$ID run=$RUN cp=$CP prefix=$P" ;;
    *) echo "ERR unknown command: $line" ;;
  esac
done
