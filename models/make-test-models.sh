#!/usr/bin/env bash
# Makes the tests' own models, with the gguf package from PyPI (installed under .test-data/, not
# system-wide), each only when it is not there yet:
# - a Q8_0 copy of the default model (models/requantize.py), the second quantization type the
#   model tests import and load: .test-data/models/SmolLM2-135M-Instruct.Q8_0.gguf
# - the per-architecture conformance models (models/conformance/make.py), compared with
#   llama.cpp by crates/hearth-core/tests/conformance.rs: .test-data/models/conformance/
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="$root/.test-data/models"
lib="$root/.test-data/gguf-py"
if [ ! -d "$lib/gguf" ]; then
  echo "models: installing gguf 0.19.0 from PyPI for the test models"
  python3 -m pip install --quiet --disable-pip-version-check --target "$lib" gguf==0.19.0
fi
mkdir -p "$models"

q8="$models/SmolLM2-135M-Instruct.Q8_0.gguf"
if [ ! -f "$q8" ]; then
  PYTHONPATH="$lib" python3 "$root/models/requantize.py" \
    "$root/models/SmolLM2-135M-Instruct.Q4_1.gguf" "$q8.partial"
  mv "$q8.partial" "$q8"
  echo "models: test Q8_0 model made"
fi

conformance="$models/conformance"
if [ ! -f "$conformance/phi3.gguf" ]; then
  rm -rf "$conformance.partial"
  PYTHONPATH="$lib" python3 "$root/models/conformance/make.py" "$conformance.partial"
  rm -rf "$conformance"
  mv "$conformance.partial" "$conformance"
  echo "models: conformance models made"
fi
