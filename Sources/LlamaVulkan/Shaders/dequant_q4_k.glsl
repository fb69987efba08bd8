// Q4_K: super-blocks of 256 elements in 144 bytes:
//   0: f16 d, 2: f16 dmin, 4: 12 bytes packing eight 6-bit (scale, min) pairs,
//   16: 128 bytes of nibbles.
// Sub-block s (32 elements) of 64-element chunk c = s / 2 reads nibble (s odd: high, even: low)
// of byte 32 * c + l (l = element index within the sub-block).
// value = d * scale[s] * q - dmin * min[s].
#include "kquant_scales.glsl"

void dequantGroup(uint row, uint group, out float v[16]) {
    uint offset, s;
    float d, m;
    kquantGroup(row, group, 144u, offset, s, d, m);
    uint nibbleShift = (s & 1u) * 4u;
    uvec4 quants = weightBytes16(offset + 16u + (s / 2u) * 32u + (group & 1u) * 16u);
    for (uint i = 0u; i < 16u; i++) {
        v[i] = d * float((byteOf(quants, i) >> nibbleShift) & 0xFu) - m;
    }
}
