# sikkerguard-operator. Every target installs what it needs on a fresh Debian machine with JDK 17 and Maven (as
# root): nothing has to be installed by hand first.
#
#   make demo    the product on a real cluster on this machine: its image on real kubelets (see README)
#   make test    the whole test suite (unit, mock-server, real kube-apiserver, real nodes, kernel)
#   make build   target/sikkerguard/{bin/sikkerguard,app/}: the launcher and the application
#   make image   the image from the Dockerfile, without Docker (buildah): target/image/sikkerguard-{oci,docker}.tar
#   make crds    regenerate crds/ from the Java types (a test fails when it is stale)
#   make bench   benchmarks against iprange; writes docs/benchmarks.md

SHELL := /bin/bash
MVN := mvn -B -ntp
DEB_PACKAGES := ipset iptables iprange etcd-server socat iproute2 iputils-ping nftables openssl curl ulogd2 lua5.1 \
  libpcre2-8-0 buildah debootstrap containerd runc containernetworking-plugins gcc libc6-dev
DIST := target/sikkerguard

.PHONY: deps k8s-binaries lint-tools nginx build image test demo crds bench clean

# Debian packages the tests and the demo use: etcd for the API server, the kernel tools for the agent's tests.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

# Verified Kubernetes v1.20.2 server binaries in the cache (from $$SIKKERGUARD_K8S_BIN, ../shared, or built from
# Debian's source: src/scripts/k8s-binaries.sh).
k8s-binaries: deps
	@src/scripts/k8s-binaries.sh path kube-apiserver kubelet kube-controller-manager kube-scheduler >/dev/null

# The Dockerfile's linter (dockerfile-utils, from npm, pinned in src/lint/package-lock.json): no Docker engine here.
lint-tools:
	@command -v npm >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm)
	@[ -x src/lint/node_modules/.bin/dockerfile-utils ] || npm ci --prefix src/lint --no-audit --no-fund

# Debian's Nginx for the web-tier tests, unpacked rather than installed: installing the package starts a service on
# the host's port 80.
NGINX_DIR := $(HOME)/.cache/sikkerguard/nginx
nginx: deps
	@[ -x $(NGINX_DIR)/usr/sbin/nginx ] || { tmp=$$(mktemp -d) && cd $$tmp && \
	  (apt-get download nginx 2>/dev/null || (apt-get update -q && apt-get download nginx)) && \
	  dpkg -x nginx_*.deb $(NGINX_DIR) && rm -rf $$tmp; }

build:
	$(MVN) package -DskipTests
	rm -rf $(DIST) && mkdir -p $(DIST)/bin
	cp -r target/quarkus-app $(DIST)/app
	install -m 0755 src/main/sh/sikkerguard $(DIST)/bin/sikkerguard
	# Training run for the class-data-sharing archive the launcher uses (a few lines of each kind).
	printf '# training\n1.2.3.4\n5.6.7.0/24 ; x\n2001:67c::/48\nbad\n' > target/cds-training.txt
	SIKKERGUARD_CDS_DUMP=1 $(DIST)/bin/sikkerguard validate target/cds-training.txt > /dev/null 2>&1 || true

# The project's image, built from its Dockerfile with buildah on local Debian bases (src/scripts/image.sh).
image: deps
	src/scripts/image.sh build

# The tests run the built launcher (the agent as a process in a node namespace) and the image (on real nodes).
test: deps k8s-binaries lint-tools nginx build image
	$(MVN) test

demo: deps k8s-binaries build image
	src/scripts/demo.sh

bench: deps k8s-binaries build image
	@dpkg -s hyperfine time >/dev/null 2>&1 || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine time)
	$(MVN) -q test-compile
	src/scripts/bench.sh

crds:
	$(MVN) test -Dtest=CrdsUpToDateTest -Dsikkerguard.updateCrds=true -Dsurefire.failIfNoSpecifiedTests=false

clean:
	$(MVN) clean
