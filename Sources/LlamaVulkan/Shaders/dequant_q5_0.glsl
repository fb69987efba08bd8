// Q5_0: blocks of 32 elements in 22 bytes: f16 scale d, 4 bytes of fifth bits (bit j for
// element j), then 16 bytes whose low nibbles are elements 0..15 and high nibbles elements
// 16..31; value = (q - 16) * d.
void dequantGroup(uint row, uint group, out float v[16]) {
    uint block = row * (p.K / 32u) + group / 2u;
    uint offset = block * 22u;
    float d = weightHalf(offset);
    uint high = weightByte(offset + 2u) | (weightByte(offset + 3u) << 8) | (weightByte(offset + 4u) << 16)
        | (weightByte(offset + 5u) << 24);
    uint upper = group & 1u;
    uint shift = upper * 4u;
    uvec4 quants = weightBytes16(offset + 6u);
    for (uint i = 0u; i < 16u; i++) {
        uint q = ((byteOf(quants, i) >> shift) & 0xFu) | (((high >> (upper * 16u + i)) & 1u) << 4);
        v[i] = (float(q) - 16.0) * d;
    }
}
