// flash_attention.cu - fused attention forward and backward, fp32, head dims 32/64/128, key padding
// mask and causal mask, online softmax: no (n, s) score matrix is ever stored.
// defines: rt_attention_fwd rt_attention_bwd rt_attention_fwd_bf16 rt_attention_bwd_bf16
// versions:
//   fwd 1  one thread per query row, q and the accumulator in registers, serial loop over keys
//   fwd 2  flash-style: one warp per query row, 4 rows per block, 32-key K/V tiles in shared
//          memory, lane = key for the scores, lane = feature for the accumulator; default
//   bwd 1  one thread per query row for dq, one thread per key row for dk/dv (recomputes
//          p = exp(scale q.k - lse) and D_i = dout_i . out_i)
//   bwd 2  dq: one warp per query row over K/V tiles in shared memory; dk/dv: one warp per key row
//          over 32-query Q/dO tiles in shared memory; default
//   fwd 3  tensor cores (WMMA, TF32), 64 queries per block: flash_attention_wmma.cu; not the default
//   fwd 4  the same with BF16 operands (fp32 accumulation); bwd 4 = bwd 3
//   fwd 5  version 3 with double-buffered K/V tiles (register staging, one barrier per tile); bwd 5 = bwd 3
//   fwd 6  version 4 with double-buffered K/V tiles; bwd 6 = bwd 3
//   bwd 3  FA2-style bookkeeping on bwd 2's kernels: D_i = rowsum(dO_i * O_i) computed once by a
//          pre-pass (bwd 2 recomputes it in every block for every 32-query tile), K/V and Q/dO tiles
//          padded to D + 1 floats per row (bwd 2's lane-per-row reads hit one bank 32 times); fp32,
//          CUDA cores; not the default
//   bwd 7  tensor cores (WMMA, TF32 operands, fp32 accumulation): bwd 3's pre-pass, then dk/dv over
//          64-key blocks and dq over 64-query blocks (flash_attention_bwd_wmma.cu); not the default
//   bwd 8  the same with BF16 operands; not the default (forward versions stop at 6)
// bf16 inputs (rt_attention_fwd_bf16 / rt_attention_bwd_bf16: q, k, v as bf16, everything else fp32):
// forward 4 and 6, backward 8 only (0 = 4 and 8), the versions whose operands are BF16 anyway: they
// store the bf16 elements into their operand tiles as read. Every other version is refused with status
// 1 naming it: a widening load would give the fp32 kernels bf16-rounded inputs at fp32 cost, no use.
// Semantics: include/revtaf_kernels.h (query with no visible key: out 0, lse -inf, no gradient).
#include "../common/rt_check.cuh"
#include "../common/rt_warp.cuh"
#include "att_common.cuh"

#define RT_ATT_WARPS 4
#define RT_ATT_TILE 32

// ---- version 1 ---------------------------------------------------------------------------------------
// out: (b,h,n,D); lse: (b,h,n); q: (b,h,n,D); k, v: (b,h,s,D); key_mask: (b,s)
template <int D>
__global__ void attention_fwd_kernel1(float* out, float* lse, const float* q, const float* k, const float* v,
                                      const uint8_t* km, int64_t bh_count, AttDims a) {
  int64_t row = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;  // over (b*h, n)
  if (row >= bh_count * a.n) return;
  int64_t bh = row / a.n, i = row % a.n, bi = bh / a.h;
  const float* qi = q + row * D;
  const float* kb = k + bh * a.s * D;
  const float* vb = v + bh * a.s * D;
  float acc[D];
  for (int e = 0; e < D; e++) acc[e] = 0.0f;
  float m = -INFINITY, l = 0.0f;
  for (int64_t j = 0; j < a.s; j++) {
    if (!att_visible(km, bi, a, i, j)) continue;
    float sc = 0.0f;
    for (int e = 0; e < D; e++) sc += qi[e] * kb[j * D + e];
    sc *= a.scale;
    float mn = fmaxf(m, sc);
    float corr = __expf(m - mn), pj = __expf(sc - mn);  // m = -inf: corr = 0, acc and l are 0 anyway
    l = l * corr + pj;
    for (int e = 0; e < D; e++) acc[e] = acc[e] * corr + pj * vb[j * D + e];
    m = mn;
  }
  float inv = l > 0.0f ? 1.0f / l : 0.0f;
  for (int e = 0; e < D; e++) out[row * D + e] = acc[e] * inv;
  lse[row] = l > 0.0f ? m + __logf(l) : -INFINITY;
}

