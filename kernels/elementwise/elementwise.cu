// elementwise.cu - the generic elementwise kernels of the device-resident backend (issue 17): unary
// math and its backward, binary ops over broadcast strides, where, fill, strided copy with dtype
// conversion, and inverted dropout with the counter-based mask of org.revtaf.engine.backend.DropoutMask.
// defines: rt_unary_fwd rt_unary_bwd rt_binary rt_where rt_fill rt_copy rt_dropout
// versions: 1 (grid-stride loop, one element per thread and step; the only version)
// Contract: org.revtaf.engine.backend.ScalarMath (apply / derivative), BinaryOp, UnaryOp.
#include "../common/rt_geom.cuh"

enum RtUnary { U_NEG, U_EXP, U_LOG, U_SQRT, U_ABS, U_RELU, U_GELU, U_TANH, U_SIGMOID, U_POW, U_CLAMP, U_AFFINE };
enum RtBinary { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_EQ, B_GE };

#define RT_INV_SQRT2 0.70710678118654752f
#define RT_INV_SQRT_2PI 0.39894228040143268f

__device__ __forceinline__ float rt_sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
  float e = expf(x);
  return e / (1.0f + e);
}

__device__ __forceinline__ float rt_unary_apply(int op, float x, float a, float b) {
  switch (op) {
    case U_NEG: return -x;
    case U_EXP: return expf(x);
    case U_LOG: return logf(x);
    case U_SQRT: return sqrtf(x);
    case U_ABS: return fabsf(x);
    case U_RELU: return x > 0.0f ? x : 0.0f;
    case U_GELU: return x < 0.0f ? 0.5f * x * erfcf(-x * RT_INV_SQRT2) : 0.5f * x * (1.0f + erff(x * RT_INV_SQRT2));
    case U_TANH: return tanhf(x);
    case U_SIGMOID: return rt_sigmoid(x);
    case U_POW: return powf(x, a);
    case U_CLAMP: return fminf(fmaxf(x, a), b);
    default: return a * x + b;
  }
}

// d op / dx at x, where y = op(x)
__device__ __forceinline__ float rt_unary_grad(int op, float x, float y, float a, float b) {
  switch (op) {
    case U_NEG: return -1.0f;
    case U_EXP: return y;
    case U_LOG: return 1.0f / x;
    case U_SQRT: return 0.5f / y;
    case U_ABS: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
    case U_RELU: return x > 0.0f ? 1.0f : 0.0f;
    case U_GELU: return 0.5f * (1.0f + erff(x * RT_INV_SQRT2)) + x * expf(-0.5f * x * x) * RT_INV_SQRT_2PI;
    case U_TANH: return 1.0f - y * y;
    case U_SIGMOID: return y * (1.0f - y);
    case U_POW: return a == 0.0f ? 0.0f : a * powf(x, a - 1.0f);
    case U_CLAMP: return (x >= a && x <= b) ? 1.0f : 0.0f;
    default: return a;
  }
}

__device__ __forceinline__ float rt_binary_apply(int op, float x, float y) {
  switch (op) {
    case B_ADD: return x + y;
    case B_SUB: return x - y;
    case B_MUL: return x * y;
    case B_DIV: return x / y;
    case B_MAX: return (x != x || y != y) ? NAN : fmaxf(x, y);  // Math.max propagates NaN
    case B_MIN: return (x != x || y != y) ? NAN : fminf(x, y);
    case B_EQ: return x == y ? 1.0f : 0.0f;
    default: return x >= y ? 1.0f : 0.0f;
  }
}

__global__ void unary_fwd_kernel1(float* out, const float* x, int64_t n, int op, float a, float b) {
  RT_GRID_STRIDE(i, n) out[i] = rt_unary_apply(op, x[i], a, b);
}

__global__ void unary_bwd_kernel1(float* dx, const float* dy, const float* x, const float* y, int64_t n, int op,
                                  float a, float b) {
  RT_GRID_STRIDE(i, n) dx[i] = dy[i] * rt_unary_grad(op, x[i], y == nullptr ? 0.0f : y[i], a, b);
}

// out contiguous; a and b at their (broadcast) strides
__global__ void binary_kernel1(float* out, const float* a, const float* b, RtStrided g, int op) {
  RT_GRID_STRIDE(i, g.n) out[i] = rt_binary_apply(op, a[rt_offset(g, 0, i)], b[rt_offset(g, 1, i)]);
}

