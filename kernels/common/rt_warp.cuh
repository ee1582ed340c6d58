// rt_warp.cuh - warp-level helpers shared by the kernel families (full-warp, warp-uniform calls).
#pragma once
#include "../emu/cuda_emu.h"

// sum / max over the 32 lanes; every lane gets the result
__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// a . b over n elements by the 32 lanes of one warp (lane-strided partial sums, then warp_sum); every
// lane gets the result
__device__ __forceinline__ float warp_dot(const float* a, const float* b, int64_t n) {
  float s = 0.0f;
  for (int64_t k = threadIdx.x % 32; k < n; k += 32) s += a[k] * b[k];
  return warp_sum(s);
}

// sum over the whole block (blockDim.x a multiple of 32, called by every thread at one site);
// red: shared scratch of >= 32 floats. Every thread gets the same result (same summation order).
__device__ __forceinline__ float block_sum(float v, float* red) {
  int lane = threadIdx.x % 32, w = threadIdx.x / 32, nw = blockDim.x / 32;
  v = warp_sum(v);
  __syncthreads();  // red may still be read by a previous call
  if (lane == 0) red[w] = v;
  __syncthreads();
  float r = 0.0f;
  for (int i = 0; i < nw; i++) r += red[i];
  return r;
}

// merge two (max, sum of exp(x - max)) pairs of an online logsumexp
__device__ __forceinline__ void lse_merge(float& m, float& s, float m2, float s2) {
  if (m2 == -INFINITY) return;
  if (m == -INFINITY) {
    m = m2;
    s = s2;
    return;
  }
  float mx = fmaxf(m, m2);
  s = s * __expf(m - mx) + s2 * __expf(m2 - mx);
  m = mx;
}
