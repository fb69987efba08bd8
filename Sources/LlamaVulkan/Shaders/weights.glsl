// Byte-level access to a weight tensor bound exactly as the GGUF file stores it, as 32-bit words
// (buffer binding 0). Every f16 field in the supported block layouts starts at an even byte.

layout(std430, binding = 0) readonly buffer WeightBuffer { uint W[]; };

uint weightByte(uint offset) {
    return (W[offset >> 2] >> ((offset & 3u) << 3)) & 0xFFu;
}

float weightHalf(uint offset) {
    return unpackHalf2x16(W[offset >> 2] >> ((offset & 2u) << 3)).x;
}

// Sign-extends an 8-bit value.
int signedByte(uint value) {
    return int(value << 24) >> 24;
}
