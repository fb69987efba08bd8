// Q4_0: blocks of 32 elements in 18 bytes: f16 scale d, then 16 bytes whose low nibbles are
// elements 0..15 and high nibbles elements 16..31; value = (q - 8) * d.
void dequantGroup(uint row, uint group, out float v[16]) {
    uint block = row * (p.K / 32u) + group / 2u;
    uint offset = block * 18u;
    float d = weightHalf(offset);
    uint shift = (group & 1u) * 4u;
    uvec4 quants = weightBytes16(offset + 2u);
    for (uint i = 0u; i < 16u; i++) {
        uint q = (byteOf(quants, i) >> shift) & 0xFu;
        v[i] = (float(q) - 8.0) * d;
    }
}
