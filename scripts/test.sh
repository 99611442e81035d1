#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: the main job's set-up and the tests' own
# (both idempotent), then cargo test on the same build as the main job (`scripts/run.sh`):
# the dependency features are the same, so nothing of Bevy or llama.cpp is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-tests.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sayscape/target}"
export SAYSCAPE_MODEL="${SAYSCAPE_MODEL:-${SAYSCAPE_HOME:-$HOME/.cache/sayscape}/models/gemma-3-270m-q4_k_m.gguf}"
# One test at a time in each test binary. Two llama.cpp contexts side by side on a 2-core
# machine each spin at their threads' barriers while the other holds the cores: generation
# measured 10x slower (3.1 s alone, 31 s for two at once), and the suite 661 s against 416 s.
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-1}"
# Both tiers: plain `cargo test` runs only the self-contained one; the tests marked
# `#[ignore = "full tier: …"]` need what the two set-up scripts above provide.
args=("$@")
if [[ " ${args[*]} " == *" -- "* ]]; then args+=(--include-ignored); else args+=(-- --include-ignored); fi
cargo test --no-fail-fast "${args[@]}" 2>&1
