#!/usr/bin/env bash
# The whole test suite on a fresh machine: set-up, every test in the portable build, then the
# kernel tests again in the native build (the two builds must agree), then the Vulkan backend's
# tests in the build with the Vulkan trait (on lavapipe when there is no GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift test
# shellcheck disable=SC2046
swift test --scratch-path .build-native $(Scripts/native-flags.sh) --filter LlamaKernelsTests
swift test --scratch-path .build-vulkan --traits Vulkan --filter LlamaVulkanTests
