#!/usr/bin/env bash
# Builds the project's image from its Dockerfile without a Docker engine or a registry: buildah (Debian), chroot
# isolation, on two local bases made here from Debian's mirror with debootstrap, standing in for the Dockerfile's
# public defaults:
#   localhost/sikkerguard-runtime-base:bookworm  for RUNTIME_BASE (debian:bookworm-slim): minbase, without the
#                                                documentation, manuals and translations, as Debian's slim images
#   localhost/sikkerguard-build-base:bookworm    for BUILD_IMAGE (maven:3.9-eclipse-temurin-17): the same base with
#                                                Debian's OpenJDK 17 (jlink and jmods) and Maven
# The build stage's Maven uses this machine's ~/.m2 (bind-mounted into its RUN steps), so nothing is downloaded
# twice. Output: target/image/sikkerguard-oci.tar and sikkerguard-docker.tar (both import with `ctr images
# import`), and the image in buildah's store as $IMAGE (default localhost/sikkerguard:dev).
#
#   image.sh build            the image, tagged $IMAGE, and its archives
#   image.sh size             the image's size (uncompressed layers, as `docker images` shows it)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
IMAGE=${IMAGE:-localhost/sikkerguard:dev}
RUNTIME_BASE=localhost/sikkerguard-runtime-base:bookworm
BUILD_BASE=localhost/sikkerguard-build-base:bookworm
CACHE=${SIKKERGUARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sikkerguard}/image
OUT=$ROOT/target/image
MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)}

need_tools() {
  dpkg -s buildah debootstrap >/dev/null 2>&1 && return
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah debootstrap >/dev/null
}

# The minbase root file system, made once per machine and kept as a tar in the cache.
rootfs_tar() {
  local tar=$CACHE/debian-bookworm-minbase.tar work
  [ -f "$tar" ] && { echo "$tar"; return; }
  mkdir -p "$CACHE"; work=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  debootstrap --variant=minbase bookworm "$work/rootfs" "$MIRROR" >&2
  # The machine's own apt sources (mirror and security updates); no package lists or caches in the image.
  cp /etc/apt/sources.list.d/debian.sources "$work/rootfs/etc/apt/sources.list.d/debian.sources"
  rm -f "$work/rootfs/etc/apt/sources.list"
  # As Debian's slim images: dpkg leaves out documentation (but the copyright files), manuals and translations,
  # now and for every package installed later.
  cat > "$work/rootfs/etc/dpkg/dpkg.cfg.d/sikkerguard-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
DPKG
  find "$work/rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$work/rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$work/rootfs/usr/share/man/"* "$work/rootfs/usr/share/info/"* "$work/rootfs/var/cache/apt/"*.bin \
    "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/log/"*.log
  find "$work/rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  tar --numeric-owner --xattrs -C "$work/rootfs" -cf "$tar.tmp" .
  mv "$tar.tmp" "$tar"; rm -rf "$work"
  echo "$tar"
}

bases() {
  local tar ctr
  if ! buildah inspect --type image "$RUNTIME_BASE" >/dev/null 2>&1; then
    tar=$(rootfs_tar)
    ctr=$(buildah from scratch)
    buildah add "$ctr" "$tar" / >/dev/null
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd /bin/bash "$ctr"
    buildah commit --rm -q "$ctr" "$RUNTIME_BASE" >/dev/null
  fi
  if ! buildah inspect --type image "$BUILD_BASE" >/dev/null 2>&1; then
    ctr=$(buildah from "$RUNTIME_BASE")
    # This machine's own extra certificate authorities (an egress proxy's, where there is one), so that the build
    # stage's Maven reaches Maven Central as the host's does; the runtime image gets none of them.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
      buildah run --isolation chroot "$ctr" mkdir -p /usr/local/share/ca-certificates
      buildah copy "$ctr" /usr/local/share/ca-certificates/ /usr/local/share/ca-certificates/ >/dev/null
    fi
    # (OpenJDK's postinst links its manual into /usr/share/man/man1, which a slim base lacks)
    buildah run --isolation chroot "$ctr" sh -c 'mkdir -p /usr/share/man/man1 && apt-get update -q >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven \
         ca-certificates ca-certificates-java >/dev/null \
      && update-ca-certificates >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*'
    buildah commit --rm -q "$ctr" "$BUILD_BASE" >/dev/null
  fi
}

build() {
  need_tools
  local t0 t1 t2
  t0=$(date +%s)
  bases
  t1=$(date +%s)
  mkdir -p "$HOME/.m2" "$OUT"
  # The context is the project as git sees it (tracked and untracked-but-not-ignored files): no target/, no caches.
  local ctx; ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' RETURN
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$ctx" 2>/dev/null) \
    || cp -r "$ROOT/pom.xml" "$ROOT/src" "$ROOT/crds" "$ROOT/Dockerfile" "$ctx/"
  buildah bud --isolation chroot --layers=false \
    --build-arg BUILD_IMAGE="$BUILD_BASE" --build-arg RUNTIME_BASE="$RUNTIME_BASE" \
    -v "$HOME/.m2:/root/.m2" -f "$ctx/Dockerfile" -t "$IMAGE" "$ctx" > "$OUT/build.log" 2>&1 \
    || { tail -40 "$OUT/build.log" >&2; echo "image build failed: $OUT/build.log" >&2; exit 1; }
  t2=$(date +%s)
  rm -f "$OUT/sikkerguard-oci.tar" "$OUT/sikkerguard-docker.tar"
  buildah push -q "$IMAGE" "oci-archive:$OUT/sikkerguard-oci.tar:$IMAGE"
  buildah push -q "$IMAGE" "docker-archive:$OUT/sikkerguard-docker.tar:$IMAGE"
  buildah rmi --prune >/dev/null 2>&1 || true  # the image this one replaced
  echo "image $IMAGE: $(size); bases $((t1 - t0)) s, build $((t2 - t1)) s, archives $(( $(date +%s) - t2 )) s"
}

# As `docker images` shows it: the uncompressed layers.
size() { buildah images --format '{{.Size}}' "$IMAGE"; }

case "${1:-}" in
  build) build ;;
  size) size ;;
  *) echo "usage: $0 build | size" >&2; exit 2 ;;
esac
