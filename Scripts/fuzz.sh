#!/usr/bin/env bash
# Builds llama-swift-fuzz with libFuzzer and AddressSanitizer and fuzzes each target from its
# seed corpus (Fuzzing/Corpus/TARGET), with its dictionary (Fuzzing/Dictionaries/TARGET.dict)
# where there is one.
#
#   Scripts/fuzz.sh [TARGET...] [--runs N | --seconds S] [--jobs J] [--seed N]
#
# Targets: gguf tokenizer state request jinja grammar schema (default: all). Without a budget each
# target runs 20000 inputs. New inputs collect in .build-fuzz/corpus/TARGET (the committed corpus
# is not touched); a crash, a timeout (10 s) or a run past 2 GiB is saved as
# .build-fuzz/crashes/TARGET/crash-* (timeout-*, oom-*); the script goes on with the next
# target and exits 1 at the end. Copy a crash that is fixed into Tests/FuzzRegressions/TARGET/:
# the test suite replays it.
# One summary line per target: executions, libFuzzer's cov: and ft:, corpus size, crashes.
# --seed fixes libFuzzer's random seed, so a run from the committed corpus repeats (CI does this).
set -euo pipefail
cd "$(dirname "$0")/.."

all=(gguf tokenizer state request jinja grammar schema)
targets=()
budget=(-runs=20000)
jobs=1
seed=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) budget=(-runs="$2"); shift 2 ;;
    --seconds) budget=(-max_total_time="$2"); shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --seed) seed=(-seed="$2"); shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *)
      if [[ " ${all[*]} " != *" $1 "* ]]; then echo "fuzz.sh: unknown target $1 (one of: ${all[*]})" >&2; exit 2; fi
      targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

# SwiftPM's --sanitize=fuzzer builds the executable for libFuzzer's main; the sanitizers are also
# given as one swiftc flag, because swiftc keeps only the last of several -sanitize= flags and
# fuzzer alone would drop AddressSanitizer (and address alone the coverage).
swift build -c release --product llama-swift-fuzz --traits Fuzzing --scratch-path .build-fuzz \
  --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v "warning: Cannot export" | tail -1
fuzzer=.build-fuzz/release/llama-swift-fuzz

model=""
for candidate in "${LLAMA_SWIFT_FIXTURES:-}" ../shared/fixtures Fixtures; do
  if [ -n "$candidate" ] && [ -f "$candidate/stories260K.gguf" ]; then model="$candidate/stories260K.gguf"; break; fi
done

failed=0
for target in "${targets[@]}"; do
  if [ "$target" = state ] && [ -z "$model" ]; then
    echo "state: stories260K.gguf not found (../shared/fixtures or LLAMA_SWIFT_FIXTURES)" >&2; failed=1; continue
  fi
  corpus=.build-fuzz/corpus/$target
  crashes=.build-fuzz/crashes/$target
  log=.build-fuzz/logs/$target.log
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  # No leak checks: LeakSanitizer cannot see the pointers Swift keeps in enum payloads with tag
  # bits, so it reports lazily built globals (a parsed grammar) as leaks.
  options=(-artifact_prefix="$crashes/" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -detect_leaks=0)
  [ -f "Fuzzing/Dictionaries/$target.dict" ] && options+=(-dict="Fuzzing/Dictionaries/$target.dict")
  if [ "$jobs" -gt 1 ]; then options+=(-fork="$jobs"); fi
  status=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} LLAMA_SWIFT_FUZZ_TARGET=$target LLAMA_SWIFT_FUZZ_MODEL=$model \
    "$fuzzer" "${options[@]}" "${budget[@]}" ${seed[@]+"${seed[@]}"} "$corpus" "Fuzzing/Corpus/$target" >"$log" 2>&1 || status=$?
  runs=$(grep -o '^stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
  found=$(find "$crashes" -type f | wc -l)
  echo "$target: ${runs:-0} runs, ${coverage:-no coverage reported}, corpus $(find "$corpus" -type f | wc -l) inputs, $found crash files, exit $status"
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    failed=1
    grep -E "ERROR|Fatal error|==[0-9]+==|SUMMARY|Test unit written" "$log" | head -8 >&2 || true
  fi
done
exit $failed