__global__ void where_kernel1(float* out, const float* cond, const float* a, const float* b, RtStrided g) {
  RT_GRID_STRIDE(i, g.n) {
    float c = cond[rt_offset(g, 0, i)];
    out[i] = c != 0.0f ? a[rt_offset(g, 1, i)] : b[rt_offset(g, 2, i)];
  }
}

__global__ void fill_kernel1(void* out, int type, double v, int64_t n) {
  RT_GRID_STRIDE(i, n) rt_store(out, type, i, v);
}

// same type: raw element copy by size; else through double
template <typename T>
__global__ void copy_same_kernel1(T* out, const T* x, RtStrided g) {
  RT_GRID_STRIDE(i, g.n) out[rt_offset(g, 0, i)] = x[rt_offset(g, 1, i)];
}
// float32 <-> bfloat16 without the double round trip (the same bits as copy_convert_kernel1)
__global__ void copy_f32_bf16_kernel1(uint16_t* out, const float* x, RtStrided g) {
  RT_GRID_STRIDE(i, g.n) out[rt_offset(g, 0, i)] = rt_f32_to_bf16(x[rt_offset(g, 1, i)]);
}
__global__ void copy_bf16_f32_kernel1(float* out, const uint16_t* x, RtStrided g) {
  RT_GRID_STRIDE(i, g.n) out[rt_offset(g, 0, i)] = rt_bf16_to_f32(x[rt_offset(g, 1, i)]);
}
__global__ void copy_convert_kernel1(void* out, int out_type, const void* x, int x_type, RtStrided g) {
  RT_GRID_STRIDE(i, g.n) rt_store(out, out_type, rt_offset(g, 0, i), rt_load(x, x_type, rt_offset(g, 1, i)));
}

__global__ void dropout_kernel1(float* out, const float* x, int64_t n, unsigned long long key, long long threshold,
                                float scale) {
  RT_GRID_STRIDE(i, n) out[i] = rt_dropout_keep(key, threshold, i) ? x[i] * scale : 0.0f;
}

#define RT_EW_BLOCK 256

extern "C" int rt_unary_fwd(void* stream, float* out, const float* x, int64_t n, int op, float a, float b,
                            int version) {
  RT_REQUIRE(n >= 0 && op >= 0 && op <= U_AFFINE && version >= 0 && version <= 1, "rt_unary_fwd", "bad arguments");
  if (n == 0) return 0;
  RT_REQUIRE(out != nullptr && x != nullptr, "rt_unary_fwd", "null pointer");
  RT_LAUNCH(unary_fwd_kernel1, rt_grid(n, RT_EW_BLOCK), RT_EW_BLOCK, 0, stream, out, x, n, op, a, b);
  RT_LAUNCHED("rt_unary_fwd");
  return 0;
}

extern "C" int rt_unary_bwd(void* stream, float* dx, const float* dy, const float* x, const float* y, int64_t n, int op,
                            float a, float b, int version) {
  RT_REQUIRE(n >= 0 && op >= 0 && op <= U_AFFINE && version >= 0 && version <= 1, "rt_unary_bwd", "bad arguments");
  if (n == 0) return 0;
  RT_REQUIRE(dx != nullptr && dy != nullptr && x != nullptr, "rt_unary_bwd", "null pointer");
  bool needs_y = op == U_EXP || op == U_SQRT || op == U_TANH || op == U_SIGMOID;
  RT_REQUIRE(!needs_y || y != nullptr, "rt_unary_bwd", "this op's backward needs y");
  RT_LAUNCH(unary_bwd_kernel1, rt_grid(n, RT_EW_BLOCK), RT_EW_BLOCK, 0, stream, dx, dy, x, y, n, op, a, b);
  RT_LAUNCHED("rt_unary_bwd");
  return 0;
}

extern "C" int rt_binary(void* stream, float* out, const float* a, const float* b, const int64_t* geom, int rank, int op,
                         int version) {
  RtStrided g;
  RT_REQUIRE(rt_strided(&g, geom, rank, 2), "rt_binary", "bad geometry (rank above 8 or negative size)");
  RT_REQUIRE(op >= 0 && op <= B_GE && version >= 0 && version <= 1, "rt_binary", "bad op or version");
  if (g.n == 0) return 0;
  RT_REQUIRE(out != nullptr && a != nullptr && b != nullptr, "rt_binary", "null pointer");
  RT_LAUNCH(binary_kernel1, rt_grid(g.n, RT_EW_BLOCK), RT_EW_BLOCK, 0, stream, out, a, b, g, op);
  RT_LAUNCHED("rt_binary");
  return 0;
}

