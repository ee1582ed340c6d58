// cuda_emu.h - the one header every .cu file includes.
// Under nvcc: the real CUDA runtime, CUDA_EMU = 0.
// Under g++ (host emulation): CUDA built-ins defined on the CPU, CUDA_EMU = 1.
// This is the minimal sequential engine of the foundation: it runs kernels WITHOUT barriers or
// warp operations (each thread runs to completion in turn). The fiber engine replaces it.
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#define CUDA_EMU 0
#else
#define CUDA_EMU 1
#include <cstdlib>
#include <cstring>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
typedef void* cudaStream_t;
enum cudaError_t { cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2 };
enum cudaMemcpyKind { cudaMemcpyHostToDevice = 1, cudaMemcpyDeviceToHost = 2, cudaMemcpyDeviceToDevice = 3 };

namespace cuda_emu {
inline thread_local dim3 tl_threadIdx, tl_blockIdx, tl_blockDim, tl_gridDim;
inline thread_local cudaError_t tl_last = cudaSuccess;
}  // namespace cuda_emu
#define threadIdx (::cuda_emu::tl_threadIdx)
#define blockIdx (::cuda_emu::tl_blockIdx)
#define blockDim (::cuda_emu::tl_blockDim)
#define gridDim (::cuda_emu::tl_gridDim)

namespace cuda_emu {
template <typename F, typename... A>
void launch(F kernel, dim3 grid, dim3 block, A... args) {
  tl_gridDim = grid;
  tl_blockDim = block;
  for (unsigned bz = 0; bz < grid.z; bz++)
    for (unsigned by = 0; by < grid.y; by++)
      for (unsigned bx = 0; bx < grid.x; bx++) {
        tl_blockIdx = dim3(bx, by, bz);
        for (unsigned tz = 0; tz < block.z; tz++)
          for (unsigned ty = 0; ty < block.y; ty++)
            for (unsigned tx = 0; tx < block.x; tx++) {
              tl_threadIdx = dim3(tx, ty, tz);
              kernel(args...);
            }
      }
}
}  // namespace cuda_emu


inline cudaError_t cudaGetLastError() {
  cudaError_t e = cuda_emu::tl_last;
  cuda_emu::tl_last = cudaSuccess;
  return e;
}
inline const char* cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
  }
  return "unknown error";
}
inline cudaError_t cudaGetDeviceCount(int* n) { *n = 1; return cudaSuccess; }
inline cudaError_t cudaMalloc(void** p, size_t bytes) {
  *p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  return *p ? cudaSuccess : cudaErrorMemoryAllocation;
}
inline cudaError_t cudaFree(void* p) { std::free(p); return cudaSuccess; }
inline cudaError_t cudaMemcpy(void* d, const void* s, size_t n, cudaMemcpyKind) { std::memmove(d, s, n); return cudaSuccess; }
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
#endif

// RT_LAUNCH(kernel, grid, block, smem, stream, args...) is how every launcher starts a kernel:
// `kernel<<<grid, block, smem, stream>>>(args...)` under nvcc, the emulator's launch under g++.
#if CUDA_EMU
#define RT_LAUNCH(kernel, grid, block, smem, stream, ...) \
  ::cuda_emu::launch(kernel, dim3(grid), dim3(block), __VA_ARGS__)
#else
#define RT_LAUNCH(kernel, grid, block, smem, stream, ...) kernel<<<(grid), (block), (smem), (stream)>>>(__VA_ARGS__)
#endif
