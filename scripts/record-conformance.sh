#!/usr/bin/env bash
# Records llama.cpp's answers on the per-architecture conformance models, for
# crates/hearth-core/tests/conformance.rs. Run once, outside CI, when the generator
# (models/conformance/make.py) or the prompt changes; the results are committed:
#   tests/fixtures/conformance/{llama,qwen2,qwen3,phi3}.json: the model file's sha256, the prompt
#   tokens, and llama.cpp's greedy steps, each with its top tokens and log probabilities, with
#   flash attention off (the reference) and on (to show llama.cpp's own spread).
#
# Needs cmake, g++ and Python's pip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/llama-cpp.sh
[ -f "$llama/build/src/libllama.a" ] || llama_build llama
rm -rf .test-data/models/conformance
./models/make-test-models.sh
models=.test-data/models/conformance

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++17 -o "$work/logits" scripts/conformance/logits.cpp \
  -I"$llama/include" -I"$llama/ggml/include" \
  "$llama/build/src/libllama.a" "$llama/build/ggml/src/libggml.a" \
  "$llama/build/ggml/src/libggml-cpu.a" "$llama/build/ggml/src/libggml-base.a" \
  -fopenmp -lpthread -ldl

out=tests/fixtures/conformance
mkdir -p "$out"
# The prompt: a fixed spread of token ids (byte tokens and merges), begun by the BOS token (265),
# long enough that positions reach the rope frequencies each family scales.
prompt="$(python3 -c 'import random; r = random.Random(7); print(",".join(["265"] + [str(r.randrange(0, 264)) for _ in range(199)]))')"
for arch in llama qwen2 qwen3 phi3; do
  off="$("$work/logits" "$models/$arch.gguf" "$prompt" 24 8 0 2)"
  on="$("$work/logits" "$models/$arch.gguf" "$prompt" 24 8 1 2)"
  python3 - "$out/$arch.json" "$models/$arch.gguf" "$off" "$on" <<'PY'
import hashlib, json, sys
path, model, off, on = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
sha256 = hashlib.sha256(open(model, "rb").read()).hexdigest()
with open(path, "w") as f:
    json.dump({"model_sha256": sha256, "prompt": off["prompt"],
               "flash_attention_off": off["steps"], "flash_attention_on": on["steps"]}, f)
    f.write("\n")
PY
  echo "conformance: $arch recorded"
done
