// mobius.cu - row-wise Poincare-ball kernels: Mobius addition, expmap0/logmap0/proj, mobius_matvec.
// defines: rt_mobius_add_fwd rt_mobius_add_bwd rt_poincare_map_fwd rt_poincare_map_bwd
//          rt_mobius_matvec_fwd rt_mobius_matvec_bwd
// versions (all six entry points):
//   1  one thread per row, serial loops over d (literal port of the reference)
//   2  one warp per row, lanes stride over d (coalesced), shuffle reductions; default (0)
//   3  mobius_matvec only, GEMM-shaped: Wx for all rows by the tiled GEMM of hyp_gemm.cuh (W read
//      once per 16 rows, not once per row) + a warp-per-row epilogue; backward: Wx again, the
//      per-row coefficients in one epilogue, then dx += G' W and dW = G'^T x as two GEMMs (no
//      atomics); scratch (n, r) from cudaMallocAsync. Not the default: no GPU has timed it yet
// The formulas live in poincare_math.cuh, shared by every version.
#include "../common/rt_check.cuh"
#include "../common/rt_warp.cuh"
#include "hyp_gemm.cuh"
#include "poincare_math.cuh"

#define RT_ROWS_PER_BLOCK 4  // version 2: 4 warps = 4 rows per 128-thread block

// ---- Mobius addition ----------------------------------------------------------------------------------
// out, x: (n, d); y: (n, d) with y_stride = d, or one row (1, d) broadcast with y_stride = 0
__global__ void mobius_add_fwd_kernel1(float* out, const float* x, const float* y, int64_t y_stride, int64_t n,
                                       int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float* xi = x + i * d;
  const float* yi = y + i * y_stride;
  float xy = 0, x2 = 0, y2 = 0;
  for (int64_t k = 0; k < d; k++) {
    xy += xi[k] * yi[k];
    x2 += xi[k] * xi[k];
    y2 += yi[k] * yi[k];
  }
  MobiusCoef m = mobius_add_coef(xy, x2, y2, c);
  for (int64_t k = 0; k < d; k++) out[i * d + k] = m.ax * xi[k] + m.ay * yi[k];
}
__global__ void mobius_add_fwd_kernel2(float* out, const float* x, const float* y, int64_t y_stride, int64_t n,
                                       int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;  // whole warp leaves together: no warp op is split
  const float* xi = x + i * d;
  const float* yi = y + i * y_stride;
  float xy = 0, x2 = 0, y2 = 0;
  for (int64_t k = lane; k < d; k += 32) {
    float a = xi[k], b = yi[k];
    xy += a * b;
    x2 += a * a;
    y2 += b * b;
  }
  xy = warp_sum(xy);
  x2 = warp_sum(x2);
  y2 = warp_sum(y2);
  MobiusCoef m = mobius_add_coef(xy, x2, y2, c);
  for (int64_t k = lane; k < d; k += 32) out[i * d + k] = m.ax * xi[k] + m.ay * yi[k];
}
// dx, dout: (n, d); dy like y: (n, d), or (1, d) summed over rows with atomics (zeroed by the launcher)
__device__ __forceinline__ void mobius_store_dy(float* dy, int64_t y_stride, int64_t i, int64_t k, float v) {
  if (y_stride == 0)
    atomicAdd(dy + k, v);
  else
    dy[i * y_stride + k] = v;
}
__global__ void mobius_add_bwd_kernel1(float* dx, float* dy, const float* g, const float* x, const float* y,
                                       int64_t y_stride, int64_t n, int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float *xi = x + i * d, *yi = y + i * y_stride, *gi = g + i * d;
  float xy = 0, x2 = 0, y2 = 0, gx = 0, gy = 0;
  for (int64_t k = 0; k < d; k++) {
    xy += xi[k] * yi[k];
    x2 += xi[k] * xi[k];
    y2 += yi[k] * yi[k];
    gx += gi[k] * xi[k];
    gy += gi[k] * yi[k];
  }
  MobiusGrad r = mobius_add_grad(xy, x2, y2, gx, gy, c);
  for (int64_t k = 0; k < d; k++) {
    dx[i * d + k] = r.dx_g * gi[k] + r.dx_x * xi[k] + r.dx_y * yi[k];
    mobius_store_dy(dy, y_stride, i, k, r.dy_g * gi[k] + r.dy_x * xi[k] + r.dy_y * yi[k]);
  }
}
__global__ void mobius_add_bwd_kernel2(float* dx, float* dy, const float* g, const float* x, const float* y,
                                       int64_t y_stride, int64_t n, int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;
  const float *xi = x + i * d, *yi = y + i * y_stride, *gi = g + i * d;
  float xy = 0, x2 = 0, y2 = 0, gx = 0, gy = 0;
  for (int64_t k = lane; k < d; k += 32) {
    float a = xi[k], b = yi[k], e = gi[k];
    xy += a * b;
    x2 += a * a;
    y2 += b * b;
    gx += e * a;
    gy += e * b;
  }
  xy = warp_sum(xy);
  x2 = warp_sum(x2);
  y2 = warp_sum(y2);
  gx = warp_sum(gx);
  gy = warp_sum(gy);
  MobiusGrad r = mobius_add_grad(xy, x2, y2, gx, gy, c);
  for (int64_t k = lane; k < d; k += 32) {
    float a = xi[k], b = yi[k], e = gi[k];
    dx[i * d + k] = r.dx_g * e + r.dx_x * a + r.dx_y * b;
    mobius_store_dy(dy, y_stride, i, k, r.dy_g * e + r.dy_x * a + r.dy_y * b);
  }
}