// dq (b,h,n,D): thread per query row
template <int D>
__global__ void attention_bwd_dq_kernel1(float* dq, const float* dout, const float* out, const float* lse,
                                         const float* q, const float* k, const float* v, const uint8_t* km,
                                         int64_t bh_count, AttDims a) {
  int64_t row = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= bh_count * a.n) return;
  int64_t bh = row / a.n, i = row % a.n, bi = bh / a.h;
  const float *qi = q + row * D, *doi = dout + row * D, *oi = out + row * D;
  const float* kb = k + bh * a.s * D;
  const float* vb = v + bh * a.s * D;
  float acc[D];
  float Di = 0.0f;
  for (int e = 0; e < D; e++) {
    acc[e] = 0.0f;
    Di += doi[e] * oi[e];
  }
  float L = lse[row];
  if (L != -INFINITY) {
    for (int64_t j = 0; j < a.s; j++) {
      if (!att_visible(km, bi, a, i, j)) continue;
      float sc = 0.0f, dp = 0.0f;
      for (int e = 0; e < D; e++) {
        sc += qi[e] * kb[j * D + e];
        dp += doi[e] * vb[j * D + e];
      }
      float p = __expf(sc * a.scale - L);
      float ds = p * (dp - Di) * a.scale;
      for (int e = 0; e < D; e++) acc[e] += ds * kb[j * D + e];
    }
  }
  for (int e = 0; e < D; e++) dq[row * D + e] = acc[e];
}

// dk, dv (b,h,s,D): thread per key row
template <int D>
__global__ void attention_bwd_dkdv_kernel1(float* dk, float* dv, const float* dout, const float* out, const float* lse,
                                           const float* q, const float* k, const float* v, const uint8_t* km,
                                           int64_t bh_count, AttDims a) {
  int64_t krow = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (krow >= bh_count * a.s) return;
  int64_t bh = krow / a.s, j = krow % a.s, bi = bh / a.h;
  const float *kj = k + krow * D, *vj = v + krow * D;
  float ak[D], av[D];
  for (int e = 0; e < D; e++) ak[e] = av[e] = 0.0f;
  for (int64_t i = 0; i < a.n; i++) {
    if (!att_visible(km, bi, a, i, j)) continue;
    int64_t row = bh * a.n + i;
    float L = lse[row];
    if (L == -INFINITY) continue;
    const float *qi = q + row * D, *doi = dout + row * D, *oi = out + row * D;
    float sc = 0.0f, dp = 0.0f, Di = 0.0f;
    for (int e = 0; e < D; e++) {
      sc += qi[e] * kj[e];
      dp += doi[e] * vj[e];
      Di += doi[e] * oi[e];
    }
    float p = __expf(sc * a.scale - L);
    float ds = p * (dp - Di) * a.scale;
    for (int e = 0; e < D; e++) {
      av[e] += p * doi[e];
      ak[e] += ds * qi[e];
    }
  }
  for (int e = 0; e < D; e++) {
    dk[krow * D + e] = ak[e];
    dv[krow * D + e] = av[e];
  }
}

