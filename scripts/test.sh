#!/usr/bin/env bash
# Sets everything up and runs every check and test: formatting, lints, the UI's type check and
# unit tests, the core's tests on the real model, the command line, and the end-to-end tests
# that drive the release app under a virtual display through WebDriver.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh --test

echo "== UI: type check, unit tests, build"
(cd ui && npm run --silent check && npm run --silent test && npm run --silent build)

echo "== Rust: format and lints"
cargo fmt --all --check
cargo clippy --release --workspace --all-targets -- -D warnings

# The end-to-end tests need a display: use the one we have, or a virtual one.
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:97
  Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
  for _ in $(seq 50); do xdpyinfo -display "$DISPLAY" >/dev/null 2>&1 && break; sleep 0.1; done
fi

echo "== Tests"
cargo test --release --workspace -- --test-threads=2
