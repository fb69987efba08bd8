#version 450

// Y[t] = X[t] / sqrt(mean(X[t]^2) + eps) * weight, for T rows of K elements. One workgroup per row.

#define THREADS 64
layout(local_size_x = THREADS) in;

layout(push_constant) uniform Parameters {
    uint K;
    float eps;
} p;

layout(std430, binding = 0) readonly buffer InputBuffer { float X[]; };
layout(std430, binding = 1) readonly buffer WeightBuffer { float weight[]; };
layout(std430, binding = 2) writeonly buffer OutputBuffer { float Y[]; };

shared float partial[THREADS];

void main() {
    uint tid = gl_LocalInvocationID.x;
    uint base = gl_WorkGroupID.x * p.K;
    float sum = 0.0;
    for (uint i = tid; i < p.K; i += THREADS) {
        float x = X[base + i];
        sum += x * x;
    }
    partial[tid] = sum;
    barrier();
    for (uint stride = THREADS / 2; stride > 0u; stride >>= 1) {
        if (tid < stride) {
            partial[tid] += partial[tid + stride];
        }
        barrier();
    }
    float scale = inversesqrt(partial[0] / float(p.K) + p.eps);
    for (uint i = tid; i < p.K; i += THREADS) {
        Y[base + i] = X[base + i] * scale * weight[i];
    }
}
