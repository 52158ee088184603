#!/usr/bin/env bash
# The benchmark of BENCHMARKS.md: starts a fresh control plane, seeds it, measures, rewrites BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v jq >/dev/null || apt-get install -y -qq jq
command -v column >/dev/null || apt-get install -y -qq bsdextrainfo 2>/dev/null || apt-get install -y -qq bsdmainutils
E2E_EXTRA_APISERVERS=3 exec bash tests/e2e/cluster-up.sh python3 bench/measure.py "${1:-$PWD/BENCHMARKS.md}"