// ---- version 2 ---------------------------------------------------------------------------------------
// Block: 4 warps = 4 query rows of one (b,h); every warp walks the same key tiles (block-uniform
// barriers; rows past n are inactive but still take part). Shared: K, V tiles (32 x D) + p (4 x 32).
template <int D>
__global__ void __launch_bounds__(32 * RT_ATT_WARPS)
    attention_fwd_kernel2(float* out, float* lse, const float* q, const float* k, const float* v, const uint8_t* km,
                          AttDims a) {
  constexpr int PER = D / 32;  // features per lane
  EXTERN_SHARED(float, sm);
  float* ks = sm;                        // (32, D)
  float* vs = ks + RT_ATT_TILE * D;      // (32, D)
  float* ps = vs + RT_ATT_TILE * D;      // (4, 32)
  float* qs = ps + RT_ATT_WARPS * 32;    // (4, D)
  int w = threadIdx.x / 32, lane = threadIdx.x % 32;
  int64_t bh = blockIdx.y, bi = bh / a.h;
  int64_t i0 = (int64_t)blockIdx.x * RT_ATT_WARPS, i = i0 + w;
  bool active = i < a.n;
  const float* kb = k + bh * a.s * D;
  const float* vb = v + bh * a.s * D;
  for (int e = lane; e < D; e += 32) qs[w * D + e] = active ? q[(bh * a.n + i) * D + e] : 0.0f;
  float acc[PER];
#pragma unroll
  for (int t = 0; t < PER; t++) acc[t] = 0.0f;
  float m = -INFINITY, l = 0.0f;
  int64_t last = att_key_end(a, i0 + RT_ATT_WARPS < a.n ? i0 + RT_ATT_WARPS : a.n);  // causal: later keys unseen
  for (int64_t j0 = 0; j0 < last; j0 += RT_ATT_TILE) {
    __syncthreads();  // previous tile fully consumed
    for (int e = threadIdx.x; e < RT_ATT_TILE * D; e += blockDim.x) {
      int64_t j = j0 + e / D;
      ks[e] = j < a.s ? kb[j0 * D + e] : 0.0f;
      vs[e] = j < a.s ? vb[j0 * D + e] : 0.0f;
    }
    __syncthreads();
    int64_t j = j0 + lane;
    bool vis = active && j < a.s && att_visible(km, bi, a, i, j);
    float sc = -INFINITY;
    if (vis) {
      float dot = 0.0f;
#pragma unroll 8
      for (int e = 0; e < D; e++) dot += qs[w * D + e] * ks[lane * D + e];
      sc = dot * a.scale;
    }
    float mn = fmaxf(m, warp_max(sc));
    float pj = mn == -INFINITY ? 0.0f : __expf(sc - mn);
    float corr = mn == -INFINITY ? 1.0f : __expf(m - mn);
    l = l * corr + warp_sum(pj);
    ps[w * 32 + lane] = pj;
    __syncwarp();
#pragma unroll
    for (int t = 0; t < PER; t++) {
      float x = acc[t] * corr;
      for (int jj = 0; jj < RT_ATT_TILE; jj++) x += ps[w * 32 + jj] * vs[jj * D + t * 32 + lane];
      acc[t] = x;
    }
    __syncwarp();  // ps is rewritten by the next tile
    m = mn;
  }
  if (active) {
    float inv = l > 0.0f ? 1.0f / l : 0.0f;
#pragma unroll
    for (int t = 0; t < PER; t++) out[(bh * a.n + i) * D + t * 32 + lane] = acc[t] * inv;
    if (lane == 0) lse[bh * a.n + i] = l > 0.0f ? m + __logf(l) : -INFINITY;
  }
}

