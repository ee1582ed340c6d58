// reduce.cu - reductions over the middle axis of (outer, n, inner), softmax / log_softmax and their
// backward, fused cross-entropy (label smoothing, ignore index, the mean's count on the device), and the
// row softmax of unfused attention with DropoutMask dropout (issue 17).
// defines: rt_reduce rt_softmax_fwd rt_softmax_bwd rt_cross_entropy_fwd rt_cross_entropy_bwd
//          rt_attention_softmax_fwd rt_attention_softmax_bwd
// versions (rt_reduce, rt_softmax_*):
//   1  one thread per (outer, inner) row, serial over n
//   2  one warp per row with shuffle reductions when inner == 1, else version 1; default
// cross-entropy and attention softmax: one warp per row (their only version).
// Contracts: org.revtaf.engine.backend.reference.RefReduce, AttentionRef; ScalarMath for NaN (max/min propagate it).
#include "../common/rt_geom.cuh"
#include "../common/rt_warp.cuh"

enum RtReduceOp { R_SUM, R_MAX, R_MIN, R_LSE, R_ARGMAX, R_ARGMIN };

#define RT_RED_BLOCK 256
#define RT_ROWS_PER_BLOCK (RT_RED_BLOCK / 32)
// warp-per-row loop: every lane of a warp takes the same rows, so a warp leaves the loop as a whole
#define RT_WARP_ROWS(row, rows)                                                                  \
  for (int64_t row = (int64_t)blockIdx.x * RT_ROWS_PER_BLOCK + threadIdx.x / 32; row < (rows); \
       row += (int64_t)gridDim.x * RT_ROWS_PER_BLOCK)

// one lane group walking a row: lanes (WARP) or a single thread
template <bool WARP>
__device__ __forceinline__ float grp_sum(float v) {
  return WARP ? warp_sum(v) : v;
}
__device__ __forceinline__ float nan_max(float a, float b) { return (a != a || b != b) ? NAN : fmaxf(a, b); }
__device__ __forceinline__ float nan_min(float a, float b) { return (a != a || b != b) ? NAN : fminf(a, b); }
template <bool WARP>
__device__ __forceinline__ float grp_max(float v) {
  if (WARP)
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
template <bool WARP>
__device__ __forceinline__ float grp_min(float v) {
  if (WARP)
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = nan_min(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
// (max, sum exp(x - max)) merged over the group; every lane gets the result
template <bool WARP>
__device__ __forceinline__ void grp_lse(float& m, float& s) {
  if (WARP)
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
      float m2 = __shfl_xor_sync(0xffffffffu, m, o), s2 = __shfl_xor_sync(0xffffffffu, s, o);
      lse_merge(m, s, m2, s2);
    }
}
// first index of the best value (ARG: true = max); reduced to lane 0, then broadcast
template <bool WARP>
__device__ __forceinline__ long long grp_arg(float v, long long i, bool arg_max) {
  if (WARP) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
      float v2 = __shfl_down_sync(0xffffffffu, v, o);
      long long i2 = __shfl_down_sync(0xffffffffu, i, o);
      bool better = arg_max ? v2 > v : v2 < v;
      if (i2 >= 0 && (i < 0 || better || (v2 == v && i2 < i))) {
        v = v2;
        i = i2;
      }
    }
    i = __shfl_sync(0xffffffffu, i, 0);
  }
  return i;
}

// the row (o, i) of x: element j at base[j * inner]; lanes start at `lane` and step by `step`
template <bool WARP>
__device__ void reduce_row(void* out, const float* base, int64_t n, int64_t inner, int op, int64_t oidx, int lane) {
  const int step = WARP ? 32 : 1;
  if (op == R_SUM) {
    float s = 0.0f;
      for (int64_t j = lane; j < n; j += step) s += base[j * inner];
    s = grp_sum<WARP>(s);
    if (lane == 0) ((float*)out)[oidx] = s;
  } else if (op == R_MAX || op == R_MIN) {
    float m = op == R_MAX ? -INFINITY : INFINITY;
      for (int64_t j = lane; j < n; j += step) m = op == R_MAX ? nan_max(m, base[j * inner]) : nan_min(m, base[j * inner]);
    m = op == R_MAX ? grp_max<WARP>(m) : grp_min<WARP>(m);
    if (lane == 0) ((float*)out)[oidx] = m;
  } else if (op == R_LSE) {
    float m = -INFINITY, s = 0.0f;
      for (int64_t j = lane; j < n; j += step) lse_merge(m, s, base[j * inner], 1.0f);
    grp_lse<WARP>(m, s);
    if (lane == 0) ((float*)out)[oidx] = m == -INFINITY ? -INFINITY : m + logf(s);
  } else {
    bool amax = op == R_ARGMAX;
    float bv = 0.0f;
    long long bi = -1;
      for (int64_t j = lane; j < n; j += step) {
        float e = base[j * inner];
        if (bi < 0 || (amax ? e > bv : e < bv)) {
          bv = e;
          bi = j;
        }
      }
    bi = grp_arg<WARP>(bv, bi, amax);
    if (lane == 0) ((long long*)out)[oidx] = bi < 0 ? 0 : bi;
  }
}

