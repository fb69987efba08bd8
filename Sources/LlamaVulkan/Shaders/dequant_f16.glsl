// F16: IEEE half floats, two per word; rows may have any length.
void dequantGroup(uint row, uint group, out float v[16]) {
    uint first = group * 16u;
    uint base = row * p.K + first;
    for (uint i = 0u; i < 16u; i++) {
        uint e = base + i;
        v[i] = first + i < p.K ? unpackHalf2x16(W[e >> 1] >> ((e & 1u) << 4)).x : 0.0;
    }
}
