// flash_attention_wmma.cu - attention forward versions 3 to 6: FlashAttention-2 structure on tensor
// cores through WMMA, fp32 accumulation and softmax; version 3 rounds the fp32 inputs to TF32
// operands (m16n16k8, 10-bit mantissa: about 1e-3 relative error), version 4 to BF16 operands
// (m16n16k16, 7-bit mantissa: about 1e-2; half the shared memory and twice the TF32 peak);
// versions 5 (TF32) and 6 (BF16) are 3 and 4 with double-buffered K/V tiles (DBUF below).
// Semantics as rt_attention_fwd (include/revtaf_kernels.h). Not the default: no GPU has timed them.
// Input type T: fp32 (rt_attention_fwd: every version rounds on load) or, for the BF16 versions 4 and
// 6 only, bf16 (rt_attention_fwd_bf16): K and V go to shared memory as read (half the global bytes,
// no conversion), Q is widened, scaled in fp32 and rounded again (as version 4 does with fp32 q).
// Per block: 64 queries of one (batch, head), 4 warps of 16 query rows each; the Q tile (pre-scaled)
// stays in shared memory; 32-key K/V tiles are staged in shared memory with rows padded by 4 floats
// (row stride D + 4: consecutive rows start 4 banks apart, so the fragment loads of 8 rows do not
// collide); per warp and tile: S = Q K^T (16 x 32) on tensor cores into a per-warp scratch, the
// online softmax over it in fp32 (one lane per key, one row at a time), O (16 x D, accumulator
// fragments in registers) rescaled row-wise and O += P V on tensor cores. The row of each
// accumulator element is found once by loading a tile of row numbers into an accumulator fragment
// (every accumulator fragment of one type has the same element layout), so the rescale needs no
// knowledge of the opaque layout. Versions 3, 4: plain loads, two barriers per K/V tile (the tile is
// loaded, then computed on). Versions 5, 6 (DBUF): two K/V buffers and register staging, one barrier
// per tile: on tile t (buffer t % 2) each thread issues the global loads of its share of K of tile
// t + 1 into registers before S = Q K^T, stores them (converted) into the other buffer after it, then
// issues the loads of V of tile t + 1 into the same registers before the softmax and O += P V and
// stores them after. The loads are in flight during the compute without cp.async (not emulated); the
// other buffer was last read in tile t - 1, which the previous barrier closed. SPLIT (D = 32, 128): K
// and V of tile t + 1 take the same D / 4 staging registers in turn; D = 64: both are loaded at the
// start of tile t (2 * D / 4 registers). The other choices spill a few bytes on sm_80 or sm_90
// (ptxas -v, nvcc 13); these do not. Costs a second K/V buffer in shared memory (D = 128, TF32:
// 151 KiB per block in all; sm_80 allows 163).
// defines: (internal) att_fwd_wmma
#include "../common/rt_warp.cuh"
#include "att_common.cuh"

#define RT_AW_WARPS 4
#define RT_AW_BQ (16 * RT_AW_WARPS)  // queries per block
#define RT_AW_BK 32                  // keys per tile
#define RT_AW_SLD (RT_AW_BK + 4)     // row stride of the fp32 score scratch

template <int D, bool BF16, bool DBUF>
struct AwSmem {  // dynamic shared memory layout in bytes (every part starts 32-byte aligned)
  using S = typename AwOp<BF16>::S;
  static constexpr int LD = D + AwOp<BF16>::PAD;                       // row stride of Q, K, V, P (elements)
  static constexpr int NB = DBUF ? 2 : 1;                              // K/V buffers
  static constexpr int Q = 0;                                          // (BQ, LD) S: q * scale
  static constexpr int K = Q + RT_AW_BQ * LD * (int)sizeof(S);         // NB x (BK, LD) S
  static constexpr int V = K + NB * RT_AW_BK * LD * (int)sizeof(S);    // NB x (BK, LD) S
  static constexpr int P = V + NB * RT_AW_BK * LD * (int)sizeof(S);    // per warp (16, PLD) S: probabilities
  static constexpr int PLD = RT_AW_BK + AwOp<BF16>::PAD;
  static constexpr int SC = P + RT_AW_WARPS * 16 * PLD * (int)sizeof(S);  // per warp (16, SLD) float: scores
  static constexpr int OUT = SC + RT_AW_WARPS * 16 * RT_AW_SLD * 4;       // per warp (16, D + 4) float: O at the end
  static constexpr int STAT = OUT + RT_AW_WARPS * 16 * (D + 4) * 4;       // per warp 16 x (m, l, corr) float
  static constexpr int TOTAL = STAT + RT_AW_WARPS * 48 * 4;
};

