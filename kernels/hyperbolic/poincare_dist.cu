// poincare_dist.cu - pairwise Poincare distance [n,d] x [m,d] -> [n,m] and its backward, computed
// from the pair statistics s = <x_i,y_j>, a = |x_i|^2, b = |y_j|^2 (poincare_math.cuh), so no
// [n,m,d] tensor ever exists.
// defines: rt_poincare_dist_fwd rt_poincare_dist_bwd
// versions:
//   fwd 1  one thread per (i,j), serial loop over d
//   fwd 2  16x16 output tile per block, 32-wide d-slices of x and y staged in shared memory; default
//   bwd 1  one thread per row of x (then of y), serial loops; accumulates its gradient row in place
//   bwd 2  one warp per row, lanes over d, shuffle reductions, gradient row kept in shared memory
//          (d <= 1024); default. Every pair's statistics and gradient are computed twice (once for
//          dx, once for dy) and each thread re-reads the other side's rows.
//   bwd 3  GEMM-shaped, each pair once: S = x y^T (tiled GEMM, hyp_gemm.cuh), one epilogue per row
//          of pairs turning S into A = g d(dist)/ds and summing 2 g d(dist)/d|x|^2 per row (dx_i
//          starts as that times x_i) while storing B = 2 g d(dist)/d|y|^2, column sums of B start
//          dy, then dx += A y and dy += A^T x as two GEMMs; no atomics; scratch 2 (n, m) + m floats.
//          Not the default: no GPU has timed it yet (fwd 3 = fwd 2)
#include "../common/rt_check.cuh"
#include "../common/rt_warp.cuh"
#include "hyp_gemm.cuh"
#include "poincare_math.cuh"

#define RT_DIST_TILE 16
#define RT_DIST_KT 32
#define RT_DIST_WARPS 4
#define RT_DIST_MAXD 1024

// dist: (n, m), x: (n, d), y: (m, d)
__global__ void poincare_dist_fwd_kernel1(float* dist, const float* x, const float* y, int64_t n, int64_t m, int64_t d,
                                          float c) {
  int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= n * m) return;
  int64_t i = idx / m, j = idx % m;
  float s = 0, a = 0, b = 0;
  for (int64_t k = 0; k < d; k++) {
    float xv = x[i * d + k], yv = y[j * d + k];
    s += xv * yv;
    a += xv * xv;
    b += yv * yv;
  }
  dist[idx] = poincare_dist(s, a, b, c);
}

// block (16,16): thread (tx,ty) owns dist[i0+ty, j0+tx]
__global__ void __launch_bounds__(RT_DIST_TILE* RT_DIST_TILE)
    poincare_dist_fwd_kernel2(float* dist, const float* x, const float* y, int64_t n, int64_t m, int64_t d, float c) {
  STATIC_SHARED(float, xs, [RT_DIST_TILE][RT_DIST_KT + 1]);
  STATIC_SHARED(float, ys, [RT_DIST_TILE][RT_DIST_KT + 1]);
  int tx = threadIdx.x, ty = threadIdx.y;
  int64_t i0 = (int64_t)blockIdx.y * RT_DIST_TILE, j0 = (int64_t)blockIdx.x * RT_DIST_TILE;
  int lin = ty * RT_DIST_TILE + tx;
  float s = 0, a = 0, b = 0;
  for (int64_t k0 = 0; k0 < d; k0 += RT_DIST_KT) {
    // 256 threads load 16 rows x 32 columns of x and of y (two elements each)
    for (int e = lin; e < RT_DIST_TILE * RT_DIST_KT; e += RT_DIST_TILE * RT_DIST_TILE) {
      int r = e / RT_DIST_KT, kk = e % RT_DIST_KT;
      int64_t k = k0 + kk;
      xs[r][kk] = (i0 + r < n && k < d) ? x[(i0 + r) * d + k] : 0.0f;
      ys[r][kk] = (j0 + r < m && k < d) ? y[(j0 + r) * d + k] : 0.0f;
    }
    __syncthreads();
#pragma unroll 8
    for (int kk = 0; kk < RT_DIST_KT; kk++) {
      float xv = xs[ty][kk], yv = ys[tx][kk];
      s += xv * yv;
      a += xv * xv;
      b += yv * yv;
    }
    __syncthreads();
  }
  int64_t i = i0 + ty, j = j0 + tx;
  if (i < n && j < m) dist[i * m + j] = poincare_dist(s, a, b, c);
}

