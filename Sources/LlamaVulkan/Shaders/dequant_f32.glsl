// F32: plain little-endian floats; rows may have any length.
void dequantGroup(uint row, uint group, out float v[16]) {
    uint first = group * 16u;
    uint base = row * p.K + first;
    for (uint i = 0u; i < 16u; i++) {
        v[i] = first + i < p.K ? uintBitsToFloat(W[base + i]) : 0.0;
    }
}
