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
python3 scripts/module-cycles.py

# A display: the one we have, or a virtual one.
source scripts/display.sh

echo "== Tests"
# A private D-Bus session: a second start of the app hands its arguments to the first over it,
# and the history's key is kept in the keyring started on it.
dbus-run-session -- bash -c 'source scripts/keyring.sh && cargo test --release --workspace -- --test-threads=2' 
