#!/usr/bin/env bash
# Hearth's engine beside llama.cpp, in one run, on the same GGUF files and thread count: the
# default model (Q4_1) and Q4_0 / Q8_0 / Q4_K_M copies of it made by llama.cpp's llama-quantize.
# Prints a markdown table of prompt and reply tokens/s with the ratio Hearth : llama.cpp.
#
# llama.cpp is built once, for this CPU as its users build it (GGML_NATIVE), from the source
# that the llama-cpp-python sdist carries, under ~/.cache/hearth-bench (HEARTH_BENCH_DIR).
# That build is for this comparison only: nothing else in Hearth uses it.
#
# Usage: scripts/bench-engine.sh [threads]   (default 2)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
threads="${1:-2}"
work="${HEARTH_BENCH_DIR:-$HOME/.cache/hearth-bench}"
version=0.3.36
llama="$work/llama_cpp_python-$version/vendor/llama.cpp"
mkdir -p "$work"

if [ ! -x "$llama/build/bin/llama-bench" ] || [ ! -x "$llama/build/bin/llama-quantize" ]; then
  command -v cmake >/dev/null || { echo "bench-engine: cmake is needed (apt-get install cmake)"; exit 1; }
  [ -d "$llama" ] || {
    python3 -m pip download --no-deps --no-binary :all: "llama-cpp-python==$version" -d "$work"
    tar -xzf "$work/llama_cpp_python-$version.tar.gz" -C "$work"
  }
  # No AMX: where the CPU lists it but the virtual machine does not grant its tile state (seen
  # on a shared Xeon), llama.cpp's AMX matmul dies on its first `ldtilecfg`.
  no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  cmake -S "$llama" -B "$llama/build" -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="$no_amx" -DCMAKE_CXX_FLAGS="$no_amx" >/dev/null
  cmake --build "$llama/build" -j"$(nproc)" --target llama-bench llama-quantize >/dev/null
fi

default=models/SmolLM2-135M-Instruct.Q4_1.gguf
[ -f "$default" ] || ./models/fetch-default.sh
files=("$default")
for type in Q4_0 Q8_0 Q4_K_M; do
  file="$work/SmolLM2-135M-Instruct.$type.gguf"
  [ -f "$file" ] || "$llama/build/bin/llama-quantize" --allow-requantize "$default" "$file" "$type" >/dev/null 2>&1
  files+=("$file")
done

cargo bench --workspace --bench engine --no-run 2>/dev/null
out="$(mktemp -d)"
for file in "${files[@]}"; do
  name="$(basename "$file" .gguf)"
  echo "== $name: Hearth" >&2
  HEARTH_THREADS="$threads" cargo bench --workspace --bench engine -- "$(realpath "$file")" \
    2>/dev/null | tee "$out/$name.hearth" >&2
  echo "== $name: llama.cpp" >&2
  for args in "-p 512 -n 0" "-p 730 -n 0" "-p 0 -n 128" "-p 0 -n 128 -d 730"; do
    # shellcheck disable=SC2086
    "$llama/build/bin/llama-bench" -m "$file" -t "$threads" $args -o jsonl 2>/dev/null
  done >"$out/$name.llama"
done

python3 - "$out" "$threads" "${files[@]}" <<'PY'
import json, os, sys
out, threads, files = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = [("prompt, 512 tokens", "pp512", (512, 0, 0)), ("prompt, 730 tokens", "pp730", (730, 0, 0)),
        ("reply, 128 tokens at depth 0", "tg128@0", (0, 128, 0)),
        ("reply, 128 tokens after 730", "tg128@730", (0, 128, 730))]
print(f"threads: {threads}\n")
print("| file | measure (tokens/s) | Hearth | llama.cpp | Hearth : llama.cpp |")
print("| --- | --- | --- | --- | --- |")
for f in files:
    name = os.path.basename(f)[:-5]
    hearth = {}
    for line in open(f"{out}/{name}.hearth"):
        if line.startswith("RESULT "):
            _, key, value = line.split()
            hearth[key] = float(value)
    llama = {}
    for line in open(f"{out}/{name}.llama"):
        r = json.loads(line)
        llama[(r["n_prompt"], r["n_gen"], r.get("n_depth", 0))] = r["avg_ts"]
    for label, key, shape in rows:
        h, l = hearth.get(key), llama.get(shape)
        ratio = f"{h / l:.2f}" if h and l else "n/a"
        print(f"| {name.split('.')[-1]} | {label} | {h or 0:.0f} | {l or 0:.0f} | {ratio} |")
for f in files:
    name = os.path.basename(f)[:-5]
    hearth = dict(l.split()[1:] for l in open(f"{out}/{name}.hearth") if l.startswith("RESULT "))
    print(f"\n{name.split('.')[-1]}: chat turn 1 first token {hearth.get('turn1_ms')} ms, turn 10 {hearth.get('turn10_ms')} ms")
PY
rm -rf "$out"
