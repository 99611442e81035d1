#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer, nightly): the scene reader and validator (`scene`), the
# edit reader (`edit`) and the service's request handling (`http`), each from its corpus in
# fuzz/corpus/TARGET. A crash, a panic or a hang stops the run and leaves its input in
# fuzz/artifacts/TARGET/ (replay it: cargo +nightly fuzz run TARGET FILE).
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]    each target for SECONDS (default 20)
# New inputs go to a scratch folder beside the build, not into the repository; to grow the
# committed corpus, run `cargo +nightly fuzz run TARGET fuzz/corpus/TARGET` and then
# `cargo +nightly fuzz cmin TARGET` (see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-20}"
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(scene edit http)
log() { printf '[fuzz] %s\n' "$*" >&2; }

command -v rustup >/dev/null && rustup toolchain list | grep -q '^nightly' \
  || { log "needs the nightly toolchain: rustup toolchain install nightly"; exit 1; }
command -v cargo-fuzz >/dev/null || { log "installing cargo-fuzz (once)"; cargo install cargo-fuzz --locked --quiet; }

# The build lives outside the clone, so a second run reuses it. No sanitizer: the code under
# test is safe Rust (debug assertions and overflow checks are on), and libFuzzer runs about
# twice as many inputs a second without AddressSanitizer.
TARGET_DIR="${SAYSCAPE_FUZZ_TARGET_DIR:-$HOME/.cache/sayscape/fuzz-target}"
FUZZ=(cargo +nightly fuzz)
"${FUZZ[@]}" build -s none --target-dir "$TARGET_DIR" >&2

for target in "${TARGETS[@]}"; do
  scratch="$TARGET_DIR/corpus/$target"
  mkdir -p "$scratch"
  log "$target: ${SECONDS_EACH} s"
  # -timeout: one input taking longer than this is a hang; -rss_limit_mb: past this, a leak
  # or a runaway allocation.
  out="$TARGET_DIR/fuzz-$target.log"
  if "${FUZZ[@]}" run -s none --target-dir "$TARGET_DIR" "$target" "$scratch" "fuzz/corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 >"$out" 2>&1; then
    status=0
  else
    status=$?
  fi
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$out" >&2 || true
  if ((status != 0)); then
    tail -40 "$out" >&2
    log "$target: failed (exit $status); the input is in fuzz/artifacts/$target/"
    exit "$status"
  fi
done
log "no crash, no hang"
