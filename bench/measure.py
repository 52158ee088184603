#!/usr/bin/env python3
"""Benchmark kubectl-tidbmonitor against kubectl on a real API server, side by side in one run.

Run through bench/run.sh, which starts the control plane (tests/e2e/cluster-up.sh) and exports E2E_*.
Seeds the estate (v1 and, with BENCH_V2_CLUSTERS, tidb-operator v2 Clusters), then times each command RUNS times
(min and median of wall time), records peak RSS of the plugin itself (wait4) and counts HTTP requests (the plugin's
-v log, kubectl's -v=6 log). Writes a Markdown report to the path given as the first argument."""

import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ["E2E_BIN"]
KUBECONFIG = os.environ["E2E_KUBECONFIG"]
# The second API server (own etcd prefix, no CRDs installed by cluster-up): the v2-only estate of rows (j) and (k).
BARE_KUBECONFIG = os.environ["E2E_BARE_KUBECONFIG"]
CRDS = os.environ.get("E2E_CRDS", os.path.join(REPO, "../shared/fixtures/crds"))
V2_CRDS = os.environ.get("E2E_V2_CRDS", "none")
V2_CRDS = V2_CRDS if V2_CRDS != "none" else os.path.join(REPO, "../shared/fixtures/v2/crds")
WORK = tempfile.mkdtemp(prefix="tidbmonitor-bench-")
PLUGIN_DIR = os.path.join(WORK, "plugin")
PLUGIN = os.path.join(PLUGIN_DIR, "kubectl-tidbmonitor")
ENV = dict(os.environ, PATH=f"{PLUGIN_DIR}:{BIN}:{os.environ['PATH']}", KUBECONFIG=KUBECONFIG, NO_COLOR="1")
BARE_ENV = dict(ENV, KUBECONFIG=BARE_KUBECONFIG)
# Four contexts, each a kube-apiserver serving the seeded estate (bench/run.sh asks cluster-up.sh for 3 more).
FLEET_ENV = dict(ENV, KUBECONFIG=os.environ["E2E_FLEET_KUBECONFIG"])
FLEET_CONTEXTS = [f"fleet-{i}" for i in range(4)]


# The monitor `status` is measured on (bench/seed.rs names monitors mon-0…mon-4 in bench-000…).
STATUS_NAMESPACE = "bench-100"
STATUS_MONITOR = "mon-1"


def sh(cmd, env=ENV, **kw):
    return subprocess.run(cmd, shell=True, check=True, env=env, **kw)


