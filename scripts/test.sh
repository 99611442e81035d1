#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: set-up (idempotent), then cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sayscape/target}"
export SAYSCAPE_MODEL="${SAYSCAPE_MODEL:-${SAYSCAPE_HOME:-$HOME/.cache/sayscape}/models/gemma-3-270m-q4_k_m.gguf}"
cargo test --no-fail-fast "$@" 2>&1