// grid for "one thread per row" (v1) or "one warp per row" (v2)
static unsigned rows_grid(int version, int64_t n) {
  return (unsigned)(version == 1 ? RT_CEIL_DIV(n, 128) : RT_CEIL_DIV(n, RT_ROWS_PER_BLOCK));
}
#define RT_ROW_CHECKS(op, n, d, c, version)                                             \
  RT_REQUIRE((n) >= 0 && (d) > 0, op, "need n >= 0 and d > 0");                         \
  RT_REQUIRE((c) > 0.0f, op, "curvature c must be > 0");                                \
  RT_REQUIRE((version) >= 0 && (version) <= 2, op, "unknown version (0, 1 or 2)");      \
  RT_REQUIRE(RT_CEIL_DIV(n, RT_ROWS_PER_BLOCK) < (int64_t)1 << 31, op, "too many rows"); \
  if ((n) == 0) return 0;                                                               \
  if ((version) == 0) (version) = 2

extern "C" int rt_mobius_add_fwd(void* stream, float* out, const float* x, const float* y, int64_t y_stride,
                                 int64_t n, int64_t d, float c, int version) {
  RT_REQUIRE(y_stride == 0 || y_stride == d, "rt_mobius_add_fwd", "y_stride must be d or 0 (broadcast row)");
  RT_ROW_CHECKS("rt_mobius_add_fwd", n, d, c, version);
  RT_REQUIRE(out && x && y, "rt_mobius_add_fwd", "null pointer");
  if (version == 1)
    RT_LAUNCH(mobius_add_fwd_kernel1, rows_grid(1, n), 128, 0, stream, out, x, y, y_stride, n, d, c);
  else
    RT_LAUNCH(mobius_add_fwd_kernel2, rows_grid(2, n), 32 * RT_ROWS_PER_BLOCK, 0, stream, out, x, y, y_stride, n, d,
              c);
  RT_LAUNCHED("rt_mobius_add_fwd");
  return 0;
}