__global__ void reduce_kernel1(void* out, const float* x, int64_t outer, int64_t n, int64_t inner, int op) {
  RT_GRID_STRIDE(r, outer * inner) {
    int64_t o = r / inner, i = r % inner;
    reduce_row<false>(out, x + o * n * inner + i, n, inner, op, r, 0);
  }
}

// inner == 1: warp w of the block owns row blockIdx.x * 8 + w
__global__ void reduce_kernel2(void* out, const float* x, int64_t outer, int64_t n, int op) {
  RT_WARP_ROWS(row, outer) reduce_row<true>(out, x + row * n, n, 1, op, row, threadIdx.x % 32);
}

extern "C" int rt_reduce(void* stream, void* out, const float* x, int64_t outer, int64_t n, int64_t inner, int op,
                         int version) {
  RT_REQUIRE(outer >= 0 && n >= 0 && inner >= 0 && op >= R_SUM && op <= R_ARGMIN && version >= 0 && version <= 2,
             "rt_reduce", "bad arguments");
  RT_REQUIRE(n > 0 || op == R_SUM, "rt_reduce", "reduction over an empty axis");
  if (outer * inner == 0) return 0;
  RT_REQUIRE(out != nullptr && (x != nullptr || n == 0), "rt_reduce", "null pointer");
  if (version != 1 && inner == 1) {
    RT_LAUNCH(reduce_kernel2, rt_grid(outer, RT_ROWS_PER_BLOCK), RT_RED_BLOCK, 0, stream, out, x, outer, n, op);
  } else {
    RT_LAUNCH(reduce_kernel1, rt_grid(outer * inner, RT_RED_BLOCK), RT_RED_BLOCK, 0, stream, out, x, outer, n, inner,
              op);
  }
  RT_LAUNCHED("rt_reduce");
  return 0;
}

// ---- softmax ----------------------------------------------------------------------------------------
template <bool WARP>
__device__ void softmax_row(float* y, const float* x, int64_t n, int64_t inner, bool log, int lane) {
  const int step = WARP ? 32 : 1;
  float m = -INFINITY, s = 0.0f;
    for (int64_t j = lane; j < n; j += step) lse_merge(m, s, x[j * inner], 1.0f);
  grp_lse<WARP>(m, s);
  float lse = m + logf(s);
    for (int64_t j = lane; j < n; j += step) {
      float d = x[j * inner] - lse;
      y[j * inner] = log ? d : expf(d);
    }
}

template <bool WARP>
__device__ void softmax_bwd_row(float* dx, const float* dy, const float* y, int64_t n, int64_t inner, bool log,
                                int lane) {
  const int step = WARP ? 32 : 1;
  float s = 0.0f;
    for (int64_t j = lane; j < n; j += step) s += log ? dy[j * inner] : dy[j * inner] * y[j * inner];
  s = grp_sum<WARP>(s);
    for (int64_t j = lane; j < n; j += step) {
      float g = dy[j * inner], yk = y[j * inner];
      dx[j * inner] = log ? g - expf(yk) * s : yk * (g - s);
    }
}

