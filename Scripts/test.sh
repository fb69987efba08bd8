#!/usr/bin/env bash
# The whole test suite on a fresh machine: set-up, every test in the portable build, then every
# test again in the native build for this CPU (the AVX2 or AVX512VNNI kernels) with the optional
# backends enabled (BLAS, and Vulkan on lavapipe when there is no GPU): the kernels and the model
# checks against llama.cpp must hold in both builds, the backend tests run in the second.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
# The C API's shared library, which `swift test` does not build; the C and Python examples'
# tests load it from here.
swift build -c release --product LlamaSwiftC
case "$(uname)" in Darwin) extension=dylib ;; *) extension=so ;; esac
LLAMA_SWIFT_C_LIBRARY="$(swift build -c release --show-bin-path)/libLlamaSwiftC.$extension"
export LLAMA_SWIFT_C_LIBRARY
# Release builds: the model tests run real forward passes, far too slow unoptimised. The suite
# replays the fuzz corpus and saved crashes (FuzzReplayTests).
swift test -c release
# shellcheck disable=SC2046
swift test -c release --scratch-path .build-native $(Scripts/native-flags.sh BLAS Vulkan)
# The kernel, model, session and server tests again under AddressSanitizer.
Scripts/sanitize.sh address
# Each fuzz target, under AddressSanitizer, for 20000 inputs from the committed corpus with a
# fixed seed, so the run repeats.
Scripts/fuzz.sh --runs 20000 --seed 1