// Backward for one "self" row against every "other" row. FOR_Y = false: self = x_i, other = y_j,
// dx_i = sum_j g_ij (ds y_j + 2 da x_i). FOR_Y = true: self = y_j, other = x_i,
// dy_j = sum_i g_ij (ds x_i + 2 db y_j).
template <bool FOR_Y>
__global__ void poincare_dist_bwd_kernel1(float* dself, const float* g, const float* self, const float* other,
                                          int64_t nself, int64_t nother, int64_t d, float c) {
  int64_t p = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (p >= nself) return;
  const float* sp = self + p * d;
  float* dp = dself + p * d;
  float s2 = 0;
  for (int64_t k = 0; k < d; k++) {
    s2 += sp[k] * sp[k];
    dp[k] = 0.0f;
  }
  float self_coef = 0;
  for (int64_t q = 0; q < nother; q++) {
    const float* op = other + q * d;
    float s = 0, o2 = 0;
    for (int64_t k = 0; k < d; k++) {
      s += sp[k] * op[k];
      o2 += op[k] * op[k];
    }
    float gq = FOR_Y ? g[q * nself + p] : g[p * nother + q];
    DistGrad r = FOR_Y ? poincare_dist_grad(s, o2, s2, c, gq) : poincare_dist_grad(s, s2, o2, c, gq);
    float ds = r.dxy;
    self_coef += 2.0f * (FOR_Y ? r.dy2 : r.dx2);
    for (int64_t k = 0; k < d; k++) dp[k] += ds * op[k];
  }
  for (int64_t k = 0; k < d; k++) dp[k] += self_coef * sp[k];
}

template <bool FOR_Y>
__global__ void __launch_bounds__(32 * RT_DIST_WARPS)
    poincare_dist_bwd_kernel2(float* dself, const float* g, const float* self, const float* other, int64_t nself,
                              int64_t nother, int64_t d, float c) {
  EXTERN_SHARED(float, smem);  // per warp: self row (d) + gradient row (d)
  int w = threadIdx.x / 32, lane = threadIdx.x % 32;
  int64_t p = (int64_t)blockIdx.x * RT_DIST_WARPS + w;
  if (p >= nself) return;  // whole warp: no barrier below, only warp ops
  float* srow = smem + (int64_t)w * 2 * d;
  float* drow = srow + d;
  const float* sp = self + p * d;
  float s2 = 0;
  for (int64_t k = lane; k < d; k += 32) {
    float v = sp[k];
    srow[k] = v;
    drow[k] = 0.0f;
    s2 += v * v;
  }
  s2 = warp_sum(s2);
  float self_coef = 0;
  for (int64_t q = 0; q < nother; q++) {
    const float* op = other + q * d;
    float s = 0, o2 = 0;
    for (int64_t k = lane; k < d; k += 32) {
      float ov = op[k];
      s += srow[k] * ov;
      o2 += ov * ov;
    }
    s = warp_sum(s);
    o2 = warp_sum(o2);
    float gq = FOR_Y ? g[q * nself + p] : g[p * nother + q];
    DistGrad r = FOR_Y ? poincare_dist_grad(s, o2, s2, c, gq) : poincare_dist_grad(s, s2, o2, c, gq);
    float ds = r.dxy;
    self_coef += 2.0f * (FOR_Y ? r.dy2 : r.dx2);
    for (int64_t k = lane; k < d; k += 32) drow[k] += ds * op[k];  // lane owns k: no race
  }
  for (int64_t k = lane; k < d; k += 32) dself[p * d + k] = drow[k] + self_coef * srow[k];
}