__global__ void softmax_kernel1(float* y, const float* x, int64_t outer, int64_t n, int64_t inner, int log) {
  RT_GRID_STRIDE(r, outer * inner) {
    int64_t off = r / inner * n * inner + r % inner;
    softmax_row<false>(y + off, x + off, n, inner, log != 0, 0);
  }
}
__global__ void softmax_kernel2(float* y, const float* x, int64_t outer, int64_t n, int log) {
  RT_WARP_ROWS(row, outer) softmax_row<true>(y + row * n, x + row * n, n, 1, log != 0, threadIdx.x % 32);
}
__global__ void softmax_bwd_kernel1(float* dx, const float* dy, const float* y, int64_t outer, int64_t n, int64_t inner,
                                    int log) {
  RT_GRID_STRIDE(r, outer * inner) {
    int64_t off = r / inner * n * inner + r % inner;
    softmax_bwd_row<false>(dx + off, dy + off, y + off, n, inner, log != 0, 0);
  }
}
__global__ void softmax_bwd_kernel2(float* dx, const float* dy, const float* y, int64_t outer, int64_t n, int log) {
  RT_WARP_ROWS(row, outer) {
    int64_t off = row * n;
    softmax_bwd_row<true>(dx + off, dy + off, y + off, n, 1, log != 0, threadIdx.x % 32);
  }
}

extern "C" int rt_softmax_fwd(void* stream, float* out, const float* x, int64_t outer, int64_t n, int64_t inner,
                              int log, int version) {
  RT_REQUIRE(outer >= 0 && n >= 0 && inner >= 0 && version >= 0 && version <= 2, "rt_softmax_fwd", "bad arguments");
  if (outer * n * inner == 0) return 0;
  RT_REQUIRE(out != nullptr && x != nullptr, "rt_softmax_fwd", "null pointer");
  if (version != 1 && inner == 1) {
    RT_LAUNCH(softmax_kernel2, rt_grid(outer, RT_ROWS_PER_BLOCK), RT_RED_BLOCK, 0, stream, out, x, outer, n, log);
  } else {
    RT_LAUNCH(softmax_kernel1, rt_grid(outer * inner, RT_RED_BLOCK), RT_RED_BLOCK, 0, stream, out, x, outer, n, inner,
              log);
  }
  RT_LAUNCHED("rt_softmax_fwd");
  return 0;
}

extern "C" int rt_softmax_bwd(void* stream, float* dx, const float* dy, const float* y, int64_t outer, int64_t n,
                              int64_t inner, int log, int version) {
  RT_REQUIRE(outer >= 0 && n >= 0 && inner >= 0 && version >= 0 && version <= 2, "rt_softmax_bwd", "bad arguments");
  if (outer * n * inner == 0) return 0;
  RT_REQUIRE(dx != nullptr && dy != nullptr && y != nullptr, "rt_softmax_bwd", "null pointer");
  if (version != 1 && inner == 1) {
    RT_LAUNCH(softmax_bwd_kernel2, rt_grid(outer, RT_ROWS_PER_BLOCK), RT_RED_BLOCK, 0, stream, dx, dy, y, outer, n, log);
  } else {
    RT_LAUNCH(softmax_bwd_kernel1, rt_grid(outer * inner, RT_RED_BLOCK), RT_RED_BLOCK, 0, stream, dx, dy, y, outer, n,
              inner, log);
  }
  RT_LAUNCHED("rt_softmax_bwd");
  return 0;
}

// ---- cross-entropy ----------------------------------------------------------------------------------
// warp per row: lse[r], row_loss[r] (0 for an ignored row)
__global__ void cross_entropy_rows_kernel(float* lse, float* row_loss, const float* logits, const void* target,
                                          int target_type, int64_t rows, int64_t c, int64_t ignore, float smoothing,
                                          int64_t* err) {
  int lane = threadIdx.x % 32;
  RT_WARP_ROWS(r, rows) {
  const float* x = logits + r * c;
  float m = -INFINITY, s = 0.0f, sum = 0.0f;
  for (int64_t j = lane; j < c; j += 32) {
    lse_merge(m, s, x[j], 1.0f);
    sum += x[j];
  }
  grp_lse<true>(m, s);
  sum = warp_sum(sum);
  if (lane == 0) {
    float l = m + logf(s);
    lse[r] = l;
    int64_t t = rt_index(target, target_type, r);
    if (t == ignore) {
      row_loss[r] = 0.0f;
    } else {
      t = rt_checked(err, r, t, c);
      row_loss[r] = (1.0f - smoothing) * (l - x[t]) + smoothing * (l - sum / (float)c);
    }
  }
  }
}

// one block: loss[0] = sum(row_loss) / max(count, 1), loss[1] = count
__global__ void cross_entropy_mean_kernel(float* loss, const float* row_loss, const void* target, int target_type,
                                          int64_t rows, int64_t ignore) {
  STATIC_SHARED(float, red, [32]);
  float s = 0.0f, cnt = 0.0f;
  for (int64_t r = threadIdx.x; r < rows; r += blockDim.x) {
    s += row_loss[r];
    if (rt_index(target, target_type, r) != ignore) cnt += 1.0f;
  }
  s = block_sum(s, red);
  cnt = block_sum(cnt, red);
  if (threadIdx.x == 0) {
    loss[0] = s / fmaxf(cnt, 1.0f);
    loss[1] = cnt;
  }
}

