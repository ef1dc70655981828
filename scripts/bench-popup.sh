#!/usr/bin/env bash
# Measures the hotkey popup in the release app: key press to popup on screen, and key press to
# the first word of the summary of a 300-word selection (tests/texts/meeting.txt), over RUNS
# presses (default 5). Needs what scripts/test.sh sets up (tauri-driver, xdotool, xclip); uses
# Xvfb when there is no display. Usage: scripts/bench-popup.sh [runs]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
(cd ui && npm run --silent build >/dev/null)
source scripts/display.sh
# The history's key goes into a keyring on a private bus, as in scripts/test.sh: without one,
# the window would open on the passphrase screen.
export RUNS="${1:-5}"
dbus-run-session -- bash -c 'source scripts/keyring.sh && cargo test --release --test e2e -- \
  --ignored --exact popup_timings --nocapture' 2>&1 | grep '^|'
