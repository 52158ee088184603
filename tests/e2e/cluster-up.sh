#!/usr/bin/env bash
# Starts etcd + kube-apiserver on free loopback ports with fresh certificates, installs the CRDs from
# ../shared/fixtures/crds (tidb-operator v1, prometheus-operator, VictoriaMetrics) and the 19 tidb-operator v2 CRDs
# from ../shared/fixtures/v2/crds (E2E_V2_CRDS=none skips those), writes an admin and a restricted ("viewer")
# kubeconfig, then either
#   - runs the given command with E2E_* variables exported and tears everything down after it, or
#   - with no command, prints the variables and waits until interrupted.
# Everything it starts is stopped by PID on exit, and its temp dir removed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
crds=${E2E_CRDS:-$repo/../shared/fixtures/crds}
v2_crds=${E2E_V2_CRDS:-$repo/../shared/fixtures/v2/crds}
BIN=$("$here/install-tools.sh")
export PATH="$BIN:$PATH" NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

W=$(mktemp -d "${TMPDIR:-/tmp}/tidbmonitor-e2e.XXXXXX")
pids=()
cleanup() {
  local rc=$?
  # API servers first (an API server whose etcd is gone can take minutes to give up), then etcd;
  # whatever ignores SIGTERM for 10 s is killed.
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$W"
  exit $rc
}
trap cleanup EXIT INT TERM
fail() {
  echo "cluster-up: $*" >&2
  for log in "$W"/*.log; do
    [ -f "$log" ] && { echo "--- tail of $log" >&2; tail -20 "$log" >&2; }
  done
  exit 1
}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
EP=$(free_port); PP=$(free_port); AP=$(free_port)

# Certificates: a throw-away CA, the server cert with an IP SAN (rustls wants it), the admin client cert.
cd "$W"
printf '[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=v3_ca\n[dn]\nCN=tidbmonitor-e2e-ca\n[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' >ca.cnf
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
sed 's/serverAuth/clientAuth/;/subjectAltName/d' server.ext >client.ext
{
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -config ca.cnf
  openssl req -new -newkey rsa:2048 -nodes -keyout apiserver.key -subj /CN=localhost -out apiserver.csr
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out apiserver.crt
  openssl req -new -newkey rsa:2048 -nodes -keyout admin.key -subj "/O=system:masters/CN=e2e-admin" -out admin.csr
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out admin.crt
  openssl genrsa -out sa.key 2048 && openssl rsa -in sa.key -pubout -out sa.pub
} >/dev/null 2>&1 || fail "openssl failed"
VIEWER_TOKEN=$(openssl rand -hex 16)
echo "$VIEWER_TOKEN,e2e-viewer,1001,\"e2e:viewers\"" >tokens.csv

etcd --name=e2e --data-dir="$W/etcd" --listen-client-urls="http://127.0.0.1:$EP" \
  --advertise-client-urls="http://127.0.0.1:$EP" --listen-peer-urls="http://127.0.0.1:$PP" \
  --initial-advertise-peer-urls="http://127.0.0.1:$PP" --initial-cluster="e2e=http://127.0.0.1:$PP" \
  --unsafe-no-fsync=true --max-request-bytes=4194304 --log-level=warn >"$W/etcd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$EP/health" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "etcd exited"
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$EP/health" >/dev/null 2>&1 || fail "etcd did not become healthy"

# start_apiserver PORT ETCD_PREFIX NAME: a second server on its own etcd prefix has no CRDs, which is how the
# tests see "tidb-operator not installed" without disturbing the main server.
start_apiserver() {
  kube-apiserver --etcd-servers="http://127.0.0.1:$EP" --etcd-prefix="$2" --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 --secure-port="$1" --tls-cert-file="$W/apiserver.crt" \
    --tls-private-key-file="$W/apiserver.key" --cert-dir="$W/certs-$3" --client-ca-file="$W/ca.crt" \
    --token-auth-file="$W/tokens.csv" --authorization-mode=RBAC --service-account-issuer="https://127.0.0.1:$1/" \
    --service-account-key-file="$W/sa.pub" --service-account-signing-key-file="$W/sa.key" \
    --service-cluster-ip-range=10.0.0.0/16 --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true --v=1 >"$W/$3.log" 2>&1 &
  pids+=($!)
}
wait_ready() {
  local port=$1 pid=$2 name=$3
  for _ in $(seq 1 240); do
    curl -fsS --cacert "$W/ca.crt" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || fail "$name exited"
    sleep 0.5
  done
  fail "$name not ready after 120s"
}
BP=$(free_port); SP=$(free_port)
start_apiserver "$AP" /registry apiserver; main_pid=${pids[-1]}
start_apiserver "$BP" /bare bare-apiserver; bare_pid=${pids[-1]}
# A second Kubernetes cluster (own etcd prefix, own objects) with tidb-operator v1's CRDs: the other context of
# the multi-context tests.
start_apiserver "$SP" /second second-apiserver; second_pid=${pids[-1]}
wait_ready "$AP" "$main_pid" kube-apiserver
wait_ready "$BP" "$bare_pid" "bare kube-apiserver"
wait_ready "$SP" "$second_pid" "second kube-apiserver"

ADMIN="$W/admin.kubeconfig"; VIEWER="$W/viewer.kubeconfig"; BARE="$W/bare.kubeconfig"
k() { kubectl --kubeconfig="$ADMIN" --cache-dir="$W/kube-cache" "$@"; }
for cfg in "$ADMIN" "$VIEWER"; do
  kubectl config --kubeconfig="$cfg" set-cluster e2e --server="https://127.0.0.1:$AP" \
    --certificate-authority="$W/ca.crt" --embed-certs=true >/dev/null
done
kubectl config --kubeconfig="$ADMIN" set-credentials e2e-admin --client-certificate="$W/admin.crt" \
  --client-key="$W/admin.key" --embed-certs=true >/dev/null
kubectl config --kubeconfig="$ADMIN" set-context e2e --cluster=e2e --user=e2e-admin >/dev/null
kubectl config --kubeconfig="$ADMIN" use-context e2e >/dev/null
sed "s#https://127.0.0.1:$AP#https://127.0.0.1:$BP#" "$ADMIN" >"$BARE"
SECOND="$W/second.kubeconfig"; MULTI="$W/multi.kubeconfig"
sed "s#https://127.0.0.1:$AP#https://127.0.0.1:$SP#" "$ADMIN" >"$SECOND"
# Three contexts: the main cluster, the second, and one whose server refuses connections (a free port).
DEAD_PORT=$(free_port)
for entry in "first $AP" "second $SP" "unreachable $DEAD_PORT"; do
  read -r context port <<<"$entry"
  kubectl config --kubeconfig="$MULTI" set-cluster "$context" --server="https://127.0.0.1:$port" \
    --certificate-authority="$W/ca.crt" --embed-certs=true >/dev/null
  kubectl config --kubeconfig="$MULTI" set-context "$context" --cluster="$context" --user=e2e-admin >/dev/null
done
kubectl config --kubeconfig="$MULTI" set-credentials e2e-admin --client-certificate="$W/admin.crt" \
  --client-key="$W/admin.key" --embed-certs=true >/dev/null
kubectl config --kubeconfig="$MULTI" use-context first >/dev/null
# E2E_EXTRA_APISERVERS=N (the multi-context benchmark): N more kube-apiservers over the main server's etcd prefix,
# so each serves the same seeded estate from its own watch cache, and a kubeconfig with one context per server
# (fleet-0 is the main one).
FLEET="$W/fleet.kubeconfig"
fleet_ports=("$AP")
for _ in $(seq 1 "${E2E_EXTRA_APISERVERS:-0}"); do
  port=$(free_port)
  start_apiserver "$port" /registry "extra-apiserver-${#fleet_ports[@]}"
  wait_ready "$port" "${pids[-1]}" "extra kube-apiserver ${#fleet_ports[@]}"
  fleet_ports+=("$port")
done
for i in "${!fleet_ports[@]}"; do
  kubectl config --kubeconfig="$FLEET" set-cluster "fleet-$i" --server="https://127.0.0.1:${fleet_ports[i]}" \
    --certificate-authority="$W/ca.crt" --embed-certs=true >/dev/null
  kubectl config --kubeconfig="$FLEET" set-context "fleet-$i" --cluster="fleet-$i" --user=e2e-admin >/dev/null
done
kubectl config --kubeconfig="$FLEET" set-credentials e2e-admin --client-certificate="$W/admin.crt" \
  --client-key="$W/admin.key" --embed-certs=true >/dev/null
kubectl config --kubeconfig="$FLEET" use-context fleet-0 >/dev/null
kubectl config --kubeconfig="$VIEWER" set-credentials e2e-viewer --token="$VIEWER_TOKEN" >/dev/null
kubectl config --kubeconfig="$VIEWER" set-context e2e-viewer --cluster=e2e --user=e2e-viewer --namespace=team-a >/dev/null
kubectl config --kubeconfig="$VIEWER" use-context e2e-viewer >/dev/null

# The TidbCluster CRD (1.3 MB) and the v2 group CRDs (0.6-0.7 MB each) are too large for client-side apply's
# last-applied annotation: create them. Each file is named <group>_<plural>.yaml, so its CRD is <plural>.<group>.
crd_start=$(date +%s%N)
k create -f "$crds/" >/dev/null || fail "installing CRDs from $crds failed"
crd_dirs=("$crds")
if [ "$v2_crds" != none ]; then
  k create -f "$v2_crds/" >/dev/null || fail "installing the tidb-operator v2 CRDs from $v2_crds failed"
  crd_dirs+=("$v2_crds")
fi
crd_names=()
for dir in "${crd_dirs[@]}"; do
  for f in "$dir"/*.yaml; do
    base=$(basename "$f" .yaml)
    crd_names+=("crd/${base#*_}.${base%%_*}")
  done
done
# What the plugin reads beside tidb-operator's own kinds: named here so a fixture going missing fails loudly.
for name in podmonitors servicemonitors prometheuses prometheusrules; do crd_names+=("crd/$name.monitoring.coreos.com"); done
for name in vmpodscrapes vmservicescrapes vmagents vmsingles vmrules; do crd_names+=("crd/$name.operator.victoriametrics.com"); done
if [ "$v2_crds" != none ]; then
  for name in clusters pdgroups tikvgroups tidbgroups tiflashgroups ticdcgroups tiproxygroups tsogroups \
    schedulinggroups schedulergroups; do crd_names+=("crd/$name.core.pingcap.com"); done
fi
k wait --for=condition=Established --timeout=120s "${crd_names[@]}" >/dev/null \
  || fail "CRDs not installed or not Established: $(k get crd -o name 2>&1 | tr '\n' ' ')"
crd_ms=$((($(date +%s%N) - crd_start) / 1000000))
echo "cluster-up: $(k get crd --no-headers | wc -l) CRDs Established in $((crd_ms / 1000)).$((crd_ms % 1000 / 100))s" >&2
# The second cluster gets tidb-operator v1's three CRDs (what get, clusters and check read there).
second_crds=("$crds/pingcap.com_tidbmonitors.yaml" "$crds/pingcap.com_tidbclusters.yaml" "$crds/pingcap.com_dmclusters.yaml")
kubectl --kubeconfig="$SECOND" create "${second_crds[@]/#/-f}" >/dev/null || fail "installing CRDs on the second server failed"
# Polled rather than `kubectl wait`, which refuses a CRD whose status has no conditions yet instead of waiting.
for crd in tidbmonitors.pingcap.com tidbclusters.pingcap.com dmclusters.pingcap.com; do
  for _ in $(seq 1 240); do
    [ "$(kubectl --kubeconfig="$SECOND" get crd "$crd" \
      -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" = True ] && break
    sleep 0.5
  done
  [ "$(kubectl --kubeconfig="$SECOND" get crd "$crd" \
    -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" = True ] \
    || fail "the second server's CRD $crd is not Established after 120 s"
done
k create namespace team-a >/dev/null
k create clusterrole tm-read --verb=get,list,watch \
  --resource=tidbmonitors.pingcap.com,tidbclusters.pingcap.com,dmclusters.pingcap.com,statefulsets.apps >/dev/null
k -n team-a create rolebinding viewer --clusterrole=tm-read --user=e2e-viewer >/dev/null

export E2E_KUBECONFIG="$ADMIN" E2E_VIEWER_KUBECONFIG="$VIEWER" E2E_SERVER="https://127.0.0.1:$AP" \
  E2E_BARE_KUBECONFIG="$BARE" E2E_SECOND_KUBECONFIG="$SECOND" E2E_MULTI_KUBECONFIG="$MULTI" E2E_FLEET_KUBECONFIG="$FLEET" E2E_BIN="$BIN" E2E_WORKDIR="$W" E2E_CRDS="$crds" E2E_V2_CRDS="$v2_crds"
echo "cluster-up: kube-apiserver ready at $E2E_SERVER (admin kubeconfig $ADMIN)" >&2
if [ $# -gt 0 ]; then
  cd "$repo"
  "$@"
else
  env | grep '^E2E_'
  echo "cluster-up: Ctrl-C (or SIGTERM to this script's PID) to stop" >&2
  # In the background and waited for, so bash runs the trap as soon as a signal arrives (it defers traps until a
  # foreground command ends); cleanup stops the sleep with the rest.
  sleep infinity &
  pids+=($!)
  wait "${pids[-1]}" || true
fi