// dq: warp per query row over K/V tiles. Shared: K, V tiles + q, dout rows (4 x D each) + ds (4 x 32).
// V3 (backward version 3): D_i = rowsum(dO_i * O_i) read from dpre (computed once by
// attention_bwd_rowsum3) and K/V tile rows padded to D + 1 floats, so the lane-per-key reads
// ks[lane * LD + e] fall in 32 different banks (with LD = D they all hit one bank).
template <int D, bool V3>
__global__ void __launch_bounds__(32 * RT_ATT_WARPS)
    attention_bwd_dq_kernel2(float* dq, const float* dout, const float* out, const float* lse, const float* q,
                             const float* k, const float* v, const uint8_t* km, AttDims a, const float* dpre) {
  constexpr int PER = D / 32, LD = V3 ? D + 1 : D;
  EXTERN_SHARED(float, sm);
  float* ks = sm;
  float* vs = ks + RT_ATT_TILE * LD;
  float* qs = vs + RT_ATT_TILE * LD;
  float* dos = qs + RT_ATT_WARPS * D;
  float* dss = dos + RT_ATT_WARPS * D;
  int w = threadIdx.x / 32, lane = threadIdx.x % 32;
  int64_t bh = blockIdx.y, bi = bh / a.h;
  int64_t i0 = (int64_t)blockIdx.x * RT_ATT_WARPS, i = i0 + w, row = bh * a.n + i;
  bool active = i < a.n;
  float L = active ? lse[row] : -INFINITY;
  active = active && L != -INFINITY;
  float Di = 0.0f;
  for (int e = lane; e < D; e += 32) {
    float qv = active ? q[row * D + e] : 0.0f, dov = active ? dout[row * D + e] : 0.0f;
    qs[w * D + e] = qv;
    dos[w * D + e] = dov;
    if (!V3) Di += active ? dov * out[row * D + e] : 0.0f;
  }
  Di = V3 ? (active ? dpre[row] : 0.0f) : warp_sum(Di);
  float acc[PER];
#pragma unroll
  for (int t = 0; t < PER; t++) acc[t] = 0.0f;
  int64_t last = att_key_end(a, i0 + RT_ATT_WARPS < a.n ? i0 + RT_ATT_WARPS : a.n);
  const float* kb = k + bh * a.s * D;
  const float* vb = v + bh * a.s * D;
  for (int64_t j0 = 0; j0 < last; j0 += RT_ATT_TILE) {
    __syncthreads();
    for (int e = threadIdx.x; e < RT_ATT_TILE * D; e += blockDim.x) {
      int64_t j = j0 + e / D;
      int at = e / D * LD + e % D;
      ks[at] = j < a.s ? kb[j0 * D + e] : 0.0f;
      vs[at] = j < a.s ? vb[j0 * D + e] : 0.0f;
    }
    __syncthreads();
    int64_t j = j0 + lane;
    float ds = 0.0f;
    if (active && j < a.s && att_visible(km, bi, a, i, j)) {
      float sc = 0.0f, dp = 0.0f;
#pragma unroll 8
      for (int e = 0; e < D; e++) {
        sc += qs[w * D + e] * ks[lane * LD + e];
        dp += dos[w * D + e] * vs[lane * LD + e];
      }
      float p = __expf(sc * a.scale - L);
      ds = p * (dp - Di) * a.scale;
    }
    dss[w * 32 + lane] = ds;
    __syncwarp();
#pragma unroll
    for (int t = 0; t < PER; t++) {
      float x = acc[t];
      for (int jj = 0; jj < RT_ATT_TILE; jj++) x += dss[w * 32 + jj] * ks[jj * LD + t * 32 + lane];
      acc[t] = x;
    }
    __syncwarp();
  }
  if (i < a.n) {
#pragma unroll
    for (int t = 0; t < PER; t++) dq[row * D + t * 32 + lane] = acc[t];
  }
}

