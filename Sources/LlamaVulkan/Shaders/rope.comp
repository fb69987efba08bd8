#version 450

// Rotary position embedding in place on T rows of H heads of D elements: pair i of each head,
// i < R/2, turns by (startPos + t) * frequency[i]. The pair is (x[2i], x[2i+1]) when `halves` is
// 0 (LLaMA's layout) and (x[i], x[i + R/2]) when it is 1 (GPT-NeoX's). The host computes the
// frequencies in double precision.

layout(local_size_x = 64) in;

layout(push_constant) uniform Parameters {
    uint T;
    uint H;
    uint D;
    uint R;
    uint startPos;
    uint halves;
} p;

layout(std430, binding = 0) buffer DataBuffer { float X[]; };
layout(std430, binding = 1) readonly buffer FrequencyBuffer { float frequency[]; };

void main() {
    uint pairs = p.R / 2u;
    uint index = gl_GlobalInvocationID.x;
    if (index >= p.T * p.H * pairs) {
        return;
    }
    uint i = index % pairs;
    uint head = index / pairs;  // t * H + h
    uint t = head / p.H;
    float angle = float(p.startPos + t) * frequency[i];
    angle = mod(angle, 6.28318530717958647692);
    float c = cos(angle);
    float s = sin(angle);
    uint x = head * p.D + (p.halves == 0u ? 2u * i : i);
    uint other = p.halves == 0u ? 1u : pairs;
    float x0 = X[x];
    float x1 = X[x + other];
    X[x] = x0 * c - x1 * s;
    X[x + other] = x0 * s + x1 * c;
}
