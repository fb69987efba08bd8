#!/usr/bin/env bash
# Installs what LlamaSwift's tests and tools need on a fresh Debian machine with Swift:
# system packages when run as root (OpenBLAS for the BLAS trait; the Vulkan headers, loader,
# lavapipe and glslc for the Vulkan backend; cc for the C API example; strace to kill a tool
# at a chosen system call), Python's gguf package for the gguf-py
# cross-checks, the openai client and jsonschema for the server and schema checks, and the
# model fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends \
    libopenblas-dev pkg-config libvulkan-dev mesa-vulkan-drivers glslc gcc libc6-dev strace >/dev/null
fi
python3 -c 'import gguf, numpy, openai, jsonschema' 2>/dev/null || python3 -m pip install -q gguf numpy openai jsonschema
Fixtures/fetch-models.sh
