// norm.cu - layer norm and batch norm, forward and backward (issue 17).
// defines: rt_layer_norm_fwd rt_layer_norm_bwd rt_batch_norm_fwd rt_batch_norm_bwd
// versions: 1 (layer norm: one warp per row, the weight gradients one thread per column over the rows;
//            batch norm: one block per channel with block reductions; the only version)
// Statistics in float with two passes (mean, then centred squares), as the reference does in double.
// Contract: org.revtaf.engine.backend.reference.RefNorm.
#include "../common/rt_geom.cuh"
#include "../common/rt_warp.cuh"

#define RT_NORM_BLOCK 256
#define RT_NORM_ROWS (RT_NORM_BLOCK / 32)

__global__ void layer_norm_fwd_kernel(float* out, float* mean, float* rstd, const float* x, const float* w,
                                      const float* b, int64_t rows, int64_t d, float eps) {
  int lane = threadIdx.x % 32;
  for (int64_t r = (int64_t)blockIdx.x * RT_NORM_ROWS + threadIdx.x / 32; r < rows;
       r += (int64_t)gridDim.x * RT_NORM_ROWS) {
    const float* xr = x + r * d;
    float s = 0.0f;
    for (int64_t j = lane; j < d; j += 32) s += xr[j];
    float mu = warp_sum(s) / (float)d;
    float v = 0.0f;
    for (int64_t j = lane; j < d; j += 32) v += (xr[j] - mu) * (xr[j] - mu);
    float rs = 1.0f / sqrtf(warp_sum(v) / (float)d + eps);
    if (lane == 0) {
      if (mean != nullptr) mean[r] = mu;
      if (rstd != nullptr) rstd[r] = rs;
    }
    for (int64_t j = lane; j < d; j += 32) {
      float y = (xr[j] - mu) * rs;
      if (w != nullptr) y *= w[j];
      if (b != nullptr) y += b[j];
      out[r * d + j] = y;
    }
  }
}

__global__ void layer_norm_bwd_dx_kernel(float* dx, const float* dy, const float* x, const float* w, const float* mean,
                                         const float* rstd, int64_t rows, int64_t d) {
  int lane = threadIdx.x % 32;
  for (int64_t r = (int64_t)blockIdx.x * RT_NORM_ROWS + threadIdx.x / 32; r < rows;
       r += (int64_t)gridDim.x * RT_NORM_ROWS) {
    const float *xr = x + r * d, *gr = dy + r * d;
    float mu = mean[r], rs = rstd[r], sg = 0.0f, sgx = 0.0f;
    for (int64_t j = lane; j < d; j += 32) {
      float g = gr[j] * (w == nullptr ? 1.0f : w[j]);
      sg += g;
      sgx += g * (xr[j] - mu) * rs;
    }
    sg = warp_sum(sg) / (float)d;
    sgx = warp_sum(sgx) / (float)d;
    for (int64_t j = lane; j < d; j += 32) {
      float g = gr[j] * (w == nullptr ? 1.0f : w[j]);
      dx[r * d + j] = rs * (g - sg - (xr[j] - mu) * rs * sgx);
    }
  }
}

__global__ void layer_norm_bwd_w_kernel(float* dw, float* db, const float* dy, const float* x, const float* mean,
                                        const float* rstd, int64_t rows, int64_t d) {
  RT_GRID_STRIDE(j, d) {
    float sw = 0.0f, sb = 0.0f;
    for (int64_t r = 0; r < rows; r++) {
      float g = dy[r * d + j];
      sw += g * (x[r * d + j] - mean[r]) * rstd[r];
      sb += g;
    }
    if (dw != nullptr) dw[j] = sw;
    if (db != nullptr) db[j] = sb;
  }
}

