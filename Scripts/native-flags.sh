#!/usr/bin/env bash
# Prints the SwiftPM flags of the native build for this CPU: the AVX512VNNI trait and the
# host as target CPU when the CPU has AVX-512 VNNI, the host as target CPU otherwise.
if grep -qw avx512_vnni /proc/cpuinfo 2>/dev/null; then
  echo "--traits AVX512VNNI -Xswiftc -target-cpu -Xswiftc native"
elif [ "$(uname -m)" = x86_64 ]; then
  echo "-Xswiftc -target-cpu -Xswiftc native"
fi
