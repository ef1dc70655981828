#!/usr/bin/env bash
# Hearth's engine beside llama.cpp, in one run, on the same GGUF files and thread count: the
# default model (Q4_1) and Q4_0 / Q8_0 / Q4_K_M copies of it made by llama.cpp's llama-quantize;
# or, with the shape `1b`, Q4_K_M / Q4_0 / Q8_0 files of a 1B llama shape with random weights
# (models/shapes/make.py; about 6 GB of files and minutes to make, once). llama.cpp runs with
# flash attention off and on, and each row takes its faster figure (its CPU default is not its
# best). Prints a markdown table of prompt and reply tokens/s with the ratio Hearth : llama.cpp.
#
# This machine's speed moves by a quarter within minutes (it is shared), so the two engines
# take turns: every round runs each file on Hearth and then on llama.cpp, and the table gives
# each engine's median over the rounds, with every round's own ratio beside it.
#
# Replies of 1, 2, 4 and 8 requests at once: Hearth's `batch` measure (same-length prompts of
# about 48 tokens, 128-token replies) beside llama-batched-bench with 48-token prompts and
# 128-token replies per sequence (its S_TG, the faster of flash attention off and on).
#
# llama.cpp is built once by scripts/llama-cpp.sh.
#
# Usage: scripts/bench-engine.sh [threads] [rounds] [1b]   (default 2 threads, 3 rounds, the
# default model's family)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
threads="${1:-2}"
rounds="${2:-3}"
shape="${3:-default}"
source scripts/llama-cpp.sh
work="$llama_work"
[ -x "$llama/build/bin/llama-bench" ] && [ -x "$llama/build/bin/llama-quantize" ] ||
  llama_build llama-bench llama-quantize
[ -x "$llama/build/bin/llama-batched-bench" ] || llama_build llama-batched-bench

default=models/SmolLM2-135M-Instruct.Q4_1.gguf
[ -f "$default" ] || ./models/fetch-default.sh
case "$shape" in
  default)
    files=("$default")
    for type in Q4_0 Q8_0 Q4_K_M; do
      file="$work/SmolLM2-135M-Instruct.$type.gguf"
      [ -f "$file" ] || "$llama/build/bin/llama-quantize" --allow-requantize "$default" "$file" "$type" >/dev/null 2>&1
      files+=("$file")
    done
    ;;
  1b)
    ./models/make-test-models.sh >/dev/null # the gguf package, under .test-data/
    f16="$work/bench-1b.F16.gguf"
    [ -f "$f16" ] || PYTHONPATH=.test-data/gguf-py python3 models/shapes/make.py "$default" "$f16"
    files=()
    for type in Q4_K_M Q4_0 Q8_0; do
      file="$work/bench-1b.$type.gguf"
      [ -f "$file" ] || "$llama/build/bin/llama-quantize" "$f16" "$file" "$type" >/dev/null 2>&1
      files+=("$file")
    done
    ;;
  *) echo "bench-engine: unknown shape $shape (default or 1b)" >&2; exit 2 ;;
esac

cargo bench --workspace --bench engine --no-run 2>/dev/null
out="$(mktemp -d)"
for round in $(seq 1 "$rounds"); do
  for file in "${files[@]}"; do
    name="$(basename "$file" .gguf)"
    echo "== round $round, $name: Hearth" >&2
    HEARTH_THREADS="$threads" cargo bench --workspace --bench engine -- "$(realpath "$file")" \
      2>/dev/null | tee "$out/$name.hearth.$round" >&2
    echo "== round $round, $name: llama.cpp" >&2
    for args in "-p 512 -n 0" "-p 730 -n 0" "-p 0 -n 128" "-p 0 -n 128 -d 730"; do
      # shellcheck disable=SC2086
      "$llama/build/bin/llama-bench" -m "$file" -t "$threads" -fa 0,1 $args -o jsonl 2>/dev/null
    done >"$out/$name.llama.$round"
    for fa in off on; do
      "$llama/build/bin/llama-batched-bench" -m "$file" -t "$threads" -c 4096 -b 2048 -ub 512 \
        -npp 48 -ntg 128 -npl 1,2,4,8 -fa "$fa" 2>/dev/null
    done >"$out/$name.batched.$round"
  done
done

python3 - "$out" "$threads" "$rounds" "${files[@]}" <<'PY'
import json, os, statistics, sys
out, threads, rounds, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
rows = [("prompt, 512 tokens", "pp512", (512, 0, 0)), ("prompt, 730 tokens", "pp730", (730, 0, 0)),
        ("reply, 128 tokens at depth 0", "tg128@0", (0, 128, 0)),
        ("reply, 128 tokens after 730", "tg128@730", (0, 128, 730))]
rows += [(f"replies of {n} requests at once, all together", f"batch{n}", ("batched", n))
         for n in (1, 2, 4, 8)]

def hearth(name, r):
    return {l.split()[1]: float(l.split()[2]) for l in open(f"{out}/{name}.hearth.{r}")
            if l.startswith("RESULT ")}

def llama(name, r):
    # Flash attention off and on: the faster of the two.
    best = {}
    for j in (json.loads(l) for l in open(f"{out}/{name}.llama.{r}")):
        key = (j["n_prompt"], j["n_gen"], j.get("n_depth", 0))
        best[key] = max(best.get(key, 0), j["avg_ts"])
    # llama-batched-bench's table: PP | TG | B | N_KV | T_PP | S_PP | T_TG | S_TG | T | S
    for line in open(f"{out}/{name}.batched.{r}"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 10 and cells[2].isdigit():
            key = ("batched", int(cells[2]))
            best[key] = max(best.get(key, 0), float(cells[7]))
    return best

print(f"threads: {threads}; rounds: {rounds} (each engine's median; every round's ratio after it)\n")
print("| file | measure (tokens/s) | Hearth | llama.cpp | Hearth : llama.cpp | by round |")
print("| --- | --- | --- | --- | --- | --- |")
for f in files:
    name = os.path.basename(f)[:-5]
    h_rounds = [hearth(name, r) for r in range(1, rounds + 1)]
    l_rounds = [llama(name, r) for r in range(1, rounds + 1)]
    for label, key, shape in rows:
        pairs = [(h.get(key), l.get(shape)) for h, l in zip(h_rounds, l_rounds)]
        pairs = [(h, l) for h, l in pairs if h and l]
        if not pairs:
            print(f"| {name.split('.')[-1]} | {label} | n/a | n/a | n/a | |")
            continue
        h = statistics.median(p[0] for p in pairs)
        l = statistics.median(p[1] for p in pairs)
        each = ", ".join(f"{a / b:.2f}" for a, b in pairs)
        print(f"| {name.split('.')[-1]} | {label} | {h:.0f} | {l:.0f} | {h / l:.2f} | {each} |")
for f in files:
    name = os.path.basename(f)[:-5]
    turns = [hearth(name, r) for r in range(1, rounds + 1)]
    first = statistics.median(t.get("turn1_ms", 0) for t in turns)
    tenth = statistics.median(t.get("turn10_ms", 0) for t in turns)
    follow = statistics.median(t.get("follow_up_ms", 0) for t in turns)
    print(f"\n{name.split('.')[-1]}: first token of chat turn 1 {first:.0f} ms, turn 10 {tenth:.0f} ms, "
          f"a question after a 512-token reply {follow:.0f} ms (medians)")
PY
rm -rf "$out"
