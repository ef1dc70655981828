#!/usr/bin/env bash
# Measures the desktop app: time from launch to its window on screen, and the memory of the
# app's processes (the app and its WebKit helpers) once idle with the model loaded.
# Needs a built app (scripts/run.sh or scripts/test.sh) and xdotool; uses Xvfb when there is no
# display. Usage: scripts/bench-app.sh [runs]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-5}"
app=./target/release/hearth-desktop
[ -x "$app" ] || { echo "build the app first: cargo build --release --bin hearth-desktop"; exit 1; }

# A display: the one we have, or a virtual one.
source scripts/display.sh

data="$(mktemp -d)"
pss_of_tree() { # PSS in kB of a process and all its descendants
  local pid=$1 total=0
  total=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
  for kid in $(pgrep -P "$pid"); do total=$((total + $(pss_of_tree "$kid"))); done
  echo "$total"
}

echo "| run | launch to window shown |"
echo "| --- | --- |"
for run in $(seq "$runs"); do
  start=$(date +%s%N)
  HEARTH_DATA_DIR="$data" "$app" >/dev/null 2>&1 &
  pid=$!
  xdotool search --sync --onlyvisible --name '^Hearth$' >/dev/null
  end=$(date +%s%N)
  echo "| $run | $(( (end - start) / 1000000 )) ms |"
  if [ "$run" -eq "$runs" ]; then
    sleep 10 # model loaded, UI idle
    echo
    echo "idle memory (PSS of the app and its WebKit processes): $(( $(pss_of_tree "$pid") / 1024 )) MiB"
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
rm -rf "$data"
