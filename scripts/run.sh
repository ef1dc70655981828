#!/usr/bin/env bash
# Sets everything up, builds Hearth and opens its window.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh
(cd ui && npm run --silent build)
cargo build --release --workspace --bins
exec ./target/release/hearth-desktop "$@"