extern "C" int rt_layer_norm_fwd(void* stream, float* out, float* mean, float* rstd, const float* x, const float* w,
                                 const float* b, int64_t rows, int64_t d, float eps, int version) {
  RT_REQUIRE(rows >= 0 && d > 0 && version >= 0 && version <= 1, "rt_layer_norm_fwd", "bad arguments");
  if (rows == 0) return 0;
  RT_REQUIRE(out != nullptr && x != nullptr, "rt_layer_norm_fwd", "null pointer");
  RT_LAUNCH(layer_norm_fwd_kernel, rt_grid(rows, RT_NORM_ROWS), RT_NORM_BLOCK, 0, stream, out, mean, rstd, x, w, b,
            rows, d, eps);
  RT_LAUNCHED("rt_layer_norm_fwd");
  return 0;
}

extern "C" int rt_layer_norm_bwd(void* stream, float* dx, float* dw, float* db, const float* dy, const float* x,
                                 const float* w, const float* mean, const float* rstd, int64_t rows, int64_t d,
                                 int version) {
  RT_REQUIRE(rows >= 0 && d > 0 && version >= 0 && version <= 1, "rt_layer_norm_bwd", "bad arguments");
  RT_REQUIRE(rows == 0 || (dy && x && mean && rstd), "rt_layer_norm_bwd", "null pointer");
  if (dx != nullptr && rows > 0) {
    RT_LAUNCH(layer_norm_bwd_dx_kernel, rt_grid(rows, RT_NORM_ROWS), RT_NORM_BLOCK, 0, stream, dx, dy, x, w, mean,
              rstd, rows, d);
    RT_LAUNCHED("rt_layer_norm_bwd");
  }
  if (dw != nullptr || db != nullptr) {
    RT_LAUNCH(layer_norm_bwd_w_kernel, rt_grid(d, RT_NORM_BLOCK), RT_NORM_BLOCK, 0, stream, dw, db, dy, x, mean, rstd,
              rows, d);
    RT_LAUNCHED("rt_layer_norm_bwd");
  }
  return 0;
}

// one block per channel ch: x (n, c, hw)
__global__ void batch_norm_fwd_kernel(float* out, float* save_mean, float* save_invstd, float* run_mean,
                                      float* run_var, const float* x, const float* w, const float* b, int64_t n,
                                      int64_t c, int64_t hw, int training, float momentum, float eps) {
  STATIC_SHARED(float, red, [32]);
  int64_t ch = blockIdx.x, count = n * hw;
  float mu, rs;
  if (training) {
    float s = 0.0f;
    for (int64_t e = threadIdx.x; e < count; e += blockDim.x) s += x[(e / hw * c + ch) * hw + e % hw];
    mu = block_sum(s, red) / (float)count;
    float v = 0.0f;
    for (int64_t e = threadIdx.x; e < count; e += blockDim.x) {
      float dd = x[(e / hw * c + ch) * hw + e % hw] - mu;
      v += dd * dd;
    }
    v = block_sum(v, red);
    rs = 1.0f / sqrtf(v / (float)count + eps);
    if (threadIdx.x == 0) {
      if (run_mean != nullptr) run_mean[ch] = (1.0f - momentum) * run_mean[ch] + momentum * mu;
      if (run_var != nullptr)
        run_var[ch] = (1.0f - momentum) * run_var[ch] + momentum * (count > 1 ? v / (float)(count - 1) : v / (float)count);
    }
  } else {
    mu = run_mean[ch];
    rs = 1.0f / sqrtf(run_var[ch] + eps);
  }
  if (threadIdx.x == 0) {
    if (save_mean != nullptr) save_mean[ch] = mu;
    if (save_invstd != nullptr) save_invstd[ch] = rs;
  }
  float scale = (w == nullptr ? 1.0f : w[ch]) * rs, shift = b == nullptr ? 0.0f : b[ch];
  for (int64_t e = threadIdx.x; e < count; e += blockDim.x) {
    int64_t o = (e / hw * c + ch) * hw + e % hw;
    out[o] = (x[o] - mu) * scale + shift;
  }
}

