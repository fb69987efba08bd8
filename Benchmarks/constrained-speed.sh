#!/usr/bin/env bash
# Token generation with and without a JSON Schema constraint, llama-swift and llama.cpp's
# llama-completion on the same file and schema in the same run:
#
#   Benchmarks/constrained-speed.sh MODEL.gguf LLAMA_CPP_BIN_DIR [LLAMA_SWIFT_BINARY] [RUNS]
#
# Each engine generates 64 tokens greedily from the same prompt, RUNS times (default 5) per
# case, the cases alternating; the schema asks for at least 40 short strings, so the constraint
# holds for all 64 tokens. The table gives each case's best generation tokens/s and the
# constrained/unconstrained ratio.
set -euo pipefail
model=$1
bin=$2
swift_cli=${3:-.build-native-release/release/llama-swift}
runs=${4:-5}
schema='{"type": "array", "items": {"type": "string", "maxLength": 12}, "minItems": 40, "maxItems": 60}'
prompt="A list of words as JSON:"

ours() {  # ours [--json-schema S]: generation tokens/s from the summary on stderr
  "$swift_cli" generate -m "$model" -p "$prompt" -n 64 --temp 0 -t 2 "$@" 2>&1 >/dev/null |
    sed -n 's/^generation: .*(\([0-9.]*\) tokens\/s)$/\1/p'
}
theirs() {  # theirs [--json-schema S]: llama-completion's eval tokens/s
  LD_LIBRARY_PATH="$bin" "$bin/llama-completion" -m "$model" -p "$prompt" -n 64 --temp 0 -t 2 \
    -no-cnv --ignore-eos --no-display-prompt "$@" 2>&1 >/dev/null |
    sed -n 's/.* eval time = .* runs.*, *\([0-9.]*\) tokens per second)$/\1/p' | tail -1
}
best() { sort -g | tail -1; }

for engine in ours theirs; do
  # The two cases alternate, so that drift in the machine's speed falls on both.
  free=() constrained=()
  for _ in $(seq "$runs"); do
    free+=("$($engine)")
    constrained+=("$($engine --json-schema "$schema")")
  done
  f=$(printf '%s\n' "${free[@]}" | best)
  c=$(printf '%s\n' "${constrained[@]}" | best)
  ratio=$(python3 -c "print(f'{$c / $f:.3f}')")
  printf '%-7s  unconstrained %8s t/s   json-schema %8s t/s   ratio %s\n' "$engine" "$f" "$c" "$ratio"
done