// versions 5, 6: this thread's share (PER elements) of the (BK, D) tile of K or V at key j0, read from
// global memory (x: (s, D)) into registers, rows past s = 0; the registers are first used by aw_stage.
// Element i of thread tid: row r0 + i * RS, feature c (D divides the block size: consecutive threads
// read consecutive features), so the addresses and bounds are one base plus constant offsets.
#define RT_AW_PER(D) (RT_AW_BK * (D) / (32 * RT_AW_WARPS))
template <int D, typename T>
__device__ __forceinline__ void aw_fetch(T (&st)[RT_AW_PER(D)], const T* x, int64_t j0, int64_t s, int tid) {
  constexpr int RS = 32 * RT_AW_WARPS / D;  // rows per step
  int r0 = tid / D;
  const T* p = x + (j0 + r0) * D + tid % D;
  int64_t left = s - j0 - r0;  // element i is a key iff i * RS < left
#pragma unroll
  for (int i = 0; i < RT_AW_PER(D); i++) st[i] = i * RS < left ? p[i * RS * D] : att_zero<T>();
}
// ... and into the (BK, LD) tile t in the operand format
template <int D, int LD, typename Op, typename S, typename T>
__device__ __forceinline__ void aw_stage(S* t, const T (&st)[RT_AW_PER(D)], int tid) {
  constexpr int RS = 32 * RT_AW_WARPS / D;
  S* p = t + (tid / D) * LD + tid % D;
#pragma unroll
  for (int i = 0; i < RT_AW_PER(D); i++) p[i * RS * LD] = Op::cvt(st[i]);
}

