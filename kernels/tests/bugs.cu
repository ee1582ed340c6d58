// bugs.cu - deliberately buggy kernels: the emulator must report each one with file:line (status 5)
// instead of hanging or crashing. Compiled only into test/librevtaf_emu_bugs*.so (never into the
// product libraries); checked from JUnit (org.revtaf.engine.kernels.EmulatorBugsTest) for both engines.
// defines: rtb_divergent_sync rtb_divergent_warp rtb_partial_mask rtb_deadlock rtb_missing_sync rtb_early_return
//          rtb_bad_config rtb_smem_limit rtb_stale_static_smem rtb_wmma_misaligned rtb_wmma_half_warp
#include "../emu/cuda_emu.h"
#include "../common/rt_check.cuh"

#define RTB_API extern "C" __attribute__((visibility("default")))

// two __syncthreads call sites on the same line: only the column tells them apart
__global__ void divergent_sync_kernel(float* out) {
  if (threadIdx.x < 32) { __syncthreads(); } else { __syncthreads(); }
  out[threadIdx.x] = 1.0f;
}
RTB_API int rtb_divergent_sync(float* out) {
  RT_LAUNCH(divergent_sync_kernel, 1, 64, 0, nullptr, out);
  RT_LAUNCHED("rtb_divergent_sync");
  return 0;
}

// half the warp shuffles with a half mask, the other half with a full mask at another line
__global__ void divergent_warp_kernel(float* out) {
  float v = (float)threadIdx.x;
  if (threadIdx.x < 16)
    v = __shfl_sync(0x0000ffffu, v, 0);
  else
    v = __shfl_sync(0xffffffffu, v, 0);
  out[threadIdx.x] = v;
}
RTB_API int rtb_divergent_warp(float* out) {
  RT_LAUNCH(divergent_warp_kernel, 1, 32, 0, nullptr, out);
  RT_LAUNCHED("rtb_divergent_warp");
  return 0;
}

// every lane calls the same shuffle, but the mask leaves live lanes out
__global__ void partial_mask_kernel(float* out) {
  out[threadIdx.x] = __shfl_xor_sync(0x0000ffffu, (float)threadIdx.x, 1);
}
RTB_API int rtb_partial_mask(float* out) {
  RT_LAUNCH(partial_mask_kernel, 1, 32, 0, nullptr, out);
  RT_LAUNCHED("rtb_partial_mask");
  return 0;
}

// lane 0 waits in __syncwarp for lanes that wait in __syncthreads for lane 0
__global__ void deadlock_kernel(float* out) {
  if (threadIdx.x == 0) __syncwarp();
  else __syncthreads();
  out[threadIdx.x] = 2.0f;
}
RTB_API int rtb_deadlock(float* out) {
  RT_LAUNCH(deadlock_kernel, 1, 64, 0, nullptr, out);
  RT_LAUNCHED("rtb_deadlock");
  return 0;
}

// missing __syncthreads: reads the neighbour's slot of (poisoned) dynamic smem before it is written;
// no fault can be reported, but the result is wrong (NaN) under the forward fiber order
__global__ void missing_sync_kernel(float* out, int n) {
  EXTERN_SHARED(float, s);
  int i = threadIdx.x;
  s[i] = (float)i;
  // BUG: __syncthreads() missing here
  out[i] = s[(i + 1) % n];
}
RTB_API int rtb_missing_sync(float* out, int n) {
  RT_LAUNCH(missing_sync_kernel, 1, n, n * sizeof(float), nullptr, out, n);
  RT_LAUNCHED("rtb_missing_sync");
  return 0;
}

// early return before a barrier: tolerated (exited threads drop out, as on current GPUs); the
// result of the surviving threads must still be right. CUDA_EMU_STRICT=1 reports it.
__global__ void early_return_kernel(float* out, int n) {
  STATIC_SHARED(float, s, [64]);
  int i = threadIdx.x;
  if (i >= n) return;
  s[i] = (float)i;
  __syncthreads();
  out[i] = s[n - 1 - i];
}
RTB_API int rtb_early_return(float* out, int n) {
  RT_LAUNCH(early_return_kernel, 1, 64, 0, nullptr, out, n);
  RT_LAUNCHED("rtb_early_return");
  return 0;
}

// 2048 threads per block: invalid configuration
RTB_API int rtb_bad_config(float* out) {
  RT_LAUNCH(divergent_sync_kernel, 1, 2048, 0, nullptr, out);
  RT_LAUNCHED("rtb_bad_config");
  return 0;
}

// 128 B static + 48 KB dynamic shared memory: over the 48 KB default unless the kernel opted in with
// cudaFuncSetAttribute (status 4 then, as a GPU refuses the launch). TAG keeps the opted-in and the
// plain kernel apart (the attribute belongs to the kernel). out[t] = t + 1 when it ran.
template <int TAG>
__global__ void smem_limit_kernel(float* out) {
  STATIC_SHARED(float, s, [32]);
  EXTERN_SHARED(float, dyn);
  int t = threadIdx.x;
  s[t] = (float)t;
  dyn[12287 - t] = 1.0f;
  __syncthreads();
  out[t] = s[t] + dyn[12287 - t];
}
RTB_API int rtb_smem_limit(float* out, int opt_in) {
  size_t dyn = 48 * 1024;
  if (opt_in) {
    RT_CUDA(cudaFuncSetAttribute(smem_limit_kernel<1>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)dyn),
            "rtb_smem_limit");
    RT_LAUNCH(smem_limit_kernel<1>, 1, 32, dyn, nullptr, out);
  } else {
    RT_LAUNCH(smem_limit_kernel<0>, 1, 32, dyn, nullptr, out);
  }
  RT_LAUNCHED("rtb_smem_limit");
  return 0;
}

// reads static shared memory nobody wrote in this block: poisoned (NaN) under emulation
__global__ void stale_static_smem_kernel(float* out) {
  STATIC_SHARED(float, s, [64]);
  out[threadIdx.x] = s[threadIdx.x];  // BUG: never written
}
RTB_API int rtb_stale_static_smem(float* out) {
  RT_LAUNCH(stale_static_smem_kernel, 1, 64, 0, nullptr, out);
  RT_LAUNCHED("rtb_stale_static_smem");
  return 0;
}

// WMMA from a pointer 16 bytes off the required 32-byte alignment: a GPU faults (misaligned address)
__global__ void wmma_misaligned_kernel(float* out) {
  using namespace nvcuda;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::load_matrix_sync(acc, out + 4, 16, wmma::mem_row_major);  // BUG: out + 16 bytes
  wmma::store_matrix_sync(out + 512, acc, 16, wmma::mem_row_major);
}
RTB_API int rtb_wmma_misaligned(float* out) {
  RT_LAUNCH(wmma_misaligned_kernel, 1, 32, 0, nullptr, out);
  RT_LAUNCHED("rtb_wmma_misaligned");
  return 0;
}

// WMMA by half a warp (the other lanes have returned): the whole warp must execute it
__global__ void wmma_half_warp_kernel(float* out) {
  using namespace nvcuda;
  if (threadIdx.x >= 16) return;  // BUG: wmma needs all 32 lanes
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::fill_fragment(acc, 1.0f);
  wmma::store_matrix_sync(out, acc, 16, wmma::mem_row_major);
}
RTB_API int rtb_wmma_half_warp(float* out) {
  RT_LAUNCH(wmma_half_warp_kernel, 1, 32, 0, nullptr, out);
  RT_LAUNCHED("rtb_wmma_half_warp");
  return 0;
}