extern "C" int rt_mobius_add_bwd(void* stream, float* dx, float* dy, const float* dout, const float* x, const float* y,
                                 int64_t y_stride, int64_t n, int64_t d, float c, int version) {
  RT_REQUIRE(y_stride == 0 || y_stride == d, "rt_mobius_add_bwd", "y_stride must be d or 0 (broadcast row)");
  RT_REQUIRE(!(n == 0 && y_stride == 0) || dy, "rt_mobius_add_bwd", "null pointer");
  if (n == 0 && y_stride == 0 && d > 0)
    RT_CUDA(cudaMemsetAsync(dy, 0, (size_t)d * sizeof(float), (cudaStream_t)stream), "rt_mobius_add_bwd");
  RT_ROW_CHECKS("rt_mobius_add_bwd", n, d, c, version);
  RT_REQUIRE(dx && dy && dout && x && y, "rt_mobius_add_bwd", "null pointer");
  if (y_stride == 0)
    RT_CUDA(cudaMemsetAsync(dy, 0, (size_t)d * sizeof(float), (cudaStream_t)stream), "rt_mobius_add_bwd");
  if (version == 1)
    RT_LAUNCH(mobius_add_bwd_kernel1, rows_grid(1, n), 128, 0, stream, dx, dy, dout, x, y, y_stride, n, d, c);
  else
    RT_LAUNCH(mobius_add_bwd_kernel2, rows_grid(2, n), 32 * RT_ROWS_PER_BLOCK, 0, stream, dx, dy, dout, x, y, y_stride,
              n, d, c);
  RT_LAUNCHED("rt_mobius_add_bwd");
  return 0;
}

// ---- expmap0 / logmap0 / proj ---------------------------------------------------------------------------
// out, x: (n, d)
__global__ void poincare_map_fwd_kernel1(float* out, const float* x, int64_t n, int64_t d, float c, int op) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float* xi = x + i * d;
  float x2 = 0;
  for (int64_t k = 0; k < d; k++) x2 += xi[k] * xi[k];
  float f = poincare_map_coef(op, x2, 0.0, c).s;
  for (int64_t k = 0; k < d; k++) out[i * d + k] = f * xi[k];
}
__global__ void poincare_map_fwd_kernel2(float* out, const float* x, int64_t n, int64_t d, float c, int op) {
  int64_t i = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;
  const float* xi = x + i * d;
  float x2 = 0;
  for (int64_t k = lane; k < d; k += 32) x2 += xi[k] * xi[k];
  float f = poincare_map_coef(op, warp_sum(x2), 0.0, c).s;
  for (int64_t k = lane; k < d; k += 32) out[i * d + k] = f * xi[k];
}
// dx, dout, x: (n, d); dx = s g + k x
__global__ void poincare_map_bwd_kernel1(float* dx, const float* g, const float* x, int64_t n, int64_t d, float c,
                                         int op) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float *xi = x + i * d, *gi = g + i * d;
  float x2 = 0, gx = 0;
  for (int64_t k = 0; k < d; k++) {
    x2 += xi[k] * xi[k];
    gx += gi[k] * xi[k];
  }
  MapCoef m = poincare_map_coef(op, x2, gx, c);
  for (int64_t k = 0; k < d; k++) dx[i * d + k] = m.s * gi[k] + m.k * xi[k];
}
__global__ void poincare_map_bwd_kernel2(float* dx, const float* g, const float* x, int64_t n, int64_t d, float c,
                                         int op) {
  int64_t i = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;
  const float *xi = x + i * d, *gi = g + i * d;
  float x2 = 0, gx = 0;
  for (int64_t k = lane; k < d; k += 32) {
    x2 += xi[k] * xi[k];
    gx += gi[k] * xi[k];
  }
  x2 = warp_sum(x2);
  gx = warp_sum(gx);
  MapCoef m = poincare_map_coef(op, x2, gx, c);
  for (int64_t k = lane; k < d; k += 32) dx[i * d + k] = m.s * gi[k] + m.k * xi[k];
}

extern "C" int rt_poincare_map_fwd(void* stream, float* out, const float* x, int64_t n, int64_t d, float c, int op,
                                   int version) {
  RT_REQUIRE(op >= 0 && op <= 2, "rt_poincare_map_fwd", "op must be 0 expmap0, 1 logmap0 or 2 proj");
  RT_ROW_CHECKS("rt_poincare_map_fwd", n, d, c, version);
  RT_REQUIRE(out && x, "rt_poincare_map_fwd", "null pointer");
  if (version == 1)
    RT_LAUNCH(poincare_map_fwd_kernel1, rows_grid(1, n), 128, 0, stream, out, x, n, d, c, op);
  else
    RT_LAUNCH(poincare_map_fwd_kernel2, rows_grid(2, n), 32 * RT_ROWS_PER_BLOCK, 0, stream, out, x, n, d, c, op);
  RT_LAUNCHED("rt_poincare_map_fwd");
  return 0;
}

