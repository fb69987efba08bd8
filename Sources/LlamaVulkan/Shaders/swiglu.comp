#version 450

// gate[i] = silu(gate[i]) * up[i] for count elements, silu(g) = g / (1 + exp(-g)).

layout(local_size_x = 64) in;

layout(push_constant) uniform Parameters {
    uint count;
} p;

layout(std430, binding = 0) buffer GateBuffer { float gate[]; };
layout(std430, binding = 1) readonly buffer UpBuffer { float up[]; };

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= p.count) {
        return;
    }
    float g = gate[i];
    gate[i] = g / (1.0 + exp(-g)) * up[i];
}
