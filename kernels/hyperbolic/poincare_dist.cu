// poincare_dist.cu - pairwise Poincare distance [n,d] x [m,d] -> [n,m] and its backward, computed
// from the pair statistics s = <x_i,y_j>, a = |x_i|^2, b = |y_j|^2 (poincare_math.cuh), so no
// [n,m,d] tensor ever exists.
// defines: rt_poincare_dist_fwd rt_poincare_dist_bwd
// versions:
//   fwd 1  one thread per (i,j), serial loop over d
//   fwd 2  16x16 output tile per block, 32-wide d-slices of x and y staged in shared memory; default
//   bwd 1  one thread per row of x (then of y), serial loops; accumulates its gradient row in place
//   bwd 2  one warp per row, lanes over d, shuffle reductions, gradient row kept in shared memory
//          (d <= 1024); default
#include "../common/rt_check.cuh"
#include "../common/rt_warp.cuh"
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

#define RT_DIST_CHECKS(op)                                                               \
  RT_REQUIRE(n >= 0 && m >= 0 && d > 0, op, "need n, m >= 0 and d > 0");                 \
  RT_REQUIRE(c > 0.0f, op, "curvature c must be > 0");                                   \
  RT_REQUIRE(version >= 0 && version <= 2, op, "unknown version (0, 1 or 2)");           \
  RT_REQUIRE(n * m < ((int64_t)1 << 40), op, "n*m too large");                            \
  if (version == 0) version = 2

extern "C" int rt_poincare_dist_fwd(void* stream, float* dist, const float* x, const float* y, int64_t n, int64_t m,
                                    int64_t d, float c, int version) {
  RT_DIST_CHECKS("rt_poincare_dist_fwd");
  if (n == 0 || m == 0) return 0;
  RT_REQUIRE(dist && x && y, "rt_poincare_dist_fwd", "null pointer");
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
