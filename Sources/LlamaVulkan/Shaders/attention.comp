#version 450

// Causal multi-head attention of T query rows against the KV cache of one layer.
// Q and O: T rows of H heads of D elements. The layer's key and value caches hold `capacity`
// positions of HKV heads of D elements as f16, two to a word (D is even). The query is rounded to
// f16 too before the dot products, as llama.cpp does against its f16 key cache. Query row t sits at position
// startPos + t and sees positions 0 ... startPos + t, or only the last `window` of them when
// `window` is not 0. Query head h reads KV head h / (H / HKV). Scores are multiplied by `scale`,
// then, when `softCap` is not 0, become softCap * tanh(score / softCap).
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
    float softCap;
    uint window;
} p;

layout(std430, binding = 0) readonly buffer QueryBuffer { float Q[]; };
layout(std430, binding = 1) readonly buffer KeyBuffer { uint keys[]; };
layout(std430, binding = 2) readonly buffer ValueBuffer { uint values[]; };
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
    uint first = p.window != 0u && n > p.window ? n - p.window : 0u;

    for (uint d = tid; d < p.D; d += THREADS) {
        query[d] = unpackHalf2x16(packHalf2x16(vec2(Q[q + d], 0.0))).x;
    }
    barrier();

    float localMax = -3.402823466e38;
    for (uint pos = first + tid; pos < n; pos += THREADS) {
        uint k = (kv + pos * kvStride) / 2u;
        float dot = 0.0;
        for (uint d = 0u; d < p.D; d += 2u) {
            vec2 key = unpackHalf2x16(keys[k + d / 2u]);
            dot += query[d] * key.x + query[d + 1u] * key.y;
        }
        dot *= p.scale;
        if (p.softCap != 0.0) {
            dot = p.softCap * tanh(clamp(dot / p.softCap, -10.0, 10.0));
        }
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
    for (uint pos = first + tid; pos < n; pos += THREADS) {
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
        uint shift = (d & 1u) * 16u;
        for (uint pos = first; pos < n; pos++) {
            uint word = values[(kv + pos * kvStride + d) / 2u];
            acc += scores[s + pos] * unpackHalf2x16(word >> shift).x;
        }
        O[q + d] = acc * inverseSum;
    }
}
