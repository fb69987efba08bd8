#version 450
#extension GL_GOOGLE_include_directive : require

// Embedding lookup: Y[t] = dequantized row tokens[t] of W (K elements per row).
// One workgroup per token.

#define THREADS 64
layout(local_size_x = THREADS) in;

layout(push_constant) uniform Parameters {
    uint K;
} p;

#include "dequant.glsl"

layout(std430, binding = 1) readonly buffer TokenBuffer { uint tokens[]; };
layout(std430, binding = 2) writeonly buffer OutputBuffer { float Y[]; };

void main() {
    uint t = gl_WorkGroupID.x;
    uint row = tokens[t];
    uint groups = (p.K + 15u) / 16u;
    for (uint group = gl_LocalInvocationID.x; group < groups; group += THREADS) {
        float v[16];
        dequantGroup(row, group, v);
        uint first = group * 16u;
        uint count = min(16u, p.K - first);
        for (uint i = 0u; i < count; i++) {
            Y[t * p.K + first + i] = v[i];
        }
    }
}
