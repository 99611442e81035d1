#!/usr/bin/env bash
# Runs `sayscape xr SCENE --frames N` against a real OpenXR runtime: Monado's simulated headset
# and null compositor, in the Debian trixie root of scripts/xr-root.sh, on lavapipe, with a
# private Xvfb for winit. Prints the session's frame timings; exits non-zero on failure.
#   bash scripts/xr-test.sh BINARY SCENE.json [FRAMES]
set -euo pipefail
BIN="$(realpath "$1")"; SCENE="$(realpath "$2")"; FRAMES="${3:-60}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(bash "$HERE/xr-root.sh")"
RUN="/run/sayscape-xr-$$"
MOUNTS=()
cleanup() {
  [ -n "${MONADO_PID:-}" ] && kill "$MONADO_PID" 2>/dev/null || true
  [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
  exec 7>&- 2>/dev/null || true
  [ -f "$ROOT$RUN/monado.log" ] && [ "${KEEP_QUIET:-}" != 1 ] && sed 's/^/[monado] /' "$ROOT$RUN/monado.log" | tail -5 >&2
  for ((i=${#MOUNTS[@]}-1; i>=0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
  rm -rf "$ROOT/opt/sayscape-xr-$$" "$ROOT$RUN"
}
trap cleanup EXIT
for dir in proc sys dev tmp; do
  mkdir -p "$ROOT/$dir"
  mount --bind "/$dir" "$ROOT/$dir"
  MOUNTS+=("$ROOT/$dir")
done
mkdir -p "$ROOT/opt/sayscape-xr-$$" "$ROOT$RUN"
chmod 700 "$ROOT$RUN"
cp "$BIN" "$SCENE" "$ROOT/opt/sayscape-xr-$$/"

# winit wants an X display even though the frames go to the runtime.
DISPLAY_FILE="$ROOT$RUN/display"
Xvfb -displayfd 5 -screen 0 640x480x24 -nolisten tcp 5>"$DISPLAY_FILE" >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$DISPLAY_FILE" ] && break; sleep 0.1; done
export DISPLAY=":$(head -1 "$DISPLAY_FILE")"

# Monado needs a pipe (not /dev/null) on its standard input, or it exits at once: a FIFO whose
# writing end this script holds (fd 7) until it exits. No helper process keeps our output open.
mkfifo "$ROOT$RUN/stdin"
chroot "$ROOT" env XDG_RUNTIME_DIR="$RUN" XRT_COMPOSITOR_NULL=1 SIMULATED_ENABLE=1 \
  IPC_EXIT_ON_DISCONNECT=1 XRT_LOG=warning monado-service < "$ROOT$RUN/stdin" > "$ROOT$RUN/monado.log" 2>&1 &
MONADO_PID=$!
exec 7> "$ROOT$RUN/stdin"
for _ in $(seq 50); do
  ls "$ROOT$RUN"/monado_comp_ipc >/dev/null 2>&1 && break
  sleep 0.2
done
echo "[xr-test] Monado is up; starting sayscape xr" >&2
chroot "$ROOT" env XDG_RUNTIME_DIR="$RUN" DISPLAY="$DISPLAY" HOME=/tmp SAYSCAPE_LOG=warn \
  "/opt/sayscape-xr-$$/$(basename "$BIN")" xr "/opt/sayscape-xr-$$/$(basename "$SCENE")" --frames "$FRAMES" --timeout 150
