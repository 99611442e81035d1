#!/usr/bin/env bash
# The main job on a fresh Debian machine: set-up (idempotent), build, then say a scenario.
#   bash scripts/run.sh "I want to experience the life of a pirate on the seven seas"
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sayscape/target}"
cargo build --quiet
exec "$CARGO_TARGET_DIR/debug/sayscape" "${@:-I want to experience the life of a pirate on the seven seas}"
