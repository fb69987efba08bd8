#!/usr/bin/env bash
# The whole test suite on a fresh machine: set-up, every test in the portable build, then every
# test again in the native build with the optional backends (BLAS, Vulkan on lavapipe when there
# is no GPU) enabled: the kernel tests must pass in both builds, the backend tests run in the second.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
# Release builds: the model tests run real forward passes, far too slow unoptimised.
swift test -c release
# shellcheck disable=SC2046
swift test -c release --scratch-path .build-native $(Scripts/native-flags.sh BLAS Vulkan)
