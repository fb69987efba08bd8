// The (scale, min) pair of sub-block s (0..7) of a Q4_K or Q5_K super-block at `offset`: eight
// 6-bit pairs packed in the 12 bytes after the two f16 fields.
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
