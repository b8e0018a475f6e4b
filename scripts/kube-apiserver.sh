#!/usr/bin/env bash
# Builds the real Kubernetes API server the tests run against, from Debian's own packages only:
#   kube-apiserver v1.20.2 from bookworm's `kubernetes` source package (its upstream tarball ships vendor/),
#   compiled with bullseye's Go 1.15; etcd 3.4.23 from bookworm's etcd-server/etcd-client;
#   Go 1.19 (bookworm's golang-go) and sprig with its dependencies, for the Argo CD template renderer.
# Everything is fetched through a private apt configuration (the system's sources and state stay as they
# are) and cached outside the repository, keyed by package version; a part is rebuilt only when missing.
#
# Usage: scripts/kube-apiserver.sh [--print]
#   Prints the paths as shell assignments (KUBE_APISERVER=…, ETCD=…, ETCDCTL=…, GO_TEMPLATE_GOROOT=…,
#   GO_TEMPLATE_GOPATH=…). With --print nothing is built: exit 3 when a part is missing.
# Cache: $PREVIEWD_KUBE_CACHE, else $XDG_CACHE_HOME/previewd-kube, else ~/.cache/previewd-kube.
# One-time cost: ~175 MB of downloads, ~4 min of build on 2 idle cores (~10 min loaded), ~1.2 GB of disk.
set -euo pipefail

K8S_SRC_VERSION="1.20.5+really1.20.2-1.1+deb12u1"
K8S_GIT_VERSION="v1.20.2"
GO115_VERSION="1.15.15-1~deb11u4"
ETCD_VERSION="3.4.23-4+b4"
SPRIG_PACKAGES=(golang-github-masterminds-sprig-dev)

cache="${PREVIEWD_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/previewd-kube}"
apiserver_dir="$cache/kube-apiserver-$K8S_SRC_VERSION"
etcd_dir="$cache/etcd-$ETCD_VERSION"
gotemplate_dir="$cache/go-template-bookworm"

print_paths() {
  echo "KUBE_APISERVER=$apiserver_dir/kube-apiserver"
  echo "ETCD=$etcd_dir/usr/bin/etcd"
  echo "ETCDCTL=$etcd_dir/usr/bin/etcdctl"
  echo "GO_TEMPLATE_GOROOT=$(cat "$gotemplate_dir/goroot" 2>/dev/null || echo "$gotemplate_dir/missing")"
  echo "GO_TEMPLATE_GOPATH=$gotemplate_dir/gopath"
}

complete() {
  [ -x "$apiserver_dir/kube-apiserver" ] && [ -x "$etcd_dir/usr/bin/etcd" ] &&
    [ -x "$etcd_dir/usr/bin/etcdctl" ] && [ -f "$gotemplate_dir/done" ]
}

if [ "${1:-}" = "--print" ]; then
  print_paths
  complete || exit 3
  exit 0
fi

mkdir -p "$cache"
# Two test files (or CI and a developer) may ask at once: one builds, the other waits for it.
exec 9>"$cache/.lock"
flock 9

if complete; then
  print_paths
  exit 0
fi

log() { echo "kube-apiserver.sh: $*" >&2; }
started=$(date +%s)

