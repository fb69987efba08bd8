// Q8_0: blocks of 32 elements in 34 bytes: f16 scale d, then 32 signed bytes; value = q * d.
void dequantGroup(uint row, uint group, out float v[16]) {
    uint block = row * (p.K / 32u) + group / 2u;
    uint offset = block * 34u;
    float d = weightHalf(offset);
    uvec4 quants = weightBytes16(offset + 2u + (group & 1u) * 16u);
    for (uint i = 0u; i < 16u; i++) {
        v[i] = float(signedByte(byteOf(quants, i))) * d;
    }
}
