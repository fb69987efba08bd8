#!/usr/bin/env bash
# Prints the SwiftPM flags of the native build for this CPU, with any extra traits given as
# arguments (e.g. `Scripts/native-flags.sh BLAS`): the AVX512VNNI trait when the CPU has AVX-512
# VNNI, and the host as target CPU on x86-64.
traits=("$@")
grep -qw avx512_vnni /proc/cpuinfo 2>/dev/null && traits=(AVX512VNNI "${traits[@]}")
flags=()
[ ${#traits[@]} -gt 0 ] && flags+=(--traits "$(IFS=,; echo "${traits[*]}")")
[ "$(uname -m)" = x86_64 ] && flags+=(-Xswiftc -target-cpu -Xswiftc native)
echo "${flags[@]}"