extern "C" int rt_poincare_map_bwd(void* stream, float* dx, const float* dout, const float* x, int64_t n, int64_t d,
                                   float c, int op, int version) {
  RT_REQUIRE(op >= 0 && op <= 2, "rt_poincare_map_bwd", "op must be 0 expmap0, 1 logmap0 or 2 proj");
  RT_ROW_CHECKS("rt_poincare_map_bwd", n, d, c, version);
  RT_REQUIRE(dx && dout && x, "rt_poincare_map_bwd", "null pointer");
  if (version == 1)
    RT_LAUNCH(poincare_map_bwd_kernel1, rows_grid(1, n), 128, 0, stream, dx, dout, x, n, d, c, op);
  else
    RT_LAUNCH(poincare_map_bwd_kernel2, rows_grid(2, n), 32 * RT_ROWS_PER_BLOCK, 0, stream, dx, dout, x, n, d, c, op);
  RT_LAUNCHED("rt_poincare_map_bwd");
  return 0;
}

// ---- mobius_matvec ----------------------------------------------------------------------------------------
// m: (r, d), x: (n, d), out: (n, r). v1: thread per row, mx written to out then rescaled in place.
__global__ void mobius_matvec_fwd_kernel1(float* out, const float* m, const float* x, int64_t n, int64_t r, int64_t d,
                                          float c) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float* xi = x + i * d;
  float x2 = 0, m2 = 0;
  for (int64_t k = 0; k < d; k++) x2 += xi[k] * xi[k];
  for (int64_t j = 0; j < r; j++) {
    float acc = 0;
    for (int64_t k = 0; k < d; k++) acc += m[j * d + k] * xi[k];
    out[i * r + j] = acc;
    m2 += acc * acc;
  }
  float h = matvec_coef(x2, m2, 0.0, c).s;
  for (int64_t j = 0; j < r; j++) out[i * r + j] *= h;
}
// v2: warp per row; lanes split the r outputs, each a dot of length d (x row read through L1)
__global__ void mobius_matvec_fwd_kernel2(float* out, const float* m, const float* x, int64_t n, int64_t r, int64_t d,
                                          float c) {
  int64_t i = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;
  const float* xi = x + i * d;
  float x2 = 0, m2 = 0;
  for (int64_t k = lane; k < d; k += 32) x2 += xi[k] * xi[k];
  for (int64_t j = lane; j < r; j += 32) {
    const float* mj = m + j * d;
    float acc = 0;
    for (int64_t k = 0; k < d; k++) acc += mj[k] * __ldg(xi + k);
    out[i * r + j] = acc;
    m2 += acc * acc;
  }
  float h = matvec_coef(warp_sum(x2), warp_sum(m2), 0.0, c).s;
  for (int64_t j = lane; j < r; j += 32) out[i * r + j] *= h;
}
// backward: dm (r, d) accumulated with atomics (zeroed by the launcher), dx (n, d)
__global__ void mobius_matvec_bwd_kernel1(float* dm, float* dx, const float* g, const float* m, const float* x, int64_t n,
                                          int64_t r, int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float *xi = x + i * d, *gi = g + i * r;
  float x2 = 0, m2 = 0, gm = 0;
  for (int64_t k = 0; k < d; k++) x2 += xi[k] * xi[k];
  for (int64_t j = 0; j < r; j++) {
    float acc = 0;
    for (int64_t k = 0; k < d; k++) acc += m[j * d + k] * xi[k];
    m2 += acc * acc;
    gm += gi[j] * acc;
  }
  MatvecCoef co = matvec_coef(x2, m2, gm, c);
  for (int64_t k = 0; k < d; k++) dx[i * d + k] = co.cx * xi[k];
  for (int64_t j = 0; j < r; j++) {
    float acc = 0;
    for (int64_t k = 0; k < d; k++) acc += m[j * d + k] * xi[k];
    float dmx = co.s * gi[j] + co.cm * acc;
    for (int64_t k = 0; k < d; k++) {
      dx[i * d + k] += dmx * m[j * d + k];
      atomicAdd(dm + j * d + k, dmx * xi[k]);
    }
  }
}
__global__ void mobius_matvec_bwd_kernel2(float* dm, float* dx, const float* g, const float* m, const float* x,
                                          int64_t n, int64_t r, int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;
  const float *xi = x + i * d, *gi = g + i * r;
  float x2 = 0, m2 = 0, gm = 0;
  for (int64_t k = lane; k < d; k += 32) x2 += xi[k] * xi[k];
  for (int64_t j = 0; j < r; j++) {  // lanes split d for each output (coalesced rows of m)
    float acc = 0;
    for (int64_t k = lane; k < d; k += 32) acc += m[j * d + k] * xi[k];
    acc = warp_sum(acc);
    m2 += acc * acc;
    gm += gi[j] * acc;
  }
  MatvecCoef co = matvec_coef(warp_sum(x2), m2, gm, c);
  for (int64_t k = lane; k < d; k += 32) dx[i * d + k] = co.cx * xi[k];
  for (int64_t j = 0; j < r; j++) {
    float acc = 0;
    for (int64_t k = lane; k < d; k += 32) acc += m[j * d + k] * xi[k];
    float dmx = co.s * gi[j] + co.cm * warp_sum(acc);
    for (int64_t k = lane; k < d; k += 32) {
      dx[i * d + k] += dmx * m[j * d + k];
      atomicAdd(dm + j * d + k, dmx * xi[k]);
    }
  }
}

