#version 450

// Causal multi-head attention of T query rows against the KV cache of one layer.
// Q and O: T rows of H heads of D elements. The layer's key and value caches hold `capacity`
// positions of HKV heads of D elements. Query row t sits at position
// startPos + t and sees positions 0 ... startPos + t. Query head h reads KV head h / (H / HKV).
// One workgroup per (head, row); the softmax weights go through `scores` (T * H * capacity floats).

#define THREADS 64
#define MAX_HEAD_DIM 256
layout(local_size_x = THREADS) in;

layout(push_constant) uniform Parameters {
    uint H;
    uint HKV;
    uint D;
    uint startPos;
    uint capacity;
    float scale;
} p;

layout(std430, binding = 0) readonly buffer QueryBuffer { float Q[]; };
layout(std430, binding = 1) readonly buffer KeyBuffer { float keys[]; };
layout(std430, binding = 2) readonly buffer ValueBuffer { float values[]; };
layout(std430, binding = 3) writeonly buffer OutputBuffer { float O[]; };
layout(std430, binding = 4) coherent buffer ScoreBuffer { float scores[]; };

shared float query[MAX_HEAD_DIM];
shared float partial[THREADS];

void main() {
    uint tid = gl_LocalInvocationID.x;
    uint h = gl_WorkGroupID.x;
    uint t = gl_WorkGroupID.y;
    uint kvHead = h / (p.H / p.HKV);
    uint kvStride = p.HKV * p.D;
    uint kv = kvHead * p.D;
    uint q = (t * p.H + h) * p.D;
    uint s = (t * p.H + h) * p.capacity;
    uint n = p.startPos + t + 1u;

    for (uint d = tid; d < p.D; d += THREADS) {
        query[d] = Q[q + d];
    }
    barrier();

    float localMax = -3.402823466e38;
    for (uint pos = tid; pos < n; pos += THREADS) {
        uint k = kv + pos * kvStride;
        float dot = 0.0;
        for (uint d = 0u; d < p.D; d++) {
            dot += query[d] * keys[k + d];
        }
        dot *= p.scale;
        scores[s + pos] = dot;
        localMax = max(localMax, dot);
    }
    partial[tid] = localMax;
    barrier();
    for (uint stride = THREADS / 2; stride > 0u; stride >>= 1) {
        if (tid < stride) {
            partial[tid] = max(partial[tid], partial[tid + stride]);
        }
        barrier();
    }
    float maximum = partial[0];
    barrier();

    float localSum = 0.0;
    for (uint pos = tid; pos < n; pos += THREADS) {
        float e = exp(scores[s + pos] - maximum);
        scores[s + pos] = e;
        localSum += e;
    }
    partial[tid] = localSum;
    memoryBarrierBuffer();
    barrier();
    for (uint stride = THREADS / 2; stride > 0u; stride >>= 1) {
        if (tid < stride) {
            partial[tid] += partial[tid + stride];
        }
        barrier();
    }
    float inverseSum = 1.0 / partial[0];

    for (uint d = tid; d < p.D; d += THREADS) {
        float acc = 0.0;
        for (uint pos = 0u; pos < n; pos++) {
            acc += scores[s + pos] * values[kv + pos * kvStride + d];
        }
        O[q + d] = acc * inverseSum;
    }
}
