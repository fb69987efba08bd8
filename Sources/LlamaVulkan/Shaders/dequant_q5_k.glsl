// Q5_K: super-blocks of 256 elements in 176 bytes:
//   0: f16 d, 2: f16 dmin, 4: 12 bytes packing eight 6-bit (scale, min) pairs,
//   16: 32 bytes of fifth bits, 48: 128 bytes of low nibbles.
// Sub-block s (32 elements) of 64-element chunk c = s / 2 reads nibble (s odd: high, even: low)
// of byte 32 * c + l, and bit s of high-bit byte l (l = element index within the sub-block).
// value = d * scale[s] * q - dmin * min[s].
#include "kquant_scales.glsl"

void dequantGroup(uint row, uint group, out float v[16]) {
    uint offset, s;
    float d, m;
    kquantGroup(row, group, 176u, offset, s, d, m);
    uint firstL = (group & 1u) * 16u;
    uint nibbleShift = (s & 1u) * 4u;
    uvec4 lows = weightBytes16(offset + 48u + (s / 2u) * 32u + firstL);
    uvec4 highs = weightBytes16(offset + 16u + firstL);
    for (uint i = 0u; i < 16u; i++) {
        uint q = ((byteOf(lows, i) >> nibbleShift) & 0xFu) | (((byteOf(highs, i) >> s) & 1u) << 4);
        v[i] = d * float(q) - m;
    }
}