// v3 epilogues, warp per row. Forward: out_i (holding Wx_i) *= h(|x_i|, |Wx_i|).
__global__ void mobius_matvec_fwd_epilogue3(float* out, const float* x, int64_t n, int64_t r, int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;  // whole warp
  float x2 = 0, m2 = 0;
  for (int64_t k = lane; k < d; k += 32) x2 += x[i * d + k] * x[i * d + k];
  for (int64_t j = lane; j < r; j += 32) m2 += out[i * r + j] * out[i * r + j];
  float h = matvec_coef(warp_sum(x2), warp_sum(m2), 0.0, c).s;
  for (int64_t j = lane; j < r; j += 32) out[i * r + j] *= h;
}
// Backward: mx_i (holding Wx_i) becomes G'_i = s g_i + cm Wx_i (the gradient reaching Wx_i), and
// dx_i = cx x_i (the part through |x_i|; the GEMM adds G'_i W)
__global__ void mobius_matvec_bwd_epilogue3(float* mx, float* dx, const float* g, const float* x, int64_t n, int64_t r,
                                            int64_t d, float c) {
  int64_t i = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (i >= n) return;
  float x2 = 0, m2 = 0, gm = 0;
  for (int64_t k = lane; k < d; k += 32) x2 += x[i * d + k] * x[i * d + k];
  for (int64_t j = lane; j < r; j += 32) {
    float v = mx[i * r + j];
    m2 += v * v;
    gm += g[i * r + j] * v;
  }
  MatvecCoef co = matvec_coef(warp_sum(x2), warp_sum(m2), warp_sum(gm), c);
  for (int64_t j = lane; j < r; j += 32) mx[i * r + j] = co.s * g[i * r + j] + co.cm * mx[i * r + j];
  for (int64_t k = lane; k < d; k += 32) dx[i * d + k] = co.cx * x[i * d + k];
}

