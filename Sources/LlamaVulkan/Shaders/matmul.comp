#version 450
#extension GL_GOOGLE_include_directive : require

// Y[t][row] (+)= dot(W[row], X[xOffset + t]) for T activation rows of length K and N weight rows,
// W in its GGUF block format. One workgroup per ROWS weight rows and tile of up to TILE activation
// rows; LANES threads per weight row, each dequantizing a 16-element group once per tile.
// T = 1 is the matrix-vector product of decoding. Rows past N (the grid is split over x and z to
// stay within dispatch limits) do nothing.

#define THREADS 64
#define LANES 16
#define ROWS (THREADS / LANES)
#define TILE 8
layout(local_size_x = THREADS) in;

layout(push_constant) uniform Parameters {
    uint K;          // row length (elements)
    uint N;          // weight rows = output row length
    uint T;          // activation rows
    uint accumulate; // 1: add to Y (residual), 0: overwrite
    uint rowsPerZ;   // weight rows covered along x (ROWS per workgroup)
    uint xOffset;    // first element of X to read
} p;

#include "dequant.glsl"

layout(std430, binding = 1) readonly buffer InputBuffer { float X[]; };
layout(std430, binding = 2) buffer OutputBuffer { float Y[]; };

shared float partial[TILE][THREADS];

void main() {
    uint tid = gl_LocalInvocationID.x;
    uint lane = tid % LANES;
    uint row = gl_WorkGroupID.z * p.rowsPerZ + gl_WorkGroupID.x * ROWS + tid / LANES;
    bool live = row < p.N;
    uint firstT = gl_WorkGroupID.y * TILE;
    uint tiles = min(uint(TILE), p.T - firstT);
    float acc[TILE];
    for (uint t = 0u; t < TILE; t++) {
        acc[t] = 0.0;
    }
    uint groups = live ? (p.K + 15u) / 16u : 0u;
    for (uint group = lane; group < groups; group += LANES) {
        float v[16];
        dequantGroup(row, group, v);
        uint first = group * 16u;
        uint count = min(16u, p.K - first);
        for (uint t = 0u; t < tiles; t++) {
            uint x = p.xOffset + (firstT + t) * p.K + first;
            float sum = 0.0;
            for (uint i = 0u; i < count; i++) {
                sum += v[i] * X[x + i];
            }
            acc[t] += sum;
        }
    }
    for (uint t = 0u; t < TILE; t++) {
        partial[t][tid] = acc[t];
    }
    barrier();
    for (uint stride = LANES / 2; stride > 0u; stride >>= 1) {
        if (lane < stride) {
            for (uint t = 0u; t < TILE; t++) {
                partial[t][tid] += partial[t][tid + stride];
            }
        }
        barrier();
    }
    if (live && lane < tiles) {
        uint y = (firstT + lane) * p.N + row;
        Y[y] = (p.accumulate != 0u ? Y[y] : 0.0) + partial[lane][tid - lane];
    }
}
