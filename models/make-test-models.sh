#!/usr/bin/env bash
# Makes the tests' second model: a Q8_0 copy of the default model, written by models/requantize.py
# with the gguf package from PyPI (installed under .test-data/, not system-wide), into
# .test-data/models/. Does nothing when it is already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/.test-data/models/SmolLM2-135M-Instruct.Q8_0.gguf"
[ -f "$target" ] && { echo "models: test Q8_0 model present"; exit 0; }
lib="$root/.test-data/gguf-py"
if [ ! -d "$lib/gguf" ]; then
  echo "models: installing gguf 0.19.0 from PyPI for the test model"
  python3 -m pip install --quiet --disable-pip-version-check --target "$lib" gguf==0.19.0
fi
mkdir -p "$(dirname "$target")"
PYTHONPATH="$lib" python3 "$root/models/requantize.py" \
  "$root/models/SmolLM2-135M-Instruct.Q4_1.gguf" "$target.partial"
mv "$target.partial" "$target"
echo "models: test Q8_0 model made"
