#!/usr/bin/env bash
# Prints the SwiftPM flags of the native build for this CPU, with any extra traits given as
# arguments (e.g. `Scripts/native-flags.sh BLAS`): the AVX512VNNI trait when the CPU has AVX-512
# VNNI, else the AVX2 trait when it has AVX2, FMA and F16C, and the host as target CPU on x86-64.
traits=("$@")
flags_line=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
has() { grep -qw "$1" <<<"$flags_line"; }
if has avx512_vnni && has avx512bw && has avx512vl; then
  traits=(AVX512VNNI "${traits[@]}")
elif has avx2 && has fma && has f16c; then
  traits=(AVX2 "${traits[@]}")
fi
flags=()
[ ${#traits[@]} -gt 0 ] && flags+=(--traits "$(IFS=,; echo "${traits[*]}")")
[ "$(uname -m)" = x86_64 ] && flags+=(-Xswiftc -target-cpu -Xswiftc native)
echo "${flags[@]}"