__global__ void cross_entropy_bwd_kernel(float* dlogits, const float* dloss, const float* loss, const float* logits,
                                         const float* lse, const void* target, int target_type, int64_t rows,
                                         int64_t c, int64_t ignore, float smoothing) {
  float g = dloss[0] / fmaxf(loss[1], 1.0f);
  RT_GRID_STRIDE(e, rows * c) {
    int64_t r = e / c, j = e % c;
    int64_t t = rt_index(target, target_type, r);
    float v = 0.0f;
    if (t != ignore) {
      float p = expf(logits[e] - lse[r]);
      v = g * (p - (j == t ? 1.0f - smoothing : 0.0f) - smoothing / (float)c);
    }
    dlogits[e] = v;
  }
}

extern "C" int rt_cross_entropy_fwd(void* stream, float* loss, float* lse, float* row_loss, const float* logits,
                                    const void* target, int target_type, int64_t rows, int64_t c, int64_t ignore_index,
                                    float smoothing, int64_t* err, int version) {
  RT_REQUIRE(rows >= 0 && c > 0 && (target_type == RT_I32 || target_type == RT_I64) && version >= 0 && version <= 1,
             "rt_cross_entropy_fwd", "bad arguments");
  RT_REQUIRE(loss != nullptr, "rt_cross_entropy_fwd", "null pointer");
  if (rows > 0) {
    RT_REQUIRE(lse && row_loss && logits && target, "rt_cross_entropy_fwd", "null pointer");
    RT_LAUNCH(cross_entropy_rows_kernel, rt_grid(rows, RT_ROWS_PER_BLOCK), RT_RED_BLOCK, 0, stream, lse, row_loss,
              logits, target, target_type, rows, c, ignore_index, smoothing, err);
    RT_LAUNCHED("rt_cross_entropy_fwd");
  }
  RT_LAUNCH(cross_entropy_mean_kernel, 1, RT_RED_BLOCK, 0, stream, loss, row_loss, target, target_type, rows,
            ignore_index);
  RT_LAUNCHED("rt_cross_entropy_fwd");
  return 0;
}

extern "C" int rt_cross_entropy_bwd(void* stream, float* dlogits, const float* dloss, const float* loss,
                                    const float* logits, const float* lse, const void* target, int target_type,
                                    int64_t rows, int64_t c, int64_t ignore_index, float smoothing, int version) {
  RT_REQUIRE(rows >= 0 && c > 0 && (target_type == RT_I32 || target_type == RT_I64) && version >= 0 && version <= 1,
             "rt_cross_entropy_bwd", "bad arguments");
  if (rows == 0) return 0;
  RT_REQUIRE(dlogits && dloss && loss && logits && lse && target, "rt_cross_entropy_bwd", "null pointer");
  RT_LAUNCH(cross_entropy_bwd_kernel, rt_grid(rows * c, RT_RED_BLOCK), RT_RED_BLOCK, 0, stream, dlogits, dloss, loss,
            logits, lse, target, target_type, rows, c, ignore_index, smoothing);
  RT_LAUNCHED("rt_cross_entropy_bwd");
  return 0;
}

// ---- attention softmax (unfused attention: other head dims, dropout) -------------------------------------
// DropoutMask factor of element idx (threshold 0: 1)
__device__ __forceinline__ float att_drop(unsigned long long key, long long threshold, float scale, long long idx) {
  if (threshold == 0) return 1.0f;
  return rt_dropout_keep(key, threshold, idx) ? scale : 0.0f;
}
__device__ __forceinline__ bool att_visible(const uint8_t* key_mask, int64_t bi, int64_t i, int64_t j, int64_t n,
                                            int64_t s, int causal) {
  if (key_mask != nullptr && key_mask[bi * s + j] == 0) return false;
  return !causal || j <= i + s - n;
}

