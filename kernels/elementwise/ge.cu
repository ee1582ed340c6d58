// ge.cu - elementwise comparison out = (a >= b) as 1.0f / 0.0f (no gradient).
// defines: rt_ge
// versions: 1 (grid-stride loop)
// Contract: org.revtaf.engine.backend.ScalarMath.apply(BinaryOp.GE, a, b): 1 where a >= b, else 0 (NaN compares false).
#include "../emu/cuda_emu.h"
#include "../common/rt_check.cuh"

// out: (n); a: element i at a[i * a_stride], b: at b[i * b_stride] (stride 1, or 0 to broadcast one value)
__global__ void rt_ge_kernel1(float* out, const float* a, int64_t a_stride, const float* b, int64_t b_stride, int64_t n) {
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    out[i] = a[i * a_stride] >= b[i * b_stride] ? 1.0f : 0.0f;
}

extern "C" int rt_ge(void* stream, float* out, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                     int64_t n) {
  RT_REQUIRE(n >= 0, "rt_ge", "n < 0");
  RT_REQUIRE((a_stride == 0 || a_stride == 1) && (b_stride == 0 || b_stride == 1), "rt_ge", "strides must be 0 or 1");
  if (n == 0) return 0;
  RT_REQUIRE(out != nullptr && a != nullptr && b != nullptr, "rt_ge", "null pointer");
  int block = 256;
  int64_t grid = RT_CEIL_DIV(n, (int64_t)block);
  if (grid > 65535) grid = 65535;
  RT_LAUNCH(rt_ge_kernel1, (unsigned)grid, block, 0, (cudaStream_t)stream, out, a, a_stride, b, b_stride, n);
  RT_LAUNCHED("rt_ge");
  return 0;
}
