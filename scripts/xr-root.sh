#!/usr/bin/env bash
# A Debian trixie root with Monado (simulated headset, null compositor) for the XR test.
# Debian bookworm ships only the OpenXR loader; trixie packages the Monado runtime.
# Idempotent: the root is built once under $SAYSCAPE_HOME/xr-root and reused.
#   bash scripts/xr-root.sh        # prints the root's path
set -euo pipefail
HOME_DIR="${SAYSCAPE_HOME:-$HOME/.cache/sayscape}"
ROOT="$HOME_DIR/xr-root"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=(monado-service libopenxr1-monado libopenxr-loader1 libopenxr-dev mesa-vulkan-drivers libvulkan1
  libxkbcommon-x11-0 libx11-6 libxcursor1 libxrandr2 libxi6 libasound2t64 libdbus-1-3 libgomp1 libstdc++6)

if [ -f "$ROOT/.sayscape-ready" ]; then
  echo "$ROOT"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
command -v debootstrap >/dev/null || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
rm -rf "$ROOT.partial"
mkdir -p "$HOME_DIR"
echo "[xr-root] debootstrap trixie (about 20 s) …" >&2
$SUDO debootstrap --variant=minbase trixie "$ROOT.partial" "$MIRROR" >&2
echo "[xr-root] installing Monado …" >&2
$SUDO chroot "$ROOT.partial" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2
touch "$ROOT.partial/.sayscape-ready"
rm -rf "$ROOT"
mv "$ROOT.partial" "$ROOT"
echo "$ROOT"
