// Q6_K: super-blocks of 256 elements in 210 bytes:
//   0: 128 bytes of low nibbles, 128: 64 bytes of 2-bit high parts, 192: 16 signed 8-bit scales,
//   208: f16 d.
// Element e: half n = e / 128, quarter j = (e % 128) / 32, l = e % 32. Low nibble from byte
// 64 * n + 32 * (j % 2) + l (high nibble when j >= 2); high bits (2 * j ..< 2 * j + 2) of byte
// 128 + 32 * n + l. value = d * scale[e / 16] * (q - 32).
void dequantGroup(uint row, uint group, out float v[16]) {
    uint block = row * (p.K / 256u) + group / 16u;
    uint offset = block * 210u;
    uint g = group % 16u;
    uint n = g / 8u;
    uint j = (g % 8u) / 2u;
    uint firstL = (g & 1u) * 16u;
    float d = weightHalf(offset + 208u) * float(signedByte(weightByte(offset + 192u + g)));
    uvec4 lows = weightBytes16(offset + 64u * n + 32u * (j & 1u) + firstL);
    uint lowShift = (j / 2u) * 4u;
    uvec4 highs = weightBytes16(offset + 128u + 32u * n + firstL);
    for (uint i = 0u; i < 16u; i++) {
        uint q = ((byteOf(lows, i) >> lowShift) & 0xFu) | (((byteOf(highs, i) >> (2u * j)) & 3u) << 4);
        v[i] = d * (float(q) - 32.0);
    }
}