// out: (bh, n, D); lse: (bh, n); q: (bh, n, D); k, v: (bh, s, D) of T (float, or __nv_bfloat16 with BF16);
// km: (b, s)
template <int D, bool BF16, bool DBUF, typename T>
__global__ void __launch_bounds__(32 * RT_AW_WARPS)
    attention_fwd_kernel3(float* out, float* lse, const T* q, const T* k, const T* v, const uint8_t* km, AttDims a) {
  using namespace nvcuda;
  using L = AwSmem<D, BF16, DBUF>;
  using Op = AwOp<BF16>;
  using S = typename Op::S;
  constexpr int LD = L::LD, KS = Op::KS, OLD = D + 4;
  EXTERN_SHARED(unsigned char, sm);
  int tid = threadIdx.x, lane = tid % 32, w = tid / 32;
  int64_t bh = blockIdx.y, bi = bh / a.h, q0 = (int64_t)blockIdx.x * RT_AW_BQ;
  const T* qb = q + bh * a.n * D;
  const T* kb = k + bh * a.s * D;
  const T* vb = v + bh * a.s * D;
  S* Qs = (S*)(sm + L::Q);
  S* Ks = (S*)(sm + L::K);
  S* Vs = (S*)(sm + L::V);
  S* Pw = (S*)(sm + L::P) + w * 16 * L::PLD;            // this warp's probabilities
  float* Sw = (float*)(sm + L::SC) + w * 16 * RT_AW_SLD;  // this warp's scores
  float* Ow = (float*)(sm + L::OUT) + w * 16 * OLD;       // this warp's output rows
  float* mw = (float*)(sm + L::STAT) + w * 48;            // this warp's rows: m[16], l[16], corr[16]
  float* lw = mw + 16;
  float* cw = mw + 32;
  constexpr int TILE = RT_AW_BK * LD;                                         // elements of one K or V buffer
  int64_t kend = att_key_end(a, q0 + RT_AW_BQ < a.n ? q0 + RT_AW_BQ : a.n);  // block-uniform
  constexpr bool SPLIT = D != 64;                                            // DBUF: K and V in turn (no spills)
  [[maybe_unused]] T st[DBUF ? RT_AW_PER(D) : 1];                             // DBUF: K (SPLIT: or V) of tile + 1
  [[maybe_unused]] T sv[DBUF && !SPLIT ? RT_AW_PER(D) : 1];                   // DBUF, !SPLIT: V of tile + 1
  if constexpr (DBUF) {
    if (kend > 0) {  // tile 0 into buffer 0 (made visible by the Q barrier)
      aw_fetch<D>(st, kb, 0, a.s, tid);
      aw_stage<D, LD, Op>(Ks, st, tid);
      aw_fetch<D>(st, vb, 0, a.s, tid);
      aw_stage<D, LD, Op>(Vs, st, tid);
    }
  }

  for (int e = tid; e < RT_AW_BQ * D; e += blockDim.x) {  // Q tile, pre-scaled, rows past n = 0
    int r = e / D, c = e % D;
    float x = q0 + r < a.n ? att_ld(qb[(q0 + r) * D + c]) * a.scale : 0.0f;
    Qs[r * LD + c] = Op::cvt(x);
  }
  __syncthreads();  // Q complete
  if (lane < 16) {
    mw[lane] = -INFINITY;
    lw[lane] = 0.0f;
  }
  // row number of every accumulator element: a 16 x 16 tile of row indices through a fragment
  for (int e = lane; e < 16 * 16; e += 32) Sw[(e / 16) * RT_AW_SLD + e % 16] = (float)(e / 16);
  __syncwarp();
  wmma::fragment<wmma::accumulator, 16, 16, KS, float> rowid;
  wmma::load_matrix_sync(rowid, Sw, RT_AW_SLD, wmma::mem_row_major);
  wmma::fragment<wmma::accumulator, 16, 16, KS, float> o[D / 16];
#pragma unroll
  for (int c = 0; c < D / 16; c++) wmma::fill_fragment(o[c], 0.0f);
  wmma::fragment<wmma::matrix_a, 16, 16, KS, typename Op::Frag, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, KS, typename Op::Frag, wmma::col_major> fkt;
  wmma::fragment<wmma::matrix_b, 16, 16, KS, typename Op::Frag, wmma::row_major> fv;
  wmma::fragment<wmma::accumulator, 16, 16, KS, float> sacc;

  int buf = 0;                                       // DBUF: the buffer of this tile
  for (int64_t j0 = 0; j0 < kend; j0 += RT_AW_BK) {  // block-uniform trip count
    [[maybe_unused]] bool more = j0 + RT_AW_BK < kend;  // block-uniform
    if constexpr (DBUF) {
      if (more) {  // tile + 1: loads in flight during the compute
        aw_fetch<D>(st, kb, j0 + RT_AW_BK, a.s, tid);
        if constexpr (!SPLIT) aw_fetch<D>(sv, vb, j0 + RT_AW_BK, a.s, tid);
      }
    } else {
      __syncthreads();  // the previous tile is no longer read
      for (int e = tid; e < RT_AW_BK * D; e += blockDim.x) {
        int r = e / D, c = e % D;
        bool in = j0 + r < a.s;
        Ks[r * LD + c] = Op::cvt(in ? kb[(j0 + r) * D + c] : att_zero<T>());
        Vs[r * LD + c] = Op::cvt(in ? vb[(j0 + r) * D + c] : att_zero<T>());
      }
      __syncthreads();
    }
    const S* Kt = Ks + buf * TILE;  // this tile's K and V
    const S* Vt = Vs + buf * TILE;
    // S (16 x BK) = Q_w (16 x D) K^T: K rows are K^T columns (col-major matrix_b)
#pragma unroll
    for (int cb = 0; cb < RT_AW_BK / 16; cb++) {
      wmma::fill_fragment(sacc, 0.0f);
#pragma unroll 4
      for (int kk = 0; kk < D; kk += KS) {
        wmma::load_matrix_sync(fa, Qs + w * 16 * LD + kk, LD);
        wmma::load_matrix_sync(fkt, Kt + cb * 16 * LD + kk, LD);
        wmma::mma_sync(sacc, fa, fkt, sacc);
      }
      wmma::store_matrix_sync(Sw + cb * 16, sacc, RT_AW_SLD, wmma::mem_row_major);
    }
    if constexpr (DBUF) {
      if (more) {
        aw_stage<D, LD, Op>(Ks + (buf ^ 1) * TILE, st, tid);
        if constexpr (SPLIT) aw_fetch<D>(st, vb, j0 + RT_AW_BK, a.s, tid);  // V of tile + 1 in flight
      }
    }
    __syncwarp();
    // online softmax, one row at a time, lane = key; P in the operand format
    int64_t j = j0 + lane;
    for (int r = 0; r < 16; r++) {
      int64_t i = q0 + w * 16 + r;
      bool vis = i < a.n && j < a.s && att_visible(km, bi, a, i, j);
      float x = vis ? Sw[r * RT_AW_SLD + lane] : -INFINITY;
      float mold = mw[r], mnew = fmaxf(mold, warp_max(x));
      float p = vis ? __expf(x - mnew) : 0.0f;
      float corr = mnew == -INFINITY ? 1.0f : __expf(mold - mnew);  // exp(-inf) = 0 on the first visible key
      float rs = warp_sum(p);
      __syncwarp();  // every lane has read mw[r] before it changes
      Pw[r * L::PLD + lane] = Op::cvt(p);
      if (lane == 0) {
        mw[r] = mnew;
        lw[r] = lw[r] * corr + rs;
        cw[r] = corr;
      }
    }
    __syncwarp();
    // O = diag(corr) O + P V
#pragma unroll
    for (int c = 0; c < D / 16; c++) {
      for (int t = 0; t < o[c].num_elements; t++) o[c].x[t] *= cw[(int)rowid.x[t]];
#pragma unroll
      for (int kk = 0; kk < RT_AW_BK; kk += KS) {
        wmma::load_matrix_sync(fa, Pw + kk, L::PLD);
        wmma::load_matrix_sync(fv, Vt + kk * LD + c * 16, LD);
        wmma::mma_sync(o[c], fa, fv, o[c]);
      }
    }
    if constexpr (DBUF) {
      if (more) {
        if constexpr (SPLIT) aw_stage<D, LD, Op>(Vs + (buf ^ 1) * TILE, st, tid);
        else aw_stage<D, LD, Op>(Vs + (buf ^ 1) * TILE, sv, tid);
      }
      __syncthreads();  // tile + 1 complete; this tile's buffer is free for tile + 2
      buf ^= 1;
    }
  }
  // out = O / l through this warp's output rows; lse = m + log l (-inf: no visible key)
#pragma unroll
  for (int c = 0; c < D / 16; c++) wmma::store_matrix_sync(Ow + c * 16, o[c], OLD, wmma::mem_row_major);
  __syncwarp();
  for (int r = 0; r < 16; r++) {
    int64_t i = q0 + w * 16 + r;
    if (i >= a.n) break;  // warp-uniform
    float l = lw[r], inv = l > 0.0f ? 1.0f / l : 0.0f;
    for (int c = lane; c < D; c += 32) out[(bh * a.n + i) * D + c] = Ow[r * OLD + c] * inv;
    if (lane == 0) lse[bh * a.n + i] = l > 0.0f ? mw[r] + __logf(l) : -INFINITY;
  }
}

