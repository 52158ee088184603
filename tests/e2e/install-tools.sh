#!/usr/bin/env bash
# Builds the end-to-end control plane (kube-apiserver, kubectl, etcd) from pinned Go modules.
# The binaries go to a cache outside the repository keyed by the pins, so a second run is a no-op
# and a pin change builds into a fresh directory. Prints the bin directory on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
KV=v1.35.4   # k8s.io/kubernetes; the staging modules are published as v0.<minor>.<patch>
SV=v0.35.4
cache_root=${E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-tidbmonitor-e2e}
# The cache key is this script plus the committed wrapper modules: a pin change means a new directory.
pins_key() { { cat "$here/install-tools.sh" "$here"/tools/*/go.mod "$here"/tools/*/go.sum 2>/dev/null || true; } | sha256sum | cut -c1-16; }
BIN="$cache_root/bin-$(pins_key)"

log() { echo "install-tools: $*" >&2; }

if [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kubectl" ] && [ -x "$BIN/etcd" ] && [ -x "$BIN/krew" ]; then
  log "cached in $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "go is not installed"; exit 1; }
for tool in openssl curl python3; do
  if ! command -v "$tool" >/dev/null; then
    log "installing $tool"
    (apt-get update -qq && apt-get install -y -qq openssl curl python3) >&2
  fi
done

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
kube_mod="$here/tools/kube"
etcd_mod="$here/tools/etcd"

# The wrapper modules are committed; this block only recreates one when it is missing (pin bump).
if [ ! -f "$kube_mod/go.mod" ]; then
  log "creating the kube wrapper module for $KV"
  (
    cd "$kube_mod"
    go mod init tidbmonitor-e2e/kube >&2
    gomod=$(go mod download -json "k8s.io/kubernetes@$KV" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')
    gover=$(awk '$1=="go"{print $2; exit}' "$gomod")
    go mod edit -go="$gover" -godebug=default=go${gover%.*}
    for m in $(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$gomod"); do
      go mod edit -replace="$m=$m@$SV"
    done
    go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$KV" "k8s.io/kubernetes/cmd/kubectl@$KV" >&2
  )
fi
EV=$(cd "$kube_mod" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
if [ ! -f "$etcd_mod/go.mod" ]; then
  log "creating the etcd wrapper module for $EV"
  (cd "$etcd_mod" && go mod init tidbmonitor-e2e/etcd >&2 && go get -tool "go.etcd.io/etcd/server/v3@$EV" >&2)
fi

BIN="$cache_root/bin-$(pins_key)"
rm -rf "$BIN.tmp"; mkdir -p "$BIN.tmp"
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
minor=${KV#v1.}; minor=${minor%%.*}
version_flags() {
  local pkg=$1
  echo "-X $pkg.gitVersion=$KV -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
}
LDF="-s -w $(version_flags k8s.io/component-base/version) $(version_flags k8s.io/client-go/pkg/version)"
log "building kube-apiserver and kubectl $KV (cold: tens of minutes on 2 cores)"
(cd "$kube_mod" && go build -trimpath -ldflags "$LDF" -o "$BIN.tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
(cd "$kube_mod" && go build -trimpath -ldflags "$LDF" -o "$BIN.tmp/kubectl" k8s.io/kubernetes/cmd/kubectl)
log "building etcd $EV"
(cd "$etcd_mod" && go build -trimpath -ldflags "-s -w" -o "$BIN.tmp/etcd" go.etcd.io/etcd/server/v3)
log "building krew and validate-krew-manifest (sigs.k8s.io/krew, pinned in tools/krew/go.mod)"
(cd "$here/tools/krew" && go build -trimpath -ldflags "-s -w" -o "$BIN.tmp/krew" sigs.k8s.io/krew/cmd/krew \
  && go build -trimpath -ldflags "-s -w" -o "$BIN.tmp/validate-krew-manifest" sigs.k8s.io/krew/cmd/validate-krew-manifest)
# kubectl finds krew as a plugin by this name.
ln -sf krew "$BIN.tmp/kubectl-krew"
rm -rf "$BIN"
mv "$BIN.tmp" "$BIN"
log "built into $BIN"
echo "$BIN"