// dk, dv: warp per key row over 32-query tiles. Shared: Q, dO tiles (32 x D), lse and D_i of the
// tile (32 each), per-warp k, v rows (4 x D each), per-warp p and ds (4 x 32 each). V3: D_i from
// dpre instead of recomputed per tile (each block used to redo it for every query tile), Q / dO
// rows padded to D + 1 (lane-per-query reads without bank conflicts)
template <int D, bool V3>
__global__ void __launch_bounds__(32 * RT_ATT_WARPS)
    attention_bwd_dkdv_kernel2(float* dk, float* dv, const float* dout, const float* out, const float* lse,
                               const float* q, const float* k, const float* v, const uint8_t* km, AttDims a,
                               const float* dpre) {
  constexpr int PER = D / 32, LD = V3 ? D + 1 : D;
  EXTERN_SHARED(float, sm);
  float* qs = sm;
  float* dos = qs + RT_ATT_TILE * LD;
  float* ls = dos + RT_ATT_TILE * LD;
  float* dis = ls + RT_ATT_TILE;
  float* kr = dis + RT_ATT_TILE;
  float* vr = kr + RT_ATT_WARPS * D;
  float* pw = vr + RT_ATT_WARPS * D;
  float* dw = pw + RT_ATT_WARPS * 32;
  int w = threadIdx.x / 32, lane = threadIdx.x % 32;
  int64_t bh = blockIdx.y, bi = bh / a.h;
  int64_t j0 = (int64_t)blockIdx.x * RT_ATT_WARPS, j = j0 + w, krow = bh * a.s + j;
  bool active = j < a.s && (km == nullptr || km[bi * a.s + j] != 0);
  for (int e = lane; e < D; e += 32) {
    kr[w * D + e] = active ? k[krow * D + e] : 0.0f;
    vr[w * D + e] = active ? v[krow * D + e] : 0.0f;
  }
  float ak[PER], av[PER];
#pragma unroll
  for (int t = 0; t < PER; t++) ak[t] = av[t] = 0.0f;
  int64_t first = a.causal ? j0 - (a.s - a.n) : 0;  // earlier queries see none of the block's keys
  if (first < 0) first = 0;
  first = first / RT_ATT_TILE * RT_ATT_TILE;
  const float* qb = q + bh * a.n * D;
  const float* dob = dout + bh * a.n * D;
  const float* ob = out + bh * a.n * D;
  for (int64_t i0 = first; i0 < a.n; i0 += RT_ATT_TILE) {
    __syncthreads();
    for (int e = threadIdx.x; e < RT_ATT_TILE * D; e += blockDim.x) {
      int64_t ii = i0 + e / D;
      int at = e / D * LD + e % D;
      qs[at] = ii < a.n ? qb[i0 * D + e] : 0.0f;
      dos[at] = ii < a.n ? dob[i0 * D + e] : 0.0f;
    }
    for (int r = w; r < RT_ATT_TILE; r += RT_ATT_WARPS) {  // D_i of the tile rows, one warp per row
      int64_t ii = i0 + r;
      float di = 0.0f;
      if (V3) {
        di = ii < a.n ? dpre[bh * a.n + ii] : 0.0f;
      } else {
        for (int e = lane; e < D; e += 32) di += ii < a.n ? dob[ii * D + e] * ob[ii * D + e] : 0.0f;
        di = warp_sum(di);
      }
      if (lane == 0) {
        dis[r] = di;
        ls[r] = ii < a.n ? lse[bh * a.n + ii] : -INFINITY;
      }
    }
    __syncthreads();
    int64_t ii = i0 + lane;
    float p = 0.0f, ds = 0.0f;
    if (active && ii < a.n && ls[lane] != -INFINITY && att_visible(km, bi, a, ii, j)) {
      float sc = 0.0f, dp = 0.0f;
#pragma unroll 8
      for (int e = 0; e < D; e++) {
        sc += qs[lane * LD + e] * kr[w * D + e];
        dp += dos[lane * LD + e] * vr[w * D + e];
      }
      p = __expf(sc * a.scale - ls[lane]);
      ds = p * (dp - dis[lane]) * a.scale;
    }
    pw[w * 32 + lane] = p;
    dw[w * 32 + lane] = ds;
    __syncwarp();
#pragma unroll
    for (int t = 0; t < PER; t++) {
      float xa = av[t], xk = ak[t];
      for (int r = 0; r < RT_ATT_TILE; r++) {
        xa += pw[w * 32 + r] * dos[r * LD + t * 32 + lane];
        xk += dw[w * 32 + r] * qs[r * LD + t * 32 + lane];
      }
      av[t] = xa;
      ak[t] = xk;
    }
    __syncwarp();
  }
  if (j < a.s) {
#pragma unroll
    for (int t = 0; t < PER; t++) {
      dk[krow * D + t * 32 + lane] = ak[t];
      dv[krow * D + t * 32 + lane] = av[t];
    }
  }
}

// backward version 3's pre-pass: dpre[row] = rowsum(dO_row * O_row), warp per row (rows = bh * n)
template <int D>
__global__ void attention_bwd_rowsum3(float* dpre, const float* dout, const float* out, int64_t rows) {
  int64_t row = (int64_t)blockIdx.x * RT_ATT_WARPS + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (row >= rows) return;
  float di = warp_dot(dout + row * D, out + row * D, D);
  if (lane == 0) dpre[row] = di;
}

// ---- launchers ---------------------------------------------------------------------------------------
#define RT_ATT_SIZES(op)                                                                              \
  RT_REQUIRE(b >= 0 && h >= 0 && n >= 0 && s >= 0, op, "negative size");                              \
  RT_REQUIRE(d == 32 || d == 64 || d == 128, op, "head dim d must be 32, 64 or 128")
#define RT_ATT_GRID(op)                                                                               \
  RT_REQUIRE(b * h <= 65535, op, "b*h must be <= 65535");                                             \
  RT_REQUIRE(RT_CEIL_DIV(b * h * (n > s ? n : s), 64) < ((int64_t)1 << 31), op, "too many rows")
