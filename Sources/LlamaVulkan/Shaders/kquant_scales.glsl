// Q4_K and Q5_K super-blocks: two f16 fields (d, dmin), then eight 6-bit (scale, min) pairs in
// 12 bytes.

// The (scale, min) pair of sub-block s (0..7) of the super-block at `offset`.
void scaleAndMin(uint offset, uint s, out float scale, out float minimum) {
    uint packed = offset + 4u;
    if (s < 4u) {
        scale = float(weightByte(packed + s) & 63u);
        minimum = float(weightByte(packed + s + 4u) & 63u);
    } else {
        uint low = weightByte(packed + s + 4u);
        scale = float((low & 0xFu) | ((weightByte(packed + s - 4u) >> 6) << 4));
        minimum = float((low >> 4) | ((weightByte(packed + s) >> 6) << 4));
    }
}

// Group `group` (16 elements) of a row in super-blocks of `blockBytes` bytes: the super-block's
// byte offset, the group's sub-block s, and its factor d * scale[s] and offset dmin * min[s].
void kquantGroup(uint row, uint group, uint blockBytes, out uint offset, out uint s, out float d, out float m) {
    offset = (row * (p.K / 256u) + group / 16u) * blockBytes;
    s = (group % 16u) / 2u;
    float scale;
    float minimum;
    scaleAndMin(offset, s, scale, minimum);
    d = weightHalf(offset) * scale;
    m = weightHalf(offset + 2u) * minimum;
}