__global__ void batch_norm_bwd_kernel(float* dx, float* dw, float* db, const float* dy, const float* x, const float* w,
                                      const float* save_mean, const float* save_invstd, int64_t n, int64_t c,
                                      int64_t hw, int training) {
  STATIC_SHARED(float, red, [32]);
  int64_t ch = blockIdx.x, count = n * hw;
  float mu = save_mean[ch], rs = save_invstd[ch], sdy = 0.0f, sdyx = 0.0f;
  for (int64_t e = threadIdx.x; e < count; e += blockDim.x) {
    int64_t o = (e / hw * c + ch) * hw + e % hw;
    sdy += dy[o];
    sdyx += dy[o] * (x[o] - mu) * rs;
  }
  sdy = block_sum(sdy, red);
  sdyx = block_sum(sdyx, red);
  if (threadIdx.x == 0) {
    if (dw != nullptr) dw[ch] = sdyx;
    if (db != nullptr) db[ch] = sdy;
  }
  if (dx == nullptr) return;  // block-uniform, after the last barrier
  float k = (w == nullptr ? 1.0f : w[ch]) * rs;
  float mdy = training ? sdy / (float)count : 0.0f, mdyx = training ? sdyx / (float)count : 0.0f;
  for (int64_t e = threadIdx.x; e < count; e += blockDim.x) {
    int64_t o = (e / hw * c + ch) * hw + e % hw;
    dx[o] = k * (dy[o] - mdy - (x[o] - mu) * rs * mdyx);
  }
}

extern "C" int rt_batch_norm_fwd(void* stream, float* out, float* save_mean, float* save_invstd, float* run_mean,
                                 float* run_var, const float* x, const float* w, const float* b, int64_t n, int64_t c,
                                 int64_t hw, int training, float momentum, float eps, int version) {
  RT_REQUIRE(n >= 0 && c > 0 && hw > 0 && version >= 0 && version <= 1, "rt_batch_norm_fwd", "bad arguments");
  RT_REQUIRE(c <= 65535, "rt_batch_norm_fwd", "more than 65535 channels");
  RT_REQUIRE(training || (run_mean && run_var), "rt_batch_norm_fwd", "eval needs the running statistics");
  RT_REQUIRE(!training || n * hw > 0, "rt_batch_norm_fwd", "training on an empty batch");
  if (n == 0) return 0;
  RT_REQUIRE(out != nullptr && x != nullptr, "rt_batch_norm_fwd", "null pointer");
  RT_LAUNCH(batch_norm_fwd_kernel, (unsigned)c, RT_NORM_BLOCK, 0, stream, out, save_mean, save_invstd, run_mean,
            run_var, x, w, b, n, c, hw, training, momentum, eps);
  RT_LAUNCHED("rt_batch_norm_fwd");
  return 0;
}

extern "C" int rt_batch_norm_bwd(void* stream, float* dx, float* dw, float* db, const float* dy, const float* x,
                                 const float* w, const float* save_mean, const float* save_invstd, int64_t n,
                                 int64_t c, int64_t hw, int training, int version) {
  RT_REQUIRE(n >= 0 && c > 0 && hw > 0 && version >= 0 && version <= 1, "rt_batch_norm_bwd", "bad arguments");
  RT_REQUIRE(c <= 65535, "rt_batch_norm_bwd", "more than 65535 channels");
  if (n == 0) return 0;
  RT_REQUIRE(dy && x && save_mean && save_invstd, "rt_batch_norm_bwd", "null pointer");
  RT_LAUNCH(batch_norm_bwd_kernel, (unsigned)c, RT_NORM_BLOCK, 0, stream, dx, dw, db, dy, x, w, save_mean, save_invstd,
            n, c, hw, training);
  RT_LAUNCHED("rt_batch_norm_bwd");
  return 0;
}