#define RT_ATT_CHECKS(op, max_version)                                                                \
  RT_ATT_SIZES(op);                                                                                   \
  RT_REQUIRE(version >= 0 && version <= (max_version), op,                                            \
             (max_version) == 6 ? "unknown version (0 to 6)" : "unknown version (0 to 8)");             \
  RT_ATT_GRID(op);                                                                                    \
  if (version == 0) version = 2

template <int D>
static size_t att_fwd_smem() {
  return (size_t)(2 * RT_ATT_TILE * D + RT_ATT_WARPS * 32 + RT_ATT_WARPS * D) * sizeof(float);
}
template <int D, bool V3>
static size_t att_dq_smem() {
  return (size_t)(2 * RT_ATT_TILE * (V3 ? D + 1 : D) + 2 * RT_ATT_WARPS * D + RT_ATT_WARPS * 32) * sizeof(float);
}
template <int D, bool V3>
static size_t att_dkdv_smem() {
  return (size_t)(2 * RT_ATT_TILE * (V3 ? D + 1 : D) + 2 * RT_ATT_TILE + 2 * RT_ATT_WARPS * D + 2 * RT_ATT_WARPS * 32) *
         sizeof(float);
}

template <int D>
static void att_fwd(int version, void* stream, float* out, float* lse, const float* q, const float* k, const float* v,
                    const uint8_t* km, int64_t bh, AttDims a) {
  if (version == 1) {
    RT_LAUNCH(attention_fwd_kernel1<D>, (unsigned)RT_CEIL_DIV(bh * a.n, 64), 64, 0, stream, out, lse, q, k, v, km, bh,
              a);
  } else {
    dim3 grid((unsigned)RT_CEIL_DIV(a.n, RT_ATT_WARPS), (unsigned)bh);
    RT_LAUNCH(attention_fwd_kernel2<D>, grid, 32 * RT_ATT_WARPS, att_fwd_smem<D>(), stream, out, lse, q, k, v, km, a);
  }
}

template <int D>
static cudaError_t att_bwd(int version, void* stream, float* dq, float* dk, float* dv, const float* dout,
                           const float* out, const float* lse, const float* q, const float* k, const float* v,
                           const uint8_t* km, int64_t bh, AttDims a) {
  if (version == 1) {
    RT_LAUNCH(attention_bwd_dq_kernel1<D>, (unsigned)RT_CEIL_DIV(bh * a.n, 64), 64, 0, stream, dq, dout, out, lse, q,
              k, v, km, bh, a);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return e;
    RT_LAUNCH(attention_bwd_dkdv_kernel1<D>, (unsigned)RT_CEIL_DIV(bh * a.s, 64), 64, 0, stream, dk, dv, dout, out,
              lse, q, k, v, km, bh, a);
  } else if (version == 2) {
    RT_LAUNCH((attention_bwd_dq_kernel2<D, false>), dim3((unsigned)RT_CEIL_DIV(a.n, RT_ATT_WARPS), (unsigned)bh),
              32 * RT_ATT_WARPS, (att_dq_smem<D, false>()), stream, dq, dout, out, lse, q, k, v, km, a, nullptr);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return e;
    RT_LAUNCH((attention_bwd_dkdv_kernel2<D, false>), dim3((unsigned)RT_CEIL_DIV(a.s, RT_ATT_WARPS), (unsigned)bh),
              32 * RT_ATT_WARPS, (att_dkdv_smem<D, false>()), stream, dk, dv, dout, out, lse, q, k, v, km, a, nullptr);
  } else {  // 3, 7, 8: rowsum(dO * O) once, then the padded fp32 kernels (3) or the tensor-core ones
    cudaStream_t st = (cudaStream_t)stream;
    float* dpre = nullptr;
    cudaError_t e = cudaMallocAsync((void**)&dpre, (size_t)(bh * a.n) * sizeof(float), st);
    if (e != cudaSuccess) return e;
    RT_LAUNCH(attention_bwd_rowsum3<D>, (unsigned)RT_CEIL_DIV(bh * a.n, RT_ATT_WARPS), 32 * RT_ATT_WARPS, 0, stream,
              dpre, dout, out, bh * a.n);
    e = cudaGetLastError();
    if (e == cudaSuccess && version >= 7) {
      e = att_bwd_wmma(D, version == 8, stream, dq, dk, dv, dout, lse, dpre, q, k, v, km, bh, a);
      cudaFreeAsync(dpre, st);
      return e;
    }
    if (e == cudaSuccess) {
      RT_LAUNCH((attention_bwd_dq_kernel2<D, true>), dim3((unsigned)RT_CEIL_DIV(a.n, RT_ATT_WARPS), (unsigned)bh),
                32 * RT_ATT_WARPS, (att_dq_smem<D, true>()), stream, dq, dout, out, lse, q, k, v, km, a, dpre);
      e = cudaGetLastError();
    }
    if (e == cudaSuccess) {
      RT_LAUNCH((attention_bwd_dkdv_kernel2<D, true>), dim3((unsigned)RT_CEIL_DIV(a.s, RT_ATT_WARPS), (unsigned)bh),
                32 * RT_ATT_WARPS, (att_dkdv_smem<D, true>()), stream, dk, dv, dout, out, lse, q, k, v, km, a, dpre);
      e = cudaGetLastError();
    }
    cudaFreeAsync(dpre, st);
    return e;
  }
  return cudaGetLastError();
}

