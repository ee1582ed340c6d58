// saxpy.cu - the first (trivial) kernel family; proves the nvcc and emulated builds and the FFM path.
// defines: rt_saxpy
// versions: 1 (grid-stride loop)
#include "../emu/cuda_emu.h"
#include "../common/rt_check.cuh"

// y: (n) RW, x: (n) RO
__global__ void rt_saxpy_kernel1(float* y, const float* x, float a, int64_t n) {
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    y[i] = a * x[i] + y[i];
}

extern "C" int rt_saxpy(void* stream, float* y, const float* x, float a, int64_t n) {
  RT_REQUIRE(n >= 0, "rt_saxpy", "n < 0");
  if (n == 0) return 0;
  RT_REQUIRE(x != nullptr && y != nullptr, "rt_saxpy", "null pointer");
  int block = 256;
  int64_t grid = (n + block - 1) / block;
  if (grid > 65535) grid = 65535;
  RT_LAUNCH(rt_saxpy_kernel1, (unsigned)grid, block, 0, (cudaStream_t)stream, y, x, a, n);
  RT_LAUNCHED("rt_saxpy");
  return 0;
}
