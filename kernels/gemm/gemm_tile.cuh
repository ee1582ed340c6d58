// gemm_tile.cuh - one tiled GEMM kernel for every product of the backend (issue 17): plain and batched
// GEMM (gemm.cu) and the implicit-GEMM convolutions (conv/conv.cu: forward, backward data, backward
// weight) differ only in the problem object P that loads an element of op(A) (m x k) and of op(B)
// (k x n) and stores an element of C, for problem blockIdx.z:
//   struct P { int64_t m, n, k;
//              __device__ float a(int64_t z, int64_t i, int64_t p) const;
//              __device__ float b(int64_t z, int64_t p, int64_t j) const;
//              __device__ void store(int64_t z, int64_t i, int64_t j, float acc) const; };
// Version 1: one thread per element of C, serial over k. Version 2 (default): a BM x BN tile of C per
// block of 256 threads (16 x 16; each thread owns (BM/16) x (BN/16) elements at stride 16), k in steps
// of 16 through shared memory; tile shapes 64x64, 16x128 (m <= 16) and 128x16 (n <= 16).
#pragma once
#include "../common/rt_geom.cuh"

#define RT_GEMM_BK 16

template <class P>
__global__ void gemm_kernel1(P pr) {
  int64_t z = blockIdx.z;
  RT_GRID_STRIDE(e, pr.m * pr.n) {
    int64_t i = e / pr.n, j = e % pr.n;
    float acc = 0.0f;
    for (int64_t p = 0; p < pr.k; p++) acc += pr.a(z, i, p) * pr.b(z, p, j);
    pr.store(z, i, j, acc);
  }
}

template <int BM, int BN, class P>
__global__ void __launch_bounds__(256) gemm_kernel2(P pr) {
  constexpr int TM = BM / 16, TN = BN / 16;
  STATIC_SHARED(float, as, [RT_GEMM_BK][BM + 1]);
  STATIC_SHARED(float, bs, [RT_GEMM_BK][BN + 1]);
  int tx = threadIdx.x % 16, ty = threadIdx.x / 16, lin = threadIdx.x;
  int64_t z = blockIdx.z, i0 = (int64_t)blockIdx.y * BM, j0 = (int64_t)blockIdx.x * BN;
  float acc[TM][TN];
#pragma unroll
  for (int r = 0; r < TM; r++)
#pragma unroll
    for (int c = 0; c < TN; c++) acc[r][c] = 0.0f;
  for (int64_t p0 = 0; p0 < pr.k; p0 += RT_GEMM_BK) {
    // A tile (BM x BK) stored k-major; consecutive threads take consecutive rows
    for (int e = lin; e < BM * RT_GEMM_BK; e += 256) {
      int r = e % BM, kk = e / BM;
      int64_t i = i0 + r, p = p0 + kk;
      as[kk][r] = (i < pr.m && p < pr.k) ? pr.a(z, i, p) : 0.0f;
    }
    for (int e = lin; e < BN * RT_GEMM_BK; e += 256) {
      int c = e % BN, kk = e / BN;
      int64_t j = j0 + c, p = p0 + kk;
      bs[kk][c] = (j < pr.n && p < pr.k) ? pr.b(z, p, j) : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < RT_GEMM_BK; kk++) {
      float af[TM], bf[TN];
#pragma unroll
      for (int r = 0; r < TM; r++) af[r] = as[kk][ty + 16 * r];
#pragma unroll
      for (int c = 0; c < TN; c++) bf[c] = bs[kk][tx + 16 * c];
#pragma unroll
      for (int r = 0; r < TM; r++)
#pragma unroll
        for (int c = 0; c < TN; c++) acc[r][c] += af[r] * bf[c];
    }
    __syncthreads();
  }
#pragma unroll
  for (int r = 0; r < TM; r++)
#pragma unroll
    for (int c = 0; c < TN; c++) {
      int64_t i = i0 + ty + 16 * r, j = j0 + tx + 16 * c;
      if (i < pr.m && j < pr.n) pr.store(z, i, j, acc[r][c]);
    }
}

// launches problem pr over `batch` problems with kernel version `version`; returns a status
template <class P>
static int rt_gemm_launch(const char* op, P pr, int64_t batch, int version, void* stream) {
  RT_REQUIRE(batch <= 65535, op, "more than 65535 problems in one call");
  if (pr.m * pr.n == 0 || batch == 0) return 0;
  if (version == 1) {
    RT_LAUNCH(gemm_kernel1<P>, dim3(rt_grid(pr.m * pr.n, 256), 1, (unsigned)batch), 256, 0, stream, pr);
  } else if (pr.m <= 16) {
    RT_LAUNCH((gemm_kernel2<16, 128, P>), dim3((unsigned)RT_CEIL_DIV(pr.n, (int64_t)128), (unsigned)RT_CEIL_DIV(pr.m, (int64_t)16), (unsigned)batch), 256, 0, stream, pr);
  } else if (pr.n <= 16) {
    RT_LAUNCH((gemm_kernel2<128, 16, P>), dim3((unsigned)RT_CEIL_DIV(pr.n, (int64_t)16), (unsigned)RT_CEIL_DIV(pr.m, (int64_t)128), (unsigned)batch), 256, 0, stream, pr);
  } else {
    RT_LAUNCH((gemm_kernel2<64, 64, P>), dim3((unsigned)RT_CEIL_DIV(pr.n, (int64_t)64), (unsigned)RT_CEIL_DIV(pr.m, (int64_t)64), (unsigned)batch), 256, 0, stream, pr);
  }
  RT_LAUNCHED(op);
  return 0;
}