extern "C" int rt_attention_fwd(void* stream, float* out, float* lse, const float* q, const float* k, const float* v,
                                const uint8_t* key_mask, int64_t b, int64_t h, int64_t n, int64_t s, int64_t d,
                                float scale, int causal, int version) {
  RT_ATT_CHECKS("rt_attention_fwd", 6);
  if (b * h * n == 0) return 0;
  RT_REQUIRE(out && lse && q && (s == 0 || (k && v)), "rt_attention_fwd", "null pointer");
  AttDims a{h, n, s, scale, causal};
  if (version >= 3) {
    cudaError_t e = att_fwd_wmma(d, version == 4 || version == 6, version >= 5, stream, out, lse, q, k, v, key_mask,
                                 b * h, a);
    if (e != cudaSuccess) return ::rt::launch_failed(e, "rt_attention_fwd", __FILE__, __LINE__);
    return 0;
  }
  if (d == 32) att_fwd<32>(version, stream, out, lse, q, k, v, key_mask, b * h, a);
  else if (d == 64) att_fwd<64>(version, stream, out, lse, q, k, v, key_mask, b * h, a);
  else att_fwd<128>(version, stream, out, lse, q, k, v, key_mask, b * h, a);
  RT_LAUNCHED("rt_attention_fwd");
  return 0;
}

extern "C" int rt_attention_bwd(void* stream, float* dq, float* dk, float* dv, const float* dout, const float* out,
                                const float* lse, const float* q, const float* k, const float* v,
                                const uint8_t* key_mask, int64_t b, int64_t h, int64_t n, int64_t s, int64_t d,
                                float scale, int causal, int version) {
  RT_ATT_CHECKS("rt_attention_bwd", 8);
  if (b * h * (n + s) == 0) return 0;
  RT_REQUIRE(dq && dk && dv && dout && out && lse && q && k && v, "rt_attention_bwd", "null pointer");
  AttDims a{h, n, s, scale, causal};
  if (version >= 4 && version <= 6) version = 3;  // the backward of the forwards 4 (BF16), 5, 6 (dbuf): 3's
  cudaError_t e;
  if (d == 32) e = att_bwd<32>(version, stream, dq, dk, dv, dout, out, lse, q, k, v, key_mask, b * h, a);
  else if (d == 64) e = att_bwd<64>(version, stream, dq, dk, dv, dout, out, lse, q, k, v, key_mask, b * h, a);
  else e = att_bwd<128>(version, stream, dq, dk, dv, dout, out, lse, q, k, v, key_mask, b * h, a);
  if (e != cudaSuccess) return ::rt::launch_failed(e, "rt_attention_bwd", __FILE__, __LINE__);
  return 0;
}

// ---- bf16 inputs -------------------------------------------------------------------------------------
// status 1 for a version that does not read bf16 q, k, v, naming it and the ones that do
static int att_bf16_refused(const char* op, int version, const char* which) {
  char msg[256];
  snprintf(msg, sizeof msg, "version %d does not read bf16 q, k, v (%s); the other versions take fp32 inputs", version,
           which);
  return RT_FAIL(1, op, msg);
}

