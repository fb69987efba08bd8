#version 450

// Appends T rows of keys or values (`width` floats each, width even) to a layer's f16 cache at
// row startPos: cache holds two f16 per word, as llama.cpp's default F16 KV cache does.

layout(local_size_x = 64) in;

layout(push_constant) uniform Parameters {
    uint words;     // T * width / 2
    uint firstWord; // startPos * width / 2
} p;

layout(std430, binding = 0) readonly buffer InputBuffer { float X[]; };
layout(std430, binding = 1) writeonly buffer CacheBuffer { uint cache[]; };

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= p.words) {
        return;
    }
    cache[p.firstWord + i] = packHalf2x16(vec2(X[2u * i], X[2u * i + 1u]));
}
