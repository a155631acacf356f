#!/usr/bin/env bash
# Kubernetes v1.20.2 server binaries for the tests and the demo, verified by sha256. No registry or download site
# ships them for this machine, so each comes, in this order, from:
#   1. $SIKKERGUARD_K8S_BIN/<name> (a folder of binaries someone already has),
#   2. the cache ($SIKKERGUARD_CACHE or ~/.cache/sikkerguard)/k8s-v1.20.2/<name>,
#   3. a prebuilt copy beside the project (../shared/real-node/bin, ../shared/kube-apiserver), an optional cache,
#   4. a build from Debian bookworm's own `kubernetes` source package with Debian's Go (about 4.5 minutes for all
#      four on 2 cores, once; 2 GB of disk in the cache while it builds).
# Every build uses -trimpath, so the same bytes come out of any folder and the pinned sha256 below holds for a
# build on any machine of this kind. The kubelet carries one source patch: it never writes the host's sysctls
# (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops are host-wide, not per network namespace).
#
#   k8s-binaries.sh path NAME...   obtains each NAME if needed and prints its verified path, one a line
#   NAME: kube-apiserver kubelet kube-controller-manager kube-scheduler
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VERSION=1.20.2
CACHE=${SIKKERGUARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sikkerguard}/k8s-v$VERSION

sha256_of() {
  case "$1" in
    kube-apiserver) echo 6290c0577865918dc00bb2b2bbb2cb682733de4b6161206fcbe0c34d19a07957 ;;
    kubelet) echo 7d93430a9c73223b348aa0bfc821bbd6d82e623b9d42c249922609d7cd12ecc1 ;;
    kube-controller-manager) echo fd5f6d90d7812caeea2e7dfa4036d8ea513bbd69aeff799182f6747dcfed99d6 ;;
    kube-scheduler) echo 6e4327140a8eb36504f09538aead326972718bf8498a3e55a86cb9fd496d3dd0 ;;
    *) echo "unknown binary: $1" >&2; exit 2 ;;
  esac
}

verified() { [ -x "$2" ] && [ "$(sha256sum "$2" | cut -d' ' -f1)" = "$(sha256_of "$1")" ]; }

prebuilt() {
  case "$1" in
    kube-apiserver) echo "$ROOT/../shared/kube-apiserver/kube-apiserver-v$VERSION-trimpath-linux-amd64.gz" ;;
    *) echo "$ROOT/../shared/real-node/bin/$1-v$VERSION-linux-amd64.gz" ;;
  esac
}