extern "C" int rt_attention_fwd_bf16(void* stream, float* out, float* lse, const uint16_t* q, const uint16_t* k,
                                     const uint16_t* v, const uint8_t* key_mask, int64_t b, int64_t h, int64_t n,
                                     int64_t s, int64_t d, float scale, int causal, int version) {
  const char* op = "rt_attention_fwd_bf16";
  RT_ATT_SIZES(op);
  if (version == 0) version = 4;
  if (version != 4 && version != 6) return att_bf16_refused(op, version, "bf16 inputs: forward versions 4, 6; 0 = 4");
  RT_ATT_GRID(op);
  if (b * h * n == 0) return 0;
  RT_REQUIRE(out && lse && q && (s == 0 || (k && v)), op, "null pointer");
  AttDims a{h, n, s, scale, causal};
  cudaError_t e = att_fwd_wmma(d, version == 6, stream, out, lse, (const __nv_bfloat16*)q, (const __nv_bfloat16*)k,
                               (const __nv_bfloat16*)v, key_mask, b * h, a);
  if (e != cudaSuccess) return ::rt::launch_failed(e, op, __FILE__, __LINE__);
  return 0;
}

// version 8 on bf16 q, k, v: version 3's fp32 pre-pass D_i = rowsum(dout * out), then the BF16 kernels
template <int D>
static cudaError_t att_bwd8_bf16(void* stream, float* dq, float* dk, float* dv, const float* dout, const float* out,
                                 const float* lse, const __nv_bfloat16* q, const __nv_bfloat16* k,
                                 const __nv_bfloat16* v, const uint8_t* km, int64_t bh, AttDims a) {
  cudaStream_t st = (cudaStream_t)stream;
  float* dpre = nullptr;
  cudaError_t e = cudaMallocAsync((void**)&dpre, (size_t)(bh * a.n > 0 ? bh * a.n : 1) * sizeof(float), st);
  if (e != cudaSuccess) return e;
  if (a.n > 0) {
    RT_LAUNCH(attention_bwd_rowsum3<D>, (unsigned)RT_CEIL_DIV(bh * a.n, RT_ATT_WARPS), 32 * RT_ATT_WARPS, 0, stream,
              dpre, dout, out, bh * a.n);
  }
  e = cudaGetLastError();
  if (e == cudaSuccess) e = att_bwd_wmma(D, stream, dq, dk, dv, dout, lse, dpre, q, k, v, km, bh, a);
  cudaFreeAsync(dpre, st);
  return e;
}

extern "C" int rt_attention_bwd_bf16(void* stream, float* dq, float* dk, float* dv, const float* dout,
                                     const float* out, const float* lse, const uint16_t* q, const uint16_t* k,
                                     const uint16_t* v, const uint8_t* key_mask, int64_t b, int64_t h, int64_t n,
                                     int64_t s, int64_t d, float scale, int causal, int version) {
  const char* op = "rt_attention_bwd_bf16";
  RT_ATT_SIZES(op);
  if (version == 0) version = 8;
  if (version != 8) return att_bf16_refused(op, version, "bf16 inputs: backward version 8; 0 = 8");
  RT_ATT_GRID(op);
  if (b * h * (n + s) == 0) return 0;
  RT_REQUIRE(dq && dk && dv && dout && out && lse && q && k && v, op, "null pointer");
  AttDims a{h, n, s, scale, causal};
  auto q2 = (const __nv_bfloat16*)q;
  auto k2 = (const __nv_bfloat16*)k;
  auto v2 = (const __nv_bfloat16*)v;
  cudaError_t e;
  if (d == 32) e = att_bwd8_bf16<32>(stream, dq, dk, dv, dout, out, lse, q2, k2, v2, key_mask, b * h, a);
  else if (d == 64) e = att_bwd8_bf16<64>(stream, dq, dk, dv, dout, out, lse, q2, k2, v2, key_mask, b * h, a);
  else e = att_bwd8_bf16<128>(stream, dq, dk, dv, dout, out, lse, q2, k2, v2, key_mask, b * h, a);
  if (e != cudaSuccess) return ::rt::launch_failed(e, op, __FILE__, __LINE__);
  return 0;
}