// ---- backward version 3 -------------------------------------------------------------------------------
// yn[j] = |y_j|^2, warp per row
__global__ void poincare_row_norms(float* yn, const float* y, int64_t m, int64_t d) {
  int64_t j = (int64_t)blockIdx.x * RT_DIST_WARPS + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (j >= m) return;
  float s = warp_dot(y + j * d, y + j * d, d);
  if (lane == 0) yn[j] = s;
}
// warp per row i of pairs: S_i. (x_i . y_j) -> A_i. = g d/ds; B_i. = 2 g d/d|y_j|^2; dx_i = (sum_j 2 g d/d|x_i|^2) x_i
__global__ void poincare_dist_bwd_epilogue3(float* S, float* B, float* dx, const float* g, const float* x,
                                            const float* yn, int64_t n, int64_t m, int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * RT_DIST_WARPS + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;
  float a = warp_dot(x + i * d, x + i * d, d);
  float px = 0;
  for (int64_t j = lane; j < m; j += 32) {
    DistGrad r = poincare_dist_grad(S[i * m + j], a, yn[j], c, g[i * m + j]);
    S[i * m + j] = r.dxy;
    B[i * m + j] = 2.0f * r.dy2;
    px += 2.0f * r.dx2;
  }
  px = warp_sum(px);
  for (int64_t k = lane; k < d; k += 32) dx[i * d + k] = px * x[i * d + k];
}
// thread per column j: dy_j = (sum_i B_ij) y_j (coalesced over j)
__global__ void poincare_dist_bwd_colsum3(float* dy, const float* B, const float* y, int64_t n, int64_t m, int64_t d) {
  int64_t j = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= m) return;
  float q = 0;
  for (int64_t i = 0; i < n; i++) q += B[i * m + j];
  for (int64_t k = 0; k < d; k++) dy[j * d + k] = q * y[j * d + k];
}
static cudaError_t dist_bwd3(void* stream, float* dx, float* dy, const float* g, const float* x, const float* y,
                             int64_t n, int64_t m, int64_t d, float c) {
  cudaStream_t st = (cudaStream_t)stream;
  float* work = nullptr;  // S/A (n, m), B (n, m), yn (m)
  cudaError_t e = cudaMallocAsync((void**)&work, (size_t)(2 * n * m + m) * sizeof(float), st);
  if (e != cudaSuccess) return e;
  float *S = work, *B = work + n * m, *yn = work + 2 * n * m;
  RT_LAUNCH(poincare_row_norms, (unsigned)RT_CEIL_DIV(m, RT_DIST_WARPS), 32 * RT_DIST_WARPS, 0, stream, yn, y, m, d);
  e = cudaGetLastError();
  if (e == cudaSuccess) e = hyp_gemm<false, true, false>(stream, S, x, y, n, m, d);  // S = x y^T
  if (e == cudaSuccess) {
    RT_LAUNCH(poincare_dist_bwd_epilogue3, (unsigned)RT_CEIL_DIV(n, RT_DIST_WARPS), 32 * RT_DIST_WARPS, 0, stream, S,
              B, dx, g, x, yn, n, m, d, c);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) {
    RT_LAUNCH(poincare_dist_bwd_colsum3, (unsigned)RT_CEIL_DIV(m, 128), 128, 0, stream, dy, B, y, n, m, d);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) e = hyp_gemm<false, false, true>(stream, dx, S, y, n, d, m);  // dx += A y
  if (e == cudaSuccess) e = hyp_gemm<true, false, true>(stream, dy, S, x, m, d, n);   // dy += A^T x
  cudaFreeAsync(work, st);
  return e;
}

#define RT_DIST_CHECKS(op)                                                               \
  RT_REQUIRE(n >= 0 && m >= 0 && d > 0, op, "need n, m >= 0 and d > 0");                 \
  RT_REQUIRE(c > 0.0f, op, "curvature c must be > 0");                                   \
  RT_REQUIRE(version >= 0 && version <= 3, op, "unknown version (0, 1, 2 or 3)");        \
  RT_REQUIRE(n * m < ((int64_t)1 << 40), op, "n*m too large");                            \
  if (version == 0) version = 2