# Builds the given names into $CACHE/build/bin from Debian's source package (see the header).
build() {
  local out=$CACHE/build
  echo "building $* v$VERSION from Debian's kubernetes source package (about a minute each, once)" >&2
  export DEBIAN_FRONTEND=noninteractive
  dpkg -s golang-go golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get install -y -q golang-go golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev >/dev/null; }
  mkdir -p "$out"/apt/lists/partial "$out"/apt/cache/archives/partial "$out"/apt/parts "$out"/src "$out"/bin \
    "$out"/gopath/src/k8s.io
  # Debian's package is 1.20.5+really1.20.2: the tree inside is v1.20.2.
  local tree; tree=$(ls -d "$out"/src/kubernetes-1.20.* 2>/dev/null | head -1 || true)
  if [ -z "$tree" ]; then
    # A private deb-src list made from the machine's own sources; /etc/apt stays as it is.
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$out"/apt/parts/debian-src.sources
    local apto=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$out"/apt/parts
      -o Dir::State::Lists="$out"/apt/lists -o Dir::Cache="$out"/apt/cache)
    apt-get "${apto[@]}" update -q >/dev/null
    (cd "$out"/src && apt-get "${apto[@]}" source --download-only kubernetes >/dev/null)
    tar xzf "$out"/src/kubernetes_*.orig.tar.gz -C "$out"/src
    tree=$(ls -d "$out"/src/kubernetes-1.20.* | head -1)
    # The vendored reflect2 1.0.1 crashes under Go >= 1.18 the moment a custom resource is stored: Debian's
    # reflect2 and json-iterator replace the vendored copies.
    local v=$tree/vendor/github.com
    rm -f "$v"/modern-go/reflect2/*.go "$v"/json-iterator/go/*.go
    cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go "$v"/modern-go/reflect2/
    cp /usr/share/gocode/src/github.com/json-iterator/go/*.go "$v"/json-iterator/go/
    rm -f "$v"/modern-go/reflect2/*_test.go "$v"/json-iterator/go/*_test.go
  fi
  ln -sfn "$tree" "$out"/gopath/src/k8s.io/kubernetes
  cd "$out"/gopath/src/k8s.io/kubernetes
  export GO111MODULE=off CGO_ENABLED=0 GOPATH="$out"/gopath GOCACHE="$out"/gocache GOPROXY=off
  if [ ! -f pkg/generated/openapi/zz_generated.openapi.go ]; then
    # Not in the source tarball: generated with the vendored openapi-gen, over every package that asks for it.
    go build -o "$out"/bin/openapi-gen k8s.io/kubernetes/vendor/k8s.io/kube-openapi/cmd/openapi-gen
    find -H . \( -not \( \( -path ./_\* -o -path ./.\* -o -path ./vendor \) -prune \) \) -type f -name '*.go' \
      | sed 's|^./staging/src|vendor|; s|^\./||' | xargs grep --color=never -l '^// *+k8s:' \
      | grep -v -E '^vendor/k8s.io/(code-generator|sample-apiserver)/' | xargs grep --color=never -l '+k8s:openapi-gen=' \
      | xargs -n1 dirname | LC_ALL=C sort -u | sed 's|^|k8s.io/kubernetes/|' | paste -sd, > "$out"/openapi-inputs.txt
    "$out"/bin/openapi-gen -i "$(cat "$out"/openapi-inputs.txt)" -p k8s.io/kubernetes/pkg/generated/openapi \
      -O zz_generated.openapi -h hack/boilerplate/boilerplate.generatego.txt -r "$out"/openapi-report.txt
  fi
  # kubelet 1.20 (pkg/kubelet/cm/container_manager_linux.go, setupNode) sets three host-wide sysctls unless
  # --protect-kernel-defaults, which makes it fail instead: it only warns here.
  sed -i 's/^\tb := KernelTunableModify$/\tb := KernelTunableWarn \/\/ sikkerguard: never write the host'"'"'s sysctls/' \
    pkg/kubelet/cm/container_manager_linux.go
  grep -q 'b := KernelTunableWarn' pkg/kubelet/cm/container_manager_linux.go
  local ld="-s -w" p name
  for p in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=v$VERSION -X $p.gitMajor=1 -X $p.gitMinor=20 -X $p.gitTreeState=clean"
  done
  for name in "$@"; do
    go build -trimpath -o "$out/bin/$name" -ldflags "$ld" "k8s.io/kubernetes/cmd/$name"
  done
}

obtain() {
  local name=$1 bin=$CACHE/$1 gz
  if [ -n "${SIKKERGUARD_K8S_BIN:-}" ]; then
    verified "$name" "$SIKKERGUARD_K8S_BIN/$name" || { echo "$SIKKERGUARD_K8S_BIN/$name is not $name v$VERSION (sha256)" >&2; exit 1; }
    echo "$SIKKERGUARD_K8S_BIN/$name"; return
  fi
  verified "$name" "$bin" && { echo "$bin"; return; }
  mkdir -p "$CACHE"
  gz=$(prebuilt "$name")
  if [ -f "$gz" ]; then
    gunzip -c "$gz" > "$bin.tmp"; chmod +x "$bin.tmp"
    verified "$name" "$bin.tmp" || { echo "$gz does not match the pinned sha256: building instead" >&2; rm -f "$bin.tmp"; }
  fi
  if [ ! -f "$bin.tmp" ]; then
    (build "$name") >&2
    cp "$CACHE/build/bin/$name" "$bin.tmp"
  fi
  verified "$name" "$bin.tmp" || { echo "obtained $name does not match sha256 $(sha256_of "$name")" >&2; rm -f "$bin.tmp"; exit 1; }
  mv "$bin.tmp" "$bin"
  echo "$bin"
}

case "${1:-}" in
  path) shift; [ $# -gt 0 ] || { echo "usage: $0 path NAME..." >&2; exit 2; }
    for n in "$@"; do sha256_of "$n" >/dev/null; obtain "$n"; done
    # The source tree and Go cache (2.5 GB) serve no purpose once every binary is in the cache.
    all=1; for n in kube-apiserver kubelet kube-controller-manager kube-scheduler; do verified "$n" "$CACHE/$n" || all=0; done
    [ "$all" = 0 ] || rm -rf "$CACHE/build" ;;
  clean-build) rm -rf "$CACHE/build" ;;
  *) echo "usage: $0 path NAME... | clean-build" >&2; exit 2 ;;
esac