static cudaError_t matvec_fwd3(void* stream, float* out, const float* m, const float* x, int64_t n, int64_t r, int64_t d,
                               float c) {
  cudaError_t e = hyp_gemm<false, true, false>(stream, out, x, m, n, r, d);  // out = x W^T: (n, r)
  if (e != cudaSuccess) return e;
  RT_LAUNCH(mobius_matvec_fwd_epilogue3, rows_grid(2, n), 32 * RT_ROWS_PER_BLOCK, 0, stream, out, x, n, r, d, c);
  return cudaGetLastError();
}
static cudaError_t matvec_bwd3(void* stream, float* dm, float* dx, const float* g, const float* m, const float* x,
                               int64_t n, int64_t r, int64_t d, float c) {
  cudaStream_t st = (cudaStream_t)stream;
  float* mx = nullptr;  // (n, r): Wx, then G'
  cudaError_t e = cudaMallocAsync((void**)&mx, (size_t)(n * r) * sizeof(float), st);
  if (e != cudaSuccess) return e;
  e = hyp_gemm<false, true, false>(stream, mx, x, m, n, r, d);
  if (e == cudaSuccess) {
    RT_LAUNCH(mobius_matvec_bwd_epilogue3, rows_grid(2, n), 32 * RT_ROWS_PER_BLOCK, 0, stream, mx, dx, g, x, n, r, d, c);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) e = hyp_gemm<false, false, true>(stream, dx, mx, m, n, d, r);  // dx += G' W: (n, d)
  if (e == cudaSuccess) e = hyp_gemm<true, false, false>(stream, dm, mx, x, r, d, n);  // dW = G'^T x: (r, d)
  cudaFreeAsync(mx, st);
  return e;
}

#define RT_MATVEC_CHECKS(op)                                                         \
  RT_REQUIRE(n >= 0 && r > 0 && d > 0, op, "need n >= 0, r > 0, d > 0");             \
  RT_REQUIRE(c > 0.0f, op, "curvature c must be > 0");                               \
  RT_REQUIRE(version >= 0 && version <= 3, op, "unknown version (0, 1, 2 or 3)");    \
  if (n == 0) return 0;                                                              \
  if (version == 0) version = 2

extern "C" int rt_mobius_matvec_fwd(void* stream, float* out, const float* m, const float* x, int64_t n, int64_t r,
                                    int64_t d, float c, int version) {
  RT_MATVEC_CHECKS("rt_mobius_matvec_fwd");
  RT_REQUIRE(out && m && x, "rt_mobius_matvec_fwd", "null pointer");
  if (version == 3) {
    cudaError_t e = matvec_fwd3(stream, out, m, x, n, r, d, c);
    if (e != cudaSuccess) return ::rt::launch_failed(e, "rt_mobius_matvec_fwd", __FILE__, __LINE__);
    return 0;
  }
  if (version == 1)
    RT_LAUNCH(mobius_matvec_fwd_kernel1, rows_grid(1, n), 128, 0, stream, out, m, x, n, r, d, c);
  else
    RT_LAUNCH(mobius_matvec_fwd_kernel2, rows_grid(2, n), 32 * RT_ROWS_PER_BLOCK, 0, stream, out, m, x, n, r, d, c);
  RT_LAUNCHED("rt_mobius_matvec_fwd");
  return 0;
}

extern "C" int rt_mobius_matvec_bwd(void* stream, float* dm, float* dx, const float* dout, const float* m,
                                    const float* x, int64_t n, int64_t r, int64_t d, float c, int version) {
  RT_MATVEC_CHECKS("rt_mobius_matvec_bwd");
  RT_REQUIRE(dm && dx && dout && m && x, "rt_mobius_matvec_bwd", "null pointer");
  if (version == 3) {  // writes dm and dx whole
    cudaError_t e = matvec_bwd3(stream, dm, dx, dout, m, x, n, r, d, c);
    if (e != cudaSuccess) return ::rt::launch_failed(e, "rt_mobius_matvec_bwd", __FILE__, __LINE__);
    return 0;
  }
  RT_CUDA(cudaMemsetAsync(dm, 0, (size_t)(r * d) * sizeof(float), (cudaStream_t)stream), "rt_mobius_matvec_bwd");
  if (version == 1)
    RT_LAUNCH(mobius_matvec_bwd_kernel1, rows_grid(1, n), 128, 0, stream, dm, dx, dout, m, x, n, r, d, c);
  else
    RT_LAUNCH(mobius_matvec_bwd_kernel2, rows_grid(2, n), 32 * RT_ROWS_PER_BLOCK, 0, stream, dm, dx, dout, m, x, n, r,
              d, c);
  RT_LAUNCHED("rt_mobius_matvec_bwd");
  return 0;
}