__global__ void attention_softmax_fwd_kernel(float* p, float* lse, const uint8_t* key_mask, int64_t b, int64_t h,
                                             int64_t n, int64_t s, float scale, int causal, unsigned long long key,
                                             long long threshold, float dscale) {
  int lane = threadIdx.x % 32;
  RT_WARP_ROWS(r, b * h * n) {  // r = (bh, i)
  int64_t bi = r / n / h, i = r % n;
  float* pr = p + r * s;
  float m = -INFINITY, sum = 0.0f;
  for (int64_t j = lane; j < s; j += 32)
    if (att_visible(key_mask, bi, i, j, n, s, causal)) lse_merge(m, sum, scale * pr[j], 1.0f);
  grp_lse<true>(m, sum);
  float l = m == -INFINITY ? -INFINITY : m + logf(sum);
  {
    for (int64_t j = lane; j < s; j += 32) {
      float v = 0.0f;
      if (l != -INFINITY && att_visible(key_mask, bi, i, j, n, s, causal))
        v = expf(scale * pr[j] - l) * att_drop(key, threshold, dscale, r * s + j);
      pr[j] = v;
    }
    if (lane == 0) lse[r] = l;
  }
  }
}

__global__ void attention_softmax_bwd_kernel(float* ds, const float* scores, const float* lse, const uint8_t* key_mask,
                                             int64_t b, int64_t h, int64_t n, int64_t s, float scale, int causal,
                                             unsigned long long key, long long threshold, float dscale) {
  int lane = threadIdx.x % 32;
  RT_WARP_ROWS(r, b * h * n) {
  int64_t bi = r / n / h, i = r % n;
  float* dr = ds + r * s;
  const float* sr = scores + r * s;
  float l = lse[r];
  float dot = 0.0f;
  if (l != -INFINITY)
    for (int64_t j = lane; j < s; j += 32)
      if (att_visible(key_mask, bi, i, j, n, s, causal))
        dot += expf(scale * sr[j] - l) * dr[j] * att_drop(key, threshold, dscale, r * s + j);
  dot = warp_sum(dot);
  for (int64_t j = lane; j < s; j += 32) {
    float v = 0.0f;
    if (l != -INFINITY && att_visible(key_mask, bi, i, j, n, s, causal)) {
      float pj = expf(scale * sr[j] - l);
      v = scale * pj * (dr[j] * att_drop(key, threshold, dscale, r * s + j) - dot);
    }
    dr[j] = v;
  }
  }
}

extern "C" int rt_attention_softmax_fwd(void* stream, float* p, float* lse, const uint8_t* key_mask, int64_t b,
                                        int64_t h, int64_t n, int64_t s, float scale, int causal, int64_t drop_key,
                                        int64_t drop_threshold, float drop_scale, int version) {
  RT_REQUIRE(b >= 0 && h >= 0 && n >= 0 && s >= 0 && drop_threshold >= 0 && version >= 0 && version <= 1,
             "rt_attention_softmax_fwd", "bad arguments");
  int64_t rows = b * h * n;
  if (rows == 0) return 0;
  RT_REQUIRE(p != nullptr && lse != nullptr, "rt_attention_softmax_fwd", "null pointer");
  RT_LAUNCH(attention_softmax_fwd_kernel, rt_grid(rows, RT_ROWS_PER_BLOCK), RT_RED_BLOCK, 0, stream, p, lse, key_mask,
            b, h, n, s, scale, causal, (unsigned long long)drop_key, (long long)drop_threshold, drop_scale);
  RT_LAUNCHED("rt_attention_softmax_fwd");
  return 0;
}

extern "C" int rt_attention_softmax_bwd(void* stream, float* ds, const float* scores, const float* lse,
                                        const uint8_t* key_mask, int64_t b, int64_t h, int64_t n, int64_t s,
                                        float scale, int causal, int64_t drop_key, int64_t drop_threshold,
                                        float drop_scale, int version) {
  RT_REQUIRE(b >= 0 && h >= 0 && n >= 0 && s >= 0 && drop_threshold >= 0 && version >= 0 && version <= 1,
             "rt_attention_softmax_bwd", "bad arguments");
  int64_t rows = b * h * n;
  if (rows == 0) return 0;
  RT_REQUIRE(ds != nullptr && scores != nullptr && lse != nullptr, "rt_attention_softmax_bwd", "null pointer");
  RT_LAUNCH(attention_softmax_bwd_kernel, rt_grid(rows, RT_ROWS_PER_BLOCK), RT_RED_BLOCK, 0, stream, ds, scores, lse,
            key_mask, b, h, n, s, scale, causal, (unsigned long long)drop_key, (long long)drop_threshold, drop_scale);
  RT_LAUNCHED("rt_attention_softmax_bwd");
  return 0;
}
