// Byte-level access to a weight tensor bound exactly as the GGUF file stores it, as 32-bit words
// (buffer binding 0). Every f16 field in the supported block layouts starts at an even byte.

layout(std430, binding = 0) readonly buffer WeightBuffer { uint W[]; };

uint weightByte(uint offset) {
    return (W[offset >> 2] >> ((offset & 3u) << 3)) & 0xFFu;
}

float weightHalf(uint offset) {
    return unpackHalf2x16(W[offset >> 2] >> ((offset & 2u) << 3)).x;
}

// The 16 bytes at `offset` (any alignment) as four little-endian words: 4 or 5 loads instead of
// 16. Never reads past the word that holds the last of the 16 bytes.
uvec4 weightBytes16(uint offset) {
    uint w = offset >> 2;
    uint shift = (offset & 3u) << 3;
    uvec4 words = uvec4(W[w], W[w + 1u], W[w + 2u], W[w + 3u]);
    if (shift == 0u) {
        return words;
    }
    uvec4 next = uvec4(words.yzw, W[w + 4u]);
    return (words >> shift) | (next << (32u - shift));
}

// Byte i (0..15) of weightBytes16's result.
uint byteOf(uvec4 bytes, uint i) {
    return (bytes[i >> 2] >> ((i & 3u) << 3)) & 0xFFu;
}

// Sign-extends an 8-bit value.
int signedByte(uint value) {
    return int(value << 24) >> 24;
}
