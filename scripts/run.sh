#!/usr/bin/env bash
# Sets everything up, builds Hearth and opens its window.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh
(cd ui && npm run --silent build)
# With the end-to-end test among the targets, cargo resolves features as `cargo test` does (the
# tests' dev-dependencies turn on features of shared crates), so this build and scripts/test.sh's
# share every compiled crate, and the app that opens is the binary the tests drive. A plain
# `--bins` build would compile nearly every dependency a second time.
cargo build --release --workspace --bins --test e2e
exec ./target/release/hearth-desktop "$@"