def timed(cmd, env=ENV):
    """Wall time and peak RSS (KiB) of one run of a shell-free argv or a shell string."""
    start = time.perf_counter()
    if isinstance(cmd, str):
        proc = subprocess.Popen(["bash", "-c", cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"bench: {cmd} failed with {status}")
    return elapsed, usage.ru_maxrss


def servers_cpu():
    """CPU seconds used so far by every kube-apiserver and etcd of the control plane."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                name = os.path.basename(f.read().split(b"\0")[0]).decode(errors="replace")
            if name not in ("kube-apiserver", "etcd"):
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(cmd, runs=RUNS, env=ENV):
    timed(cmd, env)  # warm the page cache and the API server's watch cache
    before = servers_cpu()
    samples = [timed(cmd, env) for _ in range(runs)]
    server_cpu = (servers_cpu() - before) / runs
    times = [t for t, _ in samples]
    return {"min": min(times), "median": statistics.median(times), "rss": max(r for _, r in samples),
            "server_cpu": server_cpu}


def requests_plugin(args, env=ENV):
    out = subprocess.run([PLUGIN, *args, "-v"], env=env, capture_output=True, text=True)
    return sum(1 for line in out.stderr.splitlines() if line.startswith("GET "))


def request_pages(args, env=ENV):
    """The plugin's LIST requests (-v logs one `GET <url> ...` line each) and what they should be: one request per
    page the API server serves for each list it makes (kind and label selector), counted here by paging the same
    list the same way (limit=500, resourceVersion=0, continue tokens followed; a watch-cache server sends one page).
    A kind the API server does not serve (404) costs its one request: one page."""
    out = subprocess.run([PLUGIN, *args, "-v"], env=env, capture_output=True, text=True)
    lists = {}
    for line in out.stderr.splitlines():
        if line.startswith("GET "):
            url = urllib.parse.urlsplit(line.split()[1])
            selector = urllib.parse.parse_qs(url.query).get("labelSelector", [""])[0]
            lists[(url.path, selector)] = lists.get((url.path, selector), 0) + 1
    pages = 0
    for path, selector in lists:
        query = {"limit": "500", "resourceVersion": "0"}
        if selector:
            query["labelSelector"] = selector
        while True:
            raw = path + "?" + urllib.parse.urlencode(query)
            got = subprocess.run(f"kubectl get --raw '{raw}'", shell=True, env=env, capture_output=True, text=True)
            pages += 1
            token = json.loads(got.stdout).get("metadata", {}).get("continue") if got.returncode == 0 else None
            if not token:
                break
            query = {k: v for k, v in query.items() if k != "resourceVersion"} | {"continue": token}
    return {"requests": sum(lists.values()), "lists": len(lists), "pages": pages}


def requests_kubectl(args, env=ENV):
    """kubectl's -v=6 log has one line per request (klog text or structured `verb="GET"`); discovery
    requests are counted too, since the user pays for them."""
    out = subprocess.run(["kubectl", *args, "-v=6"], env=env, capture_output=True, text=True)
    return len(re.findall(r'(?:GET https://|verb="GET")', out.stderr))


JQ = r'''
($tc[0].items | map({key: "\(.metadata.namespace)/\(.metadata.name)", value: (.spec.tlsCluster.enabled // false)}) | from_entries) as $tls |
($sts[0].items | map({key: "\(.metadata.namespace)/\(.metadata.name)", value: (.status.readyReplicas // 0)}) | from_entries) as $ready |
($dep[0].items | map({key: "\(.metadata.namespace)/\(.metadata.name)", value: true}) | from_entries) as $legacy |
.items[] | .metadata.namespace as $ns | .metadata.name as $n |
[ (.spec.clusters // [])[] | "\(.namespace // $ns)/\(.name)" ] as $refs |
[ $refs[] | $tls[.] | select(. != null) ] as $flags |
[ $ns, $n, ($refs | join(",")), .spec.prometheus.version, (.spec.grafana.version // "<none>"), (.spec.thanos.version // "<none>"),
  "\([range(0; (.spec.shards // 1)) as $s | $ready["\($ns)/\($n)-monitor\(if $s == 0 then "" else "-shard-\($s)" end)"] // 0] | add)/\((.spec.replicas // 1) * (.spec.shards // 1))",
  (if $legacy["\($ns)/\($n)-monitor"] then "Deployment (legacy)" elif $ready["\($ns)/\($n)-monitor"] != null then "StatefulSet" else "<none>" end),
  (if .spec.persistent then "\(.spec.storage)/\(.spec.storageClassName // "<default>")" else "ephemeral" end),
  (.spec.prometheus.retentionTime // (if (.spec.prometheus.reserveDays // 0) > 0 then "\(.spec.prometheus.reserveDays)d" else "15d" end)),
  (if ($flags | length) == 0 then "<none>" elif ($flags | all) then "on" elif ($flags | any) then "mixed" else "off" end)
] | @tsv
'''


def main():
    report_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "BENCHMARKS.md")
    os.makedirs(PLUGIN_DIR)
    sh(f"cd {REPO} && cargo build --release --locked --example seed && cargo build --release --locked")
    shutil.copy(os.path.join(REPO, "target/release/kubectl-tidbmonitor"), PLUGIN)
    namespaces = int(os.environ.get("BENCH_NAMESPACES", "200"))
    v2_clusters = int(os.environ.get("BENCH_V2_CLUSTERS", "1000"))
    start = time.perf_counter()
    seeded = sh(f"{REPO}/target/release/examples/seed --kubeconfig {KUBECONFIG} --namespaces {namespaces} --v2-clusters {v2_clusters}",
                capture_output=True, text=True).stderr
    seed_seconds = time.perf_counter() - start
    print(seeded, end="", file=sys.stderr)
    v2_seconds = re.search(r"v2 Clusters: .* in ([0-9.]+)s", seeded)
    kinds = ["tidbclusters", "tidbmonitors", "statefulsets", "deployments", "services", "persistentvolumeclaims", "secrets"]
    if v2_clusters:
        kinds += ["clusters.core.pingcap.com", "pdgroups", "tikvgroups", "tidbgroups", "tiflashgroups", "tiproxygroups",
                  "ticdcgroups", "podmonitors", "prometheuses"]
    counts = {k: sh(f"kubectl get {k} -A --no-headers | wc -l", capture_output=True, text=True).stdout.strip()
              for k in kinds}
    counts["persistentvolumes"] = sh("kubectl get pv --no-headers | wc -l", capture_output=True, text=True).stdout.strip()

    # The v2-only estate on the bare API server: the 19 v2 CRDs and the scrape/Prometheus kinds the plugin reads,
    # no v1 kinds; the same v2 Clusters as the mixed estate (seed --v2-only).
    crd_files = sorted(os.path.join(V2_CRDS, f) for f in os.listdir(V2_CRDS) if f.endswith(".yaml"))
    crd_files += [os.path.join(CRDS, f"{f}.yaml") for f in (
        "monitoring.coreos.com_podmonitors", "monitoring.coreos.com_servicemonitors", "monitoring.coreos.com_prometheuses",
        "operator.victoriametrics.com_vmpodscrapes", "operator.victoriametrics.com_vmservicescrapes")]
    crd_names = []
    for f in crd_files:
        base = os.path.basename(f)[:-len(".yaml")]
        crd_names.append(f"crd/{base.split('_', 1)[1]}.{base.split('_', 1)[0]}")
    sh("kubectl create " + " ".join(f"-f {f}" for f in crd_files) + " >/dev/null", env=BARE_ENV)
    sh("kubectl wait --for=condition=Established --timeout=120s " + " ".join(crd_names) + " >/dev/null", env=BARE_ENV)
    v2_only_clusters = int(os.environ.get("BENCH_V2_ONLY_CLUSTERS", "1000"))
    start = time.perf_counter()
    seeded_v2 = sh(f"{REPO}/target/release/examples/seed --kubeconfig {BARE_KUBECONFIG} --namespaces {namespaces} "
                   f"--v2-clusters {v2_only_clusters} --v2-only", env=BARE_ENV, capture_output=True, text=True).stderr
    v2_only_seconds = time.perf_counter() - start
    print(seeded_v2, end="", file=sys.stderr)
    v2_kinds = ["clusters.core.pingcap.com", "pdgroups", "tikvgroups", "tidbgroups", "tiflashgroups", "tiproxygroups",
                "ticdcgroups", "podmonitors", "servicemonitors", "prometheuses"]
    v2_counts = {k: sh(f"kubectl get {k} -A --no-headers 2>/dev/null | wc -l", env=BARE_ENV, capture_output=True,
                       text=True).stdout.strip() for k in v2_kinds}

    tcs = os.path.join(WORK, "tidbclusters.yaml")
    sh(f"kubectl get tidbclusters -A -o yaml > {tcs}")
    pipeline = (
        f"cd {WORK} && (kubectl get tm -A -o json > tm.json & kubectl get tc -A -o json > tc.json & "
        f"kubectl get sts -A -o json > sts.json & kubectl get deploy -A -o json > deploy.json & wait) && "
        f"jq -r --slurpfile tc tc.json --slurpfile sts sts.json --slurpfile dep deploy.json '{JQ}' tm.json | column -t -s $'\\t'"
    )
    rows = {
        "a": ("`kubectl get tm -A -o json`", "kubectl get tm -A -o json", None, ["get", "tm", "-A", "-o", "json"]),
        "b": ("`kubectl tidbmonitor get -A`", "kubectl tidbmonitor get -A", ["get", "-A"], None),
        "c": ("kubectl + jq pipeline, same columns as (b)", pipeline, None, None),
        "d": ("`kubectl tidbmonitor clusters -A`", "kubectl tidbmonitor clusters -A", ["clusters", "-A"], None),
        "e": ("`kubectl tidbmonitor check -A`", "kubectl tidbmonitor check -A", ["check", "-A"], None),
        "f": ("`kubectl tidbmonitor scaffold servicemonitor -A -f` (offline, all clusters)", f"kubectl tidbmonitor scaffold servicemonitor -A -f {tcs}", None, None),
        "g": ("`kubectl-tidbmonitor --help`", [PLUGIN, "--help"], None, None),
        "h": ("`kubectl-tidbmonitor scaffold servicemonitor -f` one cluster (offline)",
              [PLUGIN, "scaffold", "servicemonitor", "-f", os.path.join(REPO, "examples/single/shop.yaml")], None, None),
        "i": ("`kubectl get clusters.core.pingcap.com -A -o json` (mixed estate: compare with (d), no target)",
              "kubectl get clusters.core.pingcap.com -A -o json", None, ["get", "clusters.core.pingcap.com", "-A", "-o", "json"]),
        "j": ("`kubectl tidbmonitor clusters -A`, v2-only estate", "kubectl tidbmonitor clusters -A", ["clusters", "-A"], None,
              BARE_ENV),
        "k": ("`kubectl get clusters.core.pingcap.com -A -o json`, v2-only estate", "kubectl get clusters.core.pingcap.com -A -o json",
              None, ["get", "clusters.core.pingcap.com", "-A", "-o", "json"], BARE_ENV),
        # One monitor's whole story against kubectl's read of that one object: narrowed reads keep it flat.
        "l": (f"`kubectl tidbmonitor status {STATUS_MONITOR} -n {STATUS_NAMESPACE}`",
              f"kubectl tidbmonitor status {STATUS_MONITOR} -n {STATUS_NAMESPACE}",
              ["status", STATUS_MONITOR, "-n", STATUS_NAMESPACE], None),
        "m": (f"`kubectl get tm {STATUS_MONITOR} -n {STATUS_NAMESPACE} -o json`",
              f"kubectl get tm {STATUS_MONITOR} -n {STATUS_NAMESPACE} -o json", None,
              ["get", "tm", STATUS_MONITOR, "-n", STATUS_NAMESPACE, "-o", "json"]),
    }
    # Across contexts: all four at once against each alone (the slowest one is the bound).
    rows["n"] = ("`kubectl tidbmonitor get -A --all-contexts`, 4 contexts", "kubectl tidbmonitor get -A --all-contexts",
                 ["get", "-A", "--all-contexts"], None, FLEET_ENV)
    for i, context in enumerate(FLEET_CONTEXTS):
        rows[f"o{i}"] = (f"`kubectl tidbmonitor get -A --context {context}`", f"kubectl tidbmonitor get -A --context {context}",
                         ["get", "-A", "--context", context], None, FLEET_ENV)
    results = {}
    for key, (label, cmd, plugin_args, kubectl_args, *rest) in rows.items():
        env = rest[0] if rest else ENV
        result = measure(cmd, env=env)
        if plugin_args:
            # Peak RSS of the plugin itself: kubectl execs into it, so measure it directly.
            result["rss"] = measure([PLUGIN, *plugin_args], runs=3, env=env)["rss"]
            result["requests"] = requests_plugin(plugin_args, env)
        elif kubectl_args:
            result["requests"] = requests_kubectl(kubectl_args, env)
        results[key] = result
        print(f"{key} {label}: min {result['min']*1000:.0f} ms, median {result['median']*1000:.0f} ms", file=sys.stderr)
    results["c"]["requests"] = sum(requests_kubectl(["get", k, "-A", "-o", "json"]) for k in ["tm", "tc", "sts", "deploy"])
    clusters_pages = request_pages(["clusters", "-A"])
    v2_pages = request_pages(["clusters", "-A"], BARE_ENV)

    a, b, c, d, e, i, j, k, l, m = (results[k]["median"] for k in "abcdeijklm")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next((int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    lines = [
        "# Benchmarks",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} × {cpu}, {mem} MiB RAM, {platform.system()} {platform.release()};",
        "kube-apiserver v1.35.4 + etcd v3.6.5 on 127.0.0.1 (built by tests/e2e/install-tools.sh), plugin release build.",
        f"Each command ran {RUNS} times after one warm-up; times are wall clock. Peak RSS is the plugin process's own.",
        "",
        f"Estate ({namespaces} namespaces"
        + (f", {v2_clusters} tidb-operator v2 Clusters with the six groups of v2 `examples/basic`, one in ten with a PodMonitor"
           if v2_clusters else "")
        + f"; seeded by `bench/seed.rs` in {seed_seconds:.0f} s"
        + (f", of which the v2 Clusters {float(v2_seconds.group(1)):.0f} s" if v2_seconds else "") + "): "
        + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".",
        "",
        f"v2-only estate for (j) and (k), on a second API server (own etcd prefix) with only the 19 v2 CRDs and the",
        f"PodMonitor/ServiceMonitor/Prometheus/VMPodScrape/VMServiceScrape CRDs ({namespaces} namespaces, {v2_only_clusters} v2 Clusters",
        f"seeded as above with `--v2-only` in {v2_only_seconds:.0f} s): " + ", ".join(f"{v} {k}" for k, v in v2_counts.items()) + ".",
        "",
        "| | command | min | median | × (a) | peak RSS | HTTP requests |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, (label, *_rest) in rows.items():
        r = results[key]
        rss = f"{r['rss'] / 1024:.1f} MiB" if key in "bdefghjl" or key.startswith(("n", "o")) else ""
        req = str(r.get("requests", "")) if key in "abcdeijklm" or key.startswith(("n", "o")) else "0"
        lines.append(f"| ({key}) | {label} | {r['min']*1000:.0f} ms | {r['median']*1000:.0f} ms | {r['median']/a:.2f} | {rss} | {req} |")
    lines += [
        "",
        "Targets, from the medians of this run:",
        "",
        f"- (b) / (a) = {b/a:.2f} (target ≤ 1.2)",
        f"- (c) / (b) = {c/b:.2f} (target ≥ 3)",
        f"- (d) / (a) = {d/a:.2f}, (e) / (a) = {e/a:.2f} (target ≤ 1.5)",
        f"- (j) / (k) = {j/k:.2f} (target ≤ 1.5): `clusters -A` vs kubectl's list of the same v2 Clusters, v2-only estate",
        f"- (l) / (m) = {l/m:.2f} (target ≤ 1.5): `status` reads the monitor by name, then only what it names (per"
        f" namespace, by label or field selector): {results['l']['requests']} requests on this estate, the same on any estate with the"
        " same monitor",
        f"- (n) / slowest (o) = {results['n']['median'] / max(results[f'o{i}']['median'] for i in range(4)):.2f} (target ≤ 1.3):"
        " `get -A` over four contexts at once against the slowest of them alone; the four kube-apiservers share this"
        f" machine's {os.cpu_count()} cores and one etcd (each serves the estate from its own watch cache): the servers"
        f" spend {results['n']['server_cpu']:.2f} CPU-s per (n) run against {results['o0']['server_cpu']:.2f} per (o0) run, so on"
        f" {os.cpu_count()} cores (n) cannot take less than {results['n']['server_cpu'] / os.cpu_count():.2f} s whatever the client does",
        f"- (d) / (i) = {d/i:.2f}, no target: on the mixed estate (d) also lists the 2000 v1 TidbClusters and their",
        "  scrape objects while (i) lists only the v2 Clusters, so the two do not do the same work; (j)/(k) is the like-for-like row",
        f"- requests (d): {clusters_pages['requests']} GETs for {clusters_pages['lists']} kinds; kinds × pages served = "
        f"{clusters_pages['pages']} ({'equal' if clusters_pages['requests'] == clusters_pages['pages'] else 'NOT EQUAL'})",
        f"- requests (j): {v2_pages['requests']} GETs for {v2_pages['lists']} kinds; kinds × pages served = "
        f"{v2_pages['pages']} ({'equal' if v2_pages['requests'] == v2_pages['pages'] else 'NOT EQUAL'})",
        f"- peak RSS (b) {results['b']['rss']/1024:.1f} MiB, (e) {results['e']['rss']/1024:.1f} MiB (target ≤ 64 MiB)",
        f"- `--help` {results['g']['median']*1000:.1f} ms, offline scaffold of one cluster {results['h']['median']*1000:.1f} ms (target ≤ 20 ms)",
        "- requests: the plugin makes one LIST per kind per page the server sends (`-v` logs each), whatever the number of",
        "  references; kubectl's count includes its discovery requests (`-v=6`).",
        "",
        "Reproduce: `bash bench/run.sh` (builds the control plane if needed, seeds, measures, rewrites this file).",
        "",
        "## What moved the figures (same machine and estate, medians)",
        "",
        "- First run: (b) 449 ms = 1.20 × (a), (e) 556 ms = 1.49 × (a); (f) failed: a 2000-item",
        "  `kubectl get -o yaml` List broke the YAML parser's default node budget (fixed, with a test).",
        "- Next page requested before the current one is decoded (decoding overlaps the server's work);",
        "  kube-rs's own retry layer off; StatefulSets/Deployments narrowed server-side to monitor objects;",
        "  only the plugin's own annotations decoded: (b) 346 ms = 0.94 ×, (e) 436 ms = 1.19 ×.",
        "- List items streamed one by one offline: (f) peak RSS 190 → 150 MiB (the rest is the 6,000",
        "  generated ServiceMonitors); reading alone: 13 MB JSON List 78 → 21 MiB.",
        "- On 2 cores the API server and the plugin share the CPU: (e) varies between 1.2 × and 1.5 × run to run.",
        "- v2 rows (i)-(k); relabel regexes compiled once and the scrape evaluation memoised: `check -A` on an offline",
        "  1000-cluster + 100-PodMonitor estate 3150 → 257 ms, `clusters -A` 425 → 146 ms. On the v2-only estate a",
        "  page size of 1000 instead of 500 gave (j) ≈ 0.52 s vs kubectl's 0.34 s, so it stays at 500 (kubectl's chunk",
        "  size); the cost is the API server serialising 7,000 objects (Clusters plus six group kinds) on 2 cores",
        "  shared with the plugin (1.6–1.7 × then).",
        "- Profiled (perf) on the v2-only estate: half of the plugin's own CPU was the core, not I/O. A cloned `Regex`",
        "  starts with an empty matching cache (rebuilt on every relabel rule), and each cluster scanned every group:",
        "  compiled regexes are shared (`Rc`), groups indexed by cluster, clusters in namespaces no scrape object",
        "  watches skip evaluation: plugin CPU 0.26 → 0.15 s for (j).",
        "- Lists read with `resourceVersion=0` (client-go informers' read, from the API server's watch cache, whole",
        "  list at once; the continue token is still followed where a server pages). With kubectl's consistent reads",
        "  kube-apiserver v1.35 read each page back from etcd once the etcd revision had moved past the kind's last",
        "  change (`apiserver_storage_list_total` grew by one per page): (j) 1.07 s vs (k) 0.41 s = 2.6 ×, → 0.38–0.40 s",
        "  = 1.0 × on the same server. Each (j) run makes the API server allocate ≈ 190 MiB (kubectl's (k) ≈ 75 MiB,",
        "  `go_memstats_alloc_bytes_total`); on a 700 MiB heap that is a Go GC cycle every two or three runs, and a run",
        "  that meets one takes ≈ 0.62–0.70 s, so (j)'s samples fall in two groups and its median is whichever is larger.",
        "- Whole-list answers put every kind's full text in memory at once (peak RSS (b) 35 → 49 MiB, (e) 74 → 97 MiB):",
        "  each answer is now cut into items as its bytes arrive and decoded in its own task, keeping only the object",
        "  being received: (b) 49 → 26 MiB, (e) 92 → 53 MiB on the same estate, same CPU.",
        "- `get` gained HEALTH (check's rules about TidbMonitors): it also lists claims and Secrets (7 LISTs instead of",
        "  5; check's 26 on a first attempt), reads volumes and ConfigMaps afterwards by name, only those the rules look up",
        "  (none on this estate), and indexes lookups by namespace and name. Interleaved on one estate, 21 runs each: main",
        "  309 ms, HEALTH 342 ms = 1.11 × (API server CPU per run unchanged, plugin CPU +15 ms; peak RSS (b) 26 → 30 MiB);",
        "  a first cut listing every volume and ConfigMap, without the index: 465 → 646 ms = 1.39 × on a busier machine.",
        "- `status NAME` (l) was 194 ms against kubectl's (m) 91 ms (2.1 ×) with three rounds of reads. The first round",
        "  now also reads, at once, what a monitor of that name owns in its own namespace (its spec is not known yet,",
        "  but most monitors name only their own namespace), leaving one small round for volumes and Pod events: 75 ms",
        "  vs 48 ms (1.56 ×). kube's client opens one TLS connection per concurrent request (HTTP/1.1 only): rebuilt",
        "  with HTTP/2 offered by ALPN, as kubectl does, the 15 requests share one connection: 67 ms vs 49 ms (1.38 ×).",
        "- (n): four contexts served by four kube-apiservers on this 2-core machine: their CPU per (n) run is about four",
        "  times one context's, so (n) is bounded by the cores, not by the plugin's fan-out (the bound is printed above);",
        "  on clusters that are separate machines the contexts' reads overlap fully.",
        "- Runs measured while other builds used the machine put (d), (e) and (j) 10–30 % higher than the quiet runs",
        "  quoted in the entries above; compare rows of one run.",
        "",
    ]
    with open(report_path, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
