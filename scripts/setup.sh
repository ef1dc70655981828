#!/usr/bin/env bash
# Installs what Hearth needs on a Debian/Ubuntu machine: system packages, the UI's npm
# packages, and the default model. With --test, also what the tests drive the app with
# (Xvfb, WebKitWebDriver, tauri-driver, xdotool and xclip, GTK for Python to drag files from,
# a D-Bus session for the single-instance hand-over, a keyring service for the history's key,
# the sqlite3 tool that must not read it, strace to make the disk fail under a key change, and
# the official `openai` Python package to judge the local API).
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for_tests=false
[ "${1:-}" = "--test" ] && for_tests=true

packages=(pkg-config build-essential curl file libssl-dev libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev unzip python3 python3-pip)
if $for_tests; then
  packages+=(xvfb x11-utils webkit2gtk-driver xdotool xclip dbus dbus-x11 python3-gi gir1.2-gtk-3.0
    gnome-keyring sqlite3 strace)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "setup: Rust is needed (https://rustup.rs)"; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js 20 or newer with npm is needed"; exit 1; }

if $for_tests && ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install --locked tauri-driver
fi

echo "setup: UI packages"
(cd ui && npm ci --no-audit --no-fund --loglevel=error)

./models/fetch-default.sh
if $for_tests; then
  ./models/make-test-models.sh
  # The official OpenAI client judges the local API (crates/hearth-cli/tests/serve.rs).
  if [ ! -d .test-data/openai-py/openai ]; then
    echo "setup: the openai Python package, for the local API's tests"
    python3 -m pip install --quiet --disable-pip-version-check --target .test-data/openai-py openai==3.63.0
  fi
fi