extern "C" int rt_where(void* stream, float* out, const float* cond, const float* a, const float* b,
                        const int64_t* geom, int rank, int version) {
  RtStrided g;
  RT_REQUIRE(rt_strided(&g, geom, rank, 3), "rt_where", "bad geometry (rank above 8 or negative size)");
  RT_REQUIRE(version >= 0 && version <= 1, "rt_where", "bad version");
  if (g.n == 0) return 0;
  RT_REQUIRE(out != nullptr && cond != nullptr && a != nullptr && b != nullptr, "rt_where", "null pointer");
  RT_LAUNCH(where_kernel1, rt_grid(g.n, RT_EW_BLOCK), RT_EW_BLOCK, 0, stream, out, cond, a, b, g);
  RT_LAUNCHED("rt_where");
  return 0;
}

extern "C" int rt_fill(void* stream, void* out, int out_type, double value, int64_t n) {
  RT_REQUIRE(n >= 0 && rt_type_bytes(out_type) > 0, "rt_fill", "bad size or dtype");
  if (n == 0) return 0;
  RT_REQUIRE(out != nullptr, "rt_fill", "null pointer");
  RT_LAUNCH(fill_kernel1, rt_grid(n, RT_EW_BLOCK), RT_EW_BLOCK, 0, stream, out, out_type, value, n);
  RT_LAUNCHED("rt_fill");
  return 0;
}

extern "C" int rt_copy(void* stream, void* out, int out_type, const void* x, int x_type, const int64_t* geom,
                       int rank) {
  RtStrided g;
  RT_REQUIRE(rt_strided(&g, geom, rank, 2), "rt_copy", "bad geometry (rank above 8 or negative size)");
  RT_REQUIRE(rt_type_bytes(out_type) > 0 && rt_type_bytes(x_type) > 0, "rt_copy", "bad dtype");
  if (g.n == 0) return 0;
  RT_REQUIRE(out != nullptr && x != nullptr, "rt_copy", "null pointer");
  unsigned grid = rt_grid(g.n, RT_EW_BLOCK);
  if (out_type == x_type && rt_type_bytes(x_type) == 4) {
    RT_LAUNCH(copy_same_kernel1<uint32_t>, grid, RT_EW_BLOCK, 0, stream, (uint32_t*)out, (const uint32_t*)x, g);
  } else if (out_type == x_type && rt_type_bytes(x_type) == 8) {
    RT_LAUNCH(copy_same_kernel1<unsigned long long>, grid, RT_EW_BLOCK, 0, stream, (unsigned long long*)out,
              (const unsigned long long*)x, g);
  } else if (out_type == x_type && rt_type_bytes(x_type) == 2) {
    RT_LAUNCH(copy_same_kernel1<uint16_t>, grid, RT_EW_BLOCK, 0, stream, (uint16_t*)out, (const uint16_t*)x, g);
  } else if (out_type == RT_BF16 && x_type == RT_F32) {
    RT_LAUNCH(copy_f32_bf16_kernel1, grid, RT_EW_BLOCK, 0, stream, (uint16_t*)out, (const float*)x, g);
  } else if (out_type == RT_F32 && x_type == RT_BF16) {
    RT_LAUNCH(copy_bf16_f32_kernel1, grid, RT_EW_BLOCK, 0, stream, (float*)out, (const uint16_t*)x, g);
  } else {
    RT_LAUNCH(copy_convert_kernel1, grid, RT_EW_BLOCK, 0, stream, out, out_type, x, x_type, g);
  }
  RT_LAUNCHED("rt_copy");
  return 0;
}

extern "C" int rt_dropout(void* stream, float* out, const float* x, int64_t n, int64_t key, int64_t threshold,
                          float scale, int version) {
  RT_REQUIRE(n >= 0 && threshold >= 0 && version >= 0 && version <= 1, "rt_dropout", "bad arguments");
  if (n == 0) return 0;
  RT_REQUIRE(out != nullptr && x != nullptr, "rt_dropout", "null pointer");
  RT_LAUNCH(dropout_kernel1, rt_grid(n, RT_EW_BLOCK), RT_EW_BLOCK, 0, stream, out, x, n, (unsigned long long)key,
            (long long)threshold, scale);
  RT_LAUNCHED("rt_dropout");
  return 0;
}
