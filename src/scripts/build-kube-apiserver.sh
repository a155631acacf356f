#!/bin/bash
# Recipe kept in the project so a fresh machine without ../shared can build the binary (see kube-apiserver.sh).
# Builds a real kube-apiserver (Kubernetes v1.20.2) from Debian bookworm's "kubernetes" source package,
# using only Debian packages. Output: $OUT/bin/kube-apiserver. etcd comes from Debian's etcd-server.
# Takes about 4.5 minutes and 1.6 GB of disk (mostly the Go build cache) on a 2-core machine.
#
# Facts behind the recipe:
#  - Debian ships the whole Kubernetes 1.20.2 tree as the source package of kubernetes-client.
#  - pkg/generated/openapi/zz_generated.openapi.go is not in the tarball: it is generated with the vendored openapi-gen.
#  - The vendored reflect2 1.0.1 crashes under Go >= 1.18 ("fatal error: fault" in mapiter) the moment a custom
#    resource is stored; Debian's reflect2 1.0.2 and json-iterator 1.1.12 replace the vendored copies.
set -euo pipefail
OUT=${OUT:?set OUT to an output folder}
mkdir -p "$OUT"/apt/lists/partial "$OUT"/apt/cache/archives/partial "$OUT"/apt/parts "$OUT"/src "$OUT"/bin "$OUT"/gopath/src/k8s.io
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q golang-go golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev etcd-server >/dev/null
# A private deb-src list made from the machine's own Debian source list; /etc/apt is left as it is.
sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$OUT"/apt/parts/debian-src.sources
APTO=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$OUT"/apt/parts -o Dir::State::Lists="$OUT"/apt/lists -o Dir::Cache="$OUT"/apt/cache)
apt-get "${APTO[@]}" update -q >/dev/null
(cd "$OUT"/src && apt-get "${APTO[@]}" source --download-only kubernetes)
tar xzf "$OUT"/src/kubernetes_*.orig.tar.gz -C "$OUT"/src
K=$(ls -d "$OUT"/src/kubernetes-1.20.*)
V="$K"/vendor/github.com
rm -rf "$V"/modern-go/reflect2/*.go "$V"/json-iterator/go/*.go
cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go "$V"/modern-go/reflect2/
cp /usr/share/gocode/src/github.com/json-iterator/go/*.go "$V"/json-iterator/go/
rm -f "$V"/modern-go/reflect2/*_test.go "$V"/json-iterator/go/*_test.go
ln -sfn "$K" "$OUT"/gopath/src/k8s.io/kubernetes
cd "$OUT"/gopath/src/k8s.io/kubernetes
export GO111MODULE=off CGO_ENABLED=0 GOPATH="$OUT"/gopath GOCACHE="$OUT"/gocache GOPROXY=off
go build -o "$OUT"/bin/openapi-gen k8s.io/kubernetes/vendor/k8s.io/kube-openapi/cmd/openapi-gen
find -H . \( -not \( \( -path ./_\* -o -path ./.\* -o -path ./vendor \) -prune \) \) -type f -name '*.go' \
  | sed 's|^./staging/src|vendor|; s|^\./||' | xargs grep --color=never -l '^// *+k8s:' \
  | grep -v -E '^vendor/k8s.io/(code-generator|sample-apiserver)/' | xargs grep --color=never -l '+k8s:openapi-gen=' \
  | xargs -n1 dirname | LC_ALL=C sort -u | sed 's|^|k8s.io/kubernetes/|' | paste -sd, > "$OUT"/openapi-inputs.txt
"$OUT"/bin/openapi-gen -i "$(cat "$OUT"/openapi-inputs.txt)" -p k8s.io/kubernetes/pkg/generated/openapi \
  -O zz_generated.openapi -h hack/boilerplate/boilerplate.generatego.txt -r "$OUT"/openapi-report.txt
LD="-s -w"
for p in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  LD="$LD -X $p.gitVersion=v1.20.2 -X $p.gitMajor=1 -X $p.gitMinor=20 -X $p.gitTreeState=clean"
done
go build -o "$OUT"/bin/kube-apiserver -ldflags "$LD" k8s.io/kubernetes/cmd/kube-apiserver
"$OUT"/bin/kube-apiserver --version
