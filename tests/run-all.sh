#!/usr/bin/env bash
# Every test of the project, from a fresh machine: lint, unit and CLI tests, then the end-to-end suite on a
# real kube-apiserver + etcd that tests/e2e/cluster-up.sh builds (once, cached) and starts.
# Fails loudly when anything is missing; never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { echo; echo "=== $*"; }
fail() { echo "run-all: $*" >&2; exit 1; }

[ -d ../shared/fixtures ] || fail "../shared/fixtures is missing: the tests need the shared fixtures beside the checkout"
command -v cargo >/dev/null || fail "cargo is not installed"
command -v go >/dev/null || fail "go is not installed (the e2e control plane is built from Go modules)"
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt || true

step "format and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

step "unit, snapshot and CLI tests"
CI=true INSTA_UPDATE=no cargo test

step "end-to-end tests on a real API server"
# A TMPDIR of this run's own, so cluster-up.sh's work dir (and with it every command line of the control plane it
# starts) carries a path unique to this run: the leftover check below then sees only what this run started, not
# another checkout's control plane or a benchmark in another terminal.
e2e_tmp=$(mktemp -d "${TMPDIR:-/tmp}/tidbmonitor-run-all.XXXXXX")
trap 'rm -rf "$e2e_tmp"' EXIT
TMPDIR="$e2e_tmp" bash tests/e2e/cluster-up.sh env CI=true cargo test --no-fail-fast --test e2e_live --test e2e_check --test e2e_scaffold --test e2e_scaffold_v2 --test e2e_migrate --test e2e_krew --test e2e_v2 --test e2e_status --test e2e_contexts -- --ignored --test-threads=4

step "fuzz: manifests -> snapshot -> views/checks/scaffolds (${FUZZ_SECONDS:-60} s)"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo fuzz needs nightly compiler flags (sanitizers); without a nightly toolchain, let stable accept them.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then fuzz=(cargo +nightly fuzz); else fuzz=(env RUSTC_BOOTSTRAP=1 cargo fuzz); fi
"${fuzz[@]}" run manifests -- -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048

if pgrep -f "$e2e_tmp" >/dev/null; then
  pgrep -fa "$e2e_tmp" >&2
  fail "processes of this run's e2e control plane are still running (under $e2e_tmp)"
fi
step "all tests passed"
