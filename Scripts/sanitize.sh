#!/usr/bin/env bash
# Runs the tests that touch unsafe memory and threads (the kernels and the thread pool, models,
# sessions and generation, the server) in a release build under a sanitizer:
#
#   Scripts/sanitize.sh address     AddressSanitizer (leak checks off, see below)
#   Scripts/sanitize.sh thread      ThreadSanitizer
#
# Each builds into its own .build-SANITIZER and exits non-zero on any report. LeakSanitizer is
# off because it cannot follow the pointers Swift keeps in enum payloads with tag bits, so it
# reports lazily built globals as leaks.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=${1:-}
case "$sanitizer" in
  address) export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} ;;
  thread) export TSAN_OPTIONS=${TSAN_OPTIONS:-} ;;
  *) echo "usage: Scripts/sanitize.sh address|thread" >&2; exit 2 ;;
esac
swift test -c release --sanitize="$sanitizer" --scratch-path ".build-$sanitizer" \
  --filter "LlamaKernelsTests|LlamaSwiftTests|LlamaServerTests"