template <int D, bool BF16, bool DBUF, typename T>
static cudaError_t att_fwd3(void* stream, float* out, float* lse, const T* q, const T* k, const T* v, const uint8_t* km,
                            int64_t bh, AttDims a) {
  // D = 128, TF32: 118 KiB (DBUF: 151 KiB; sm_80 allows 163), over the 48 KB default (no static smem)
  size_t bytes = (size_t)AwSmem<D, BF16, DBUF>::TOTAL;
  cudaError_t e = cudaFuncSetAttribute(attention_fwd_kernel3<D, BF16, DBUF, T>,
                                       cudaFuncAttributeMaxDynamicSharedMemorySize, (int)bytes);
  if (e != cudaSuccess) return e;
  dim3 grid((unsigned)RT_CEIL_DIV(a.n, RT_AW_BQ), (unsigned)bh);
  RT_LAUNCH((attention_fwd_kernel3<D, BF16, DBUF, T>), grid, 32 * RT_AW_WARPS, bytes, stream, out, lse, q, k, v, km,
            a);
  return cudaGetLastError();
}

template <bool BF16, bool DBUF, typename T>
static cudaError_t att_fwd3_d(int64_t d, void* stream, float* out, float* lse, const T* q, const T* k, const T* v,
                              const uint8_t* km, int64_t bh, AttDims a) {
  if (d == 32) return att_fwd3<32, BF16, DBUF>(stream, out, lse, q, k, v, km, bh, a);
  if (d == 64) return att_fwd3<64, BF16, DBUF>(stream, out, lse, q, k, v, km, bh, a);
  return att_fwd3<128, BF16, DBUF>(stream, out, lse, q, k, v, km, bh, a);
}

cudaError_t att_fwd_wmma(int64_t d, bool bf16, bool dbuf, void* stream, float* out, float* lse, const float* q,
                         const float* k, const float* v, const uint8_t* km, int64_t bh, AttDims a) {
  if (bf16)
    return dbuf ? att_fwd3_d<true, true>(d, stream, out, lse, q, k, v, km, bh, a)
                : att_fwd3_d<true, false>(d, stream, out, lse, q, k, v, km, bh, a);
  return dbuf ? att_fwd3_d<false, true>(d, stream, out, lse, q, k, v, km, bh, a)
              : att_fwd3_d<false, false>(d, stream, out, lse, q, k, v, km, bh, a);
}

cudaError_t att_fwd_wmma(int64_t d, bool dbuf, void* stream, float* out, float* lse, const __nv_bfloat16* q,
                         const __nv_bfloat16* k, const __nv_bfloat16* v, const uint8_t* km, int64_t bh, AttDims a) {
  return dbuf ? att_fwd3_d<true, true>(d, stream, out, lse, q, k, v, km, bh, a)
              : att_fwd3_d<true, false>(d, stream, out, lse, q, k, v, km, bh, a);
}
