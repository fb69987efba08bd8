#version 450

// One element-wise step over `count` elements of X, chosen by `op`:
// 0: X += Y;  1: X += Y[i % width] (a bias per row of `width`);  2: X *= a;
// 3: X = a * tanh(X / a) (a soft cap);  4: X = gelu(X) * Y (GELU's tanh form).
// Invocations cover a grid of `columns` x groups, so that long vectors stay within the
// workgroup-count limit of one dimension.

layout(local_size_x = 64) in;

layout(push_constant) uniform Parameters {
    uint count;
    uint width;
    uint op;
    float a;
    uint columns;
} p;

layout(std430, binding = 0) buffer XBuffer { float X[]; };
layout(std430, binding = 1) readonly buffer YBuffer { float Y[]; };

void main() {
    uint i = gl_GlobalInvocationID.y * p.columns + gl_GlobalInvocationID.x;
    if (i >= p.count) {
        return;
    }
    float x = X[i];
    if (p.op == 0u) {
        x += Y[i];
    } else if (p.op == 1u) {
        x += Y[i % p.width];
    } else if (p.op == 2u) {
        x *= p.a;
    } else if (p.op == 3u) {
        x = p.a * tanh(clamp(x / p.a, -10.0, 10.0));
    } else {
        float z = 0.7978845608028654 * (x + 0.044715 * x * x * x);
        x = 0.5 * x * (1.0 + tanh(clamp(z, -10.0, 10.0))) * Y[i];
    }
    X[i] = x;
}