# --- a private apt: its own sources, lists and archives; never the system's --------------------------
apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/etc"
cat >"$apt_dir/etc/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bullseye main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bullseye-security main
EOF
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o "Dir::Cache::Archives=$apt_dir/archives" -o "APT::Default-Release=bookworm"
  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -qq
)
apt_ready=""
apt_update() {
  [ -n "$apt_ready" ] && return 0
  log "updating the private apt lists in $apt_dir"
  mkdir -p "$apt_dir/cache"
  apt-get "${apt_opts[@]}" update
  apt_ready=1
}
# Downloads the named packages (name=version) into a directory and unpacks each one there.
download_unpack() {
  local into="$1"
  shift
  local work="$cache/.download"
  rm -rf "$work" && mkdir -p "$work" "$into"
  (cd "$work" && apt-get "${apt_opts[@]}" download "$@")
  local deb
  for deb in "$work"/*.deb; do dpkg -x "$deb" "$into"; done
  rm -rf "$work"
}

# --- etcd ---------------------------------------------------------------------------------------------
if ! [ -x "$etcd_dir/usr/bin/etcd" ] || ! [ -x "$etcd_dir/usr/bin/etcdctl" ]; then
  apt_update
  log "unpacking etcd $ETCD_VERSION"
  rm -rf "$etcd_dir.tmp"
  download_unpack "$etcd_dir.tmp" "etcd-server=$ETCD_VERSION" "etcd-client=$ETCD_VERSION"
  rm -rf "$etcd_dir" && mv "$etcd_dir.tmp" "$etcd_dir"
fi

# --- Go 1.19 + sprig for the Argo CD template renderer (GOPATH mode, nothing from outside) --------------
if ! [ -f "$gotemplate_dir/done" ]; then
  apt_update
  log "unpacking bookworm's golang-go and ${SPRIG_PACKAGES[*]} with its Go dependencies"
  # sprig's -dev dependencies, recursively; golang-go itself comes as golang-<v>-go + golang-<v>-src.
  mapfile -t deps < <(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "${SPRIG_PACKAGES[@]}" |
    grep -E '^[a-z0-9][a-z0-9.+-]*-dev$' | sort -u)
  go_pkg=$(apt-cache "${apt_opts[@]}" depends golang-go | sed -n 's/^ *Depends: \(golang-[0-9.]*-go\)$/\1/p' | head -1)
  go_src=${go_pkg%-go}-src
  rm -rf "$gotemplate_dir.tmp"
  download_unpack "$gotemplate_dir.tmp/root" "$go_pkg" "$go_src" "${deps[@]}"
  go_version=${go_pkg#golang-}
  goroot="$gotemplate_dir/root/usr/lib/go-${go_version%-go}"
  # Debian's -dev packages install their sources under /usr/share/gocode/src: that is a GOPATH.
  mkdir -p "$gotemplate_dir.tmp/gopath"
  ln -s ../root/usr/share/gocode/src "$gotemplate_dir.tmp/gopath/src"
  echo "$goroot" >"$gotemplate_dir.tmp/goroot"
  printf '%s\n' "$go_pkg" "${deps[@]}" >"$gotemplate_dir.tmp/packages"
  touch "$gotemplate_dir.tmp/done"
  rm -rf "$gotemplate_dir" && mv "$gotemplate_dir.tmp" "$gotemplate_dir"
fi

# --- kube-apiserver -------------------------------------------------------------------------------------
if ! [ -x "$apiserver_dir/kube-apiserver" ]; then
  apt_update
  go115_dir="$cache/go-$GO115_VERSION"
  if ! [ -x "$go115_dir/usr/lib/go-1.15/bin/go" ]; then
    log "unpacking bullseye's Go $GO115_VERSION"
    rm -rf "$go115_dir.tmp"
    download_unpack "$go115_dir.tmp" "golang-1.15-go=$GO115_VERSION" "golang-1.15-src=$GO115_VERSION"
    rm -rf "$go115_dir" && mv "$go115_dir.tmp" "$go115_dir"
  fi
  src_dir="$cache/kubernetes-src-$K8S_SRC_VERSION"
  if ! [ -d "$src_dir/tree" ]; then
    log "fetching the kubernetes source package $K8S_SRC_VERSION"
    rm -rf "$src_dir" && mkdir -p "$src_dir"
    (cd "$src_dir" && apt-get "${apt_opts[@]}" source --download-only "kubernetes=$K8S_SRC_VERSION")
    orig=$(ls "$src_dir"/kubernetes_*.orig.tar.* | head -1)
    mkdir -p "$src_dir/unpack"
    tar -xf "$orig" -C "$src_dir/unpack"
    mv "$src_dir/unpack/"* "$src_dir/tree"
    rm -rf "$src_dir/unpack"
  fi
  log "building kube-apiserver $K8S_GIT_VERSION with Go 1.15 (4–10 min the first time)"
  export GOROOT="$go115_dir/usr/lib/go-1.15"
  export PATH="$GOROOT/bin:$PATH"
  export GOFLAGS=-mod=vendor GOPROXY=off CGO_ENABLED=0 GO111MODULE=on
  export GOCACHE="$cache/gocache-1.15" GOPATH="$cache/gopath-1.15"
  cd "$src_dir/tree"
  # The tarball lacks the generated OpenAPI definitions; generate them with its own vendored generator.
  if ! [ -f pkg/generated/openapi/zz_generated.openapi.go ]; then
    go build -o _output/local/bin/linux/amd64/openapi-gen ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
    make gen_openapi >&2
  fi
  go build -trimpath -o "$cache/kube-apiserver.tmp" -ldflags "-s -w \
    -X k8s.io/component-base/version.gitVersion=$K8S_GIT_VERSION \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=20 \
    -X k8s.io/client-go/pkg/version.gitVersion=$K8S_GIT_VERSION" ./cmd/kube-apiserver
  mkdir -p "$apiserver_dir"
  mv "$cache/kube-apiserver.tmp" "$apiserver_dir/kube-apiserver"
  cd - >/dev/null
fi

log "ready after $(($(date +%s) - started)) s"
print_paths
