// Selects the dequantizer for the weight type this variant is compiled for (-DTYPE_...).
// Each one defines
//     void dequantGroup(uint row, uint group, out float v[16])
// giving elements 16*group ..< 16*group+16 of a row of p.K elements (zero past the row's end).

#include "weights.glsl"

#if defined(TYPE_F32)
#include "dequant_f32.glsl"
#elif defined(TYPE_F16)
#include "dequant_f16.glsl"
#elif defined(TYPE_Q4_0)
#include "dequant_q4_0.glsl"
#elif defined(TYPE_Q5_0)
#include "dequant_q5_0.glsl"
#elif defined(TYPE_Q8_0)
#include "dequant_q8_0.glsl"
#elif defined(TYPE_Q4_K)
#include "dequant_q4_k.glsl"
#elif defined(TYPE_Q5_K)
#include "dequant_q5_k.glsl"
#elif defined(TYPE_Q6_K)
#include "dequant_q6_k.glsl"
#else
#error "compile with one of -DTYPE_F32, -DTYPE_F16, -DTYPE_Q4_0, -DTYPE_Q5_0, -DTYPE_Q8_0, -DTYPE_Q4_K, -DTYPE_Q5_K, -DTYPE_Q6_K"
#endif
