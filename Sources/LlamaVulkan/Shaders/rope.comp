#version 450

// Rotary position embedding, LLaMA "normal" mode, in place on T rows of H heads of D elements:
// the pair (x[2i], x[2i+1]) of each head, i < R/2, turns by (startPos + t) * frequency[i].
// The host computes frequency[i] = base^(-2i/R) / rope_freqs[i] in double precision.

layout(local_size_x = 64) in;

layout(push_constant) uniform Parameters {
    uint T;
    uint H;
    uint D;
    uint R;
    uint startPos;
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
    uint x = head * p.D + 2u * i;
    float x0 = X[x];
    float x1 = X[x + 1u];
    X[x] = x0 * c - x1 * s;
    X[x + 1u] = x0 * s + x1 * c;
}