extern "C" int rt_poincare_dist_fwd(void* stream, float* dist, const float* x, const float* y, int64_t n, int64_t m,
                                    int64_t d, float c, int version) {
  RT_DIST_CHECKS("rt_poincare_dist_fwd");
  if (n == 0 || m == 0) return 0;
  RT_REQUIRE(dist && x && y, "rt_poincare_dist_fwd", "null pointer");
  if (version == 3) version = 2;  // the forward is already a tiled pair kernel
  if (version == 1) {
    RT_REQUIRE(RT_CEIL_DIV(n * m, 256) < ((int64_t)1 << 31), "rt_poincare_dist_fwd", "n*m too large for version 1");
    RT_LAUNCH(poincare_dist_fwd_kernel1, (unsigned)RT_CEIL_DIV(n * m, 256), 256, 0, stream, dist, x, y, n, m, d, c);
  } else {
    RT_REQUIRE(RT_CEIL_DIV(n, RT_DIST_TILE) <= 65535, "rt_poincare_dist_fwd", "n too large for version 2");
    dim3 grid((unsigned)RT_CEIL_DIV(m, RT_DIST_TILE), (unsigned)RT_CEIL_DIV(n, RT_DIST_TILE));
    RT_LAUNCH(poincare_dist_fwd_kernel2, grid, dim3(RT_DIST_TILE, RT_DIST_TILE), 0, stream, dist, x, y, n, m, d, c);
  }
  RT_LAUNCHED("rt_poincare_dist_fwd");
  return 0;
}

extern "C" int rt_poincare_dist_bwd(void* stream, float* dx, float* dy, const float* ddist, const float* x,
                                    const float* y, int64_t n, int64_t m, int64_t d, float c, int version) {
  RT_DIST_CHECKS("rt_poincare_dist_bwd");
  RT_REQUIRE(dx && dy && x && y && (ddist || n * m == 0), "rt_poincare_dist_bwd", "null pointer");
  if (n == 0 || m == 0) {  // nothing to pair with: zero gradients
    if (n) RT_CUDA(cudaMemsetAsync(dx, 0, (size_t)(n * d) * sizeof(float), (cudaStream_t)stream), "rt_poincare_dist_bwd");
    if (m) RT_CUDA(cudaMemsetAsync(dy, 0, (size_t)(m * d) * sizeof(float), (cudaStream_t)stream), "rt_poincare_dist_bwd");
    return 0;
  }
  if (version == 3) {
    cudaError_t e = dist_bwd3(stream, dx, dy, ddist, x, y, n, m, d, c);
    if (e != cudaSuccess) return ::rt::launch_failed(e, "rt_poincare_dist_bwd", __FILE__, __LINE__);
    return 0;
  }
  if (version == 2 && d > RT_DIST_MAXD) version = 1;  // shared-memory rows would not fit
  if (version == 1) {
    RT_LAUNCH(poincare_dist_bwd_kernel1<false>, (unsigned)RT_CEIL_DIV(n, 64), 64, 0, stream, dx, ddist, x, y, n, m, d, c);
    RT_LAUNCHED("rt_poincare_dist_bwd");
    RT_LAUNCH(poincare_dist_bwd_kernel1<true>, (unsigned)RT_CEIL_DIV(m, 64), 64, 0, stream, dy, ddist, y, x, m, n, d, c);
  } else {
    size_t smem = (size_t)RT_DIST_WARPS * 2 * d * sizeof(float);
    RT_LAUNCH(poincare_dist_bwd_kernel2<false>, (unsigned)RT_CEIL_DIV(n, RT_DIST_WARPS), 32 * RT_DIST_WARPS, smem,
              stream, dx, ddist, x, y, n, m, d, c);
    RT_LAUNCHED("rt_poincare_dist_bwd");
    RT_LAUNCH(poincare_dist_bwd_kernel2<true>, (unsigned)RT_CEIL_DIV(m, RT_DIST_WARPS), 32 * RT_DIST_WARPS, smem,
              stream, dy, ddist, y, x, m, n, d, c);
  }
  RT_LAUNCHED("rt_poincare_dist_bwd");
  return 0;
}
