#!/usr/bin/env bash
# Times the summarizer through the command line on the default model: time to first token and
# total time, for the 300-word test text and for a 10,000-word text (three licence texts every
# Debian/Ubuntu system ships in /usr/share/common-licenses), plus the peak memory of each run.
# Needs GNU time (apt-get install time) and a built CLI (scripts/run.sh or scripts/test.sh builds it).
# Usage: scripts/bench-summarize.sh [extra hearth summarize options, e.g. --chunk-tokens 512]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The throwaway history's key goes into a keyring on a private bus, as in scripts/test.sh:
# without one the CLI asks for a passphrase and the run would stop there.
if [ -z "${HEARTH_BENCH_BUS:-}" ]; then
  export HEARTH_BENCH_BUS=1
  exec dbus-run-session -- bash -c 'source scripts/keyring.sh && exec scripts/bench-summarize.sh "$@"' \
    bench-summarize "$@"
fi
hearth=./target/release/hearth
[ -x "$hearth" ] || { echo "build the CLI first: scripts/run.sh or scripts/test.sh builds it"; exit 1; }
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT

long="$data/10000-words.txt"
cat /usr/share/common-licenses/GPL-3 /usr/share/common-licenses/GPL-2 \
  /usr/share/common-licenses/Apache-2.0 >"$long"

echo "| text | words | first token | total | peak memory | measurements |"
echo "| --- | --- | --- | --- | --- | --- |"
for text in crates/hearth-core/tests/texts/meeting.txt "$long"; do
  words=$(wc -w <"$text")
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$data/rss" "$hearth" --data-dir "$data" summarize "$text" "$@" \
    >"$data/summary" 2>"$data/stderr" || { cat "$data/stderr" >&2; exit 1; }
  end=$(date +%s%N)
  stats=$(tail -n 1 "$data/stderr")
  first=$(grep -o 'first token [0-9]* ms' <<<"$stats" | grep -o '[0-9]*' || echo "?")
  total=$(( (end - start) / 1000000 ))
  rss=$(( $(cat "$data/rss") / 1024 ))
  awk -v t="$(basename "$text")" -v w="$words" -v f="$first" -v T="$total" -v r="$rss" -v s="$stats" \
    'BEGIN { printf "| %s | %s | %.1f s | %.1f s | %s MiB | %s |\n", t, w, f / 1000, T / 1000, r, s }' 
done
