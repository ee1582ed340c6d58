// hyp_gemm.cuh - the small tiled SGEMM behind the GEMM-shaped versions (3) of mobius_matvec and of the
// pairwise-distance backward: C (M, N) = op(A) op(B) (+ C when ACC), all row-major; op(A) (M, K) is
// A (M, K), or A^T of A (K, M) when TA; op(B) (K, N) is B (K, N), or B^T of B (N, K) when TB.
// 16x16 output tile per block of 16x16 threads, 16-wide K slices of both operands in padded shared
// memory (each element read once per tile instead of once per output). fp32 on CUDA cores.
// (A tuned GEMM of kernels/gemm, or cuBLAS on a GPU, can replace it once that family is merged.)
#pragma once
#include "../common/rt_check.cuh"

#define RT_HG_TILE 16

template <bool TA, bool TB, bool ACC>
__global__ void __launch_bounds__(RT_HG_TILE* RT_HG_TILE)
    hyp_gemm_kernel(float* C, const float* A, const float* B, int64_t M, int64_t N, int64_t K) {
  STATIC_SHARED(float, As, [RT_HG_TILE][RT_HG_TILE + 1]);  // As[m][k]
  STATIC_SHARED(float, Bs, [RT_HG_TILE][RT_HG_TILE + 1]);  // Bs[k][n]
  int tx = threadIdx.x, ty = threadIdx.y;
  int64_t m0 = (int64_t)blockIdx.y * RT_HG_TILE, n0 = (int64_t)blockIdx.x * RT_HG_TILE;
  float acc = 0.0f;
  for (int64_t k0 = 0; k0 < K; k0 += RT_HG_TILE) {
    if (TA) {  // A (K, M): thread (tx, ty) reads A[k0 + ty, m0 + tx] (coalesced along m)
      bool in = k0 + ty < K && m0 + tx < M;
      As[tx][ty] = in ? A[(k0 + ty) * M + m0 + tx] : 0.0f;
    } else {
      bool in = m0 + ty < M && k0 + tx < K;
      As[ty][tx] = in ? A[(m0 + ty) * K + k0 + tx] : 0.0f;
    }
    if (TB) {  // B (N, K): thread reads B[n0 + ty, k0 + tx] (coalesced along k)
      bool in = n0 + ty < N && k0 + tx < K;
      Bs[tx][ty] = in ? B[(n0 + ty) * K + k0 + tx] : 0.0f;
    } else {
      bool in = k0 + ty < K && n0 + tx < N;
      Bs[ty][tx] = in ? B[(k0 + ty) * N + n0 + tx] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < RT_HG_TILE; kk++) acc += As[ty][kk] * Bs[kk][tx];
    __syncthreads();
  }
  int64_t row = m0 + ty, col = n0 + tx;
  if (row < M && col < N) C[row * N + col] = ACC ? C[row * N + col] + acc : acc;
}

// launches hyp_gemm_kernel<TA, TB, ACC>; returns the launch error (M, N up to 65535 * 16 rows / any)
template <bool TA, bool TB, bool ACC>
static cudaError_t hyp_gemm(void* stream, float* C, const float* A, const float* B, int64_t M, int64_t N, int64_t K) {
  if (RT_CEIL_DIV(M, RT_HG_TILE) > 65535) return cudaErrorInvalidValue;
  dim3 grid((unsigned)RT_CEIL_DIV(N, RT_HG_TILE), (unsigned)RT_CEIL_DIV(M, RT_HG_TILE));
  RT_LAUNCH((hyp_gemm_kernel<TA, TB, ACC>), grid, dim3(RT_HG_TILE, RT_HG_TILE), 0, stream, C, A, B, M, N, K);
  return cudaGetLastError();
}
