// flash_attention_bwd_wmma.cu - attention backward versions 7 (TF32 operands, about 1e-3 relative
// error) and 8 (BF16 operands, about 1e-2) on tensor cores through WMMA, FlashAttention-2 structure,
// fp32 accumulation always. Semantics as rt_attention_bwd (include/revtaf_kernels.h). Not the default:
// no GPU has run them. Input type T of q, k, v: fp32 (rt_attention_bwd) or, for version 8 only, bf16
// (rt_attention_bwd_bf16: stored into the operand tiles as read); dout, out, lse stay fp32. The launcher (flash_attention.cu) first runs the pre-pass
// D_i = rowsum(dO_i * O_i) once per query row (attention_bwd_rowsum3), then the two kernels below.
//
// Pass 1, dk/dv (attention_bwd_dkdv_kernel7): a block owns 64 keys of one (batch, head), 4 warps of
// 16 keys each; its K and V tiles stay in shared memory (operand format, rows padded as the forward's:
// no bank conflicts on the fragment loads) while it loops over 32-query tiles of Q and dO (also in
// shared memory, with the tile's lse and D_i). Per warp and query tile, with the transposes that keep
// the warp's keys as rows (16 keys x 32 queries):
//   S^T = K_w Q^T, dP^T = V_w dO^T                  (tensor cores, into a per-warp fp32 scratch)
//   P^T = exp(scale S^T - lse), dS^T = P^T * (dP^T - D) * scale   (fp32, lane = query, 0 where masked)
//   dV_w += P^T dO, dK_w += dS^T Q                  (tensor cores, accumulator fragments in registers)
// Causal: the query tiles before the first one that sees the block's first key are skipped.
// Pass 2, dq (attention_bwd_dq_kernel7): a block owns 64 queries (4 warps of 16), Q, dO, their lse and
// D_i in shared memory, and loops over 32-key tiles of K and V: it recomputes S = Q_w K^T,
// dP = dO_w V^T and dS as pass 1 does (lane = key), then dQ_w += dS K on tensor cores. dq is thus
// written once per element by the block that owns its row: no atomics, deterministic, at the price of
// recomputing two of the five products (7 tensor-core GEMMs instead of FA2's 5 with fp32 atomicAdd on
// dq per tile; chosen because the emulator cannot show atomic-order effects and results stay bitwise
// reproducible on the GPU).
// Each kernel writes every row of its outputs (zeros for masked keys and queries without visible keys).
// defines: (internal) att_bwd_wmma
#include "att_common.cuh"

#define RT_AB_WARPS 4
#define RT_AB_BR (16 * RT_AB_WARPS)  // rows (keys in pass 1, queries in pass 2) per block
#define RT_AB_BT 32                  // columns per tile (queries in pass 1, keys in pass 2) = lanes
#define RT_AB_SLD (RT_AB_BT + 4)     // row stride of the fp32 scratch tiles

// shared memory layout of both passes in bytes (every part 32-byte aligned): the block's own rows
// R0, R1 (pass 1: K, V; pass 2: Q, dO) of RT_AB_BR x LD, the streamed tiles T0, T1 (pass 1: Q, dO;
// pass 2: K, V) of RT_AB_BT x LD, per warp two (16, PLD) operand tiles (P or dS) and two (16, SLD)
// fp32 scratch tiles (S, dP), and two fp32 vectors (lse, D_i) of the 64 or 32 rows they belong to
template <int D, bool BF16>
struct AbSmem {
  using S = typename AwOp<BF16>::S;
  static constexpr int LD = D + AwOp<BF16>::PAD;  // row stride of R0, R1, T0, T1 (elements)
  static constexpr int PLD = RT_AB_BT + AwOp<BF16>::PAD;
  static constexpr int R0 = 0;
  static constexpr int R1 = R0 + RT_AB_BR * LD * (int)sizeof(S);
  static constexpr int T0 = R1 + RT_AB_BR * LD * (int)sizeof(S);
  static constexpr int T1 = T0 + RT_AB_BT * LD * (int)sizeof(S);
  static constexpr int OP = T1 + RT_AB_BT * LD * (int)sizeof(S);  // per warp 2 x (16, PLD) S
  static constexpr int SC = OP + RT_AB_WARPS * 2 * 16 * PLD * (int)sizeof(S);  // per warp 2 x (16, SLD) float
  static constexpr int VEC = SC + RT_AB_WARPS * 2 * 16 * RT_AB_SLD * 4;       // lse, D_i: 2 x BR floats
  static constexpr int TOTAL = VEC + 2 * RT_AB_BR * 4;
  // the final (16, D + 4) fp32 rows of each warp reuse R0 and R1 (after a barrier)
  static_assert(RT_AB_WARPS * 16 * (D + 4) * 4 <= T0, "output staging fits in R0 + R1");
};

// rows [r0, r0 + rows) of x (rows of D elements of T, `total` of them) into t (rows, LD) in the operand
// format, rows past total = 0; by the whole block
template <int D, int LD, typename Op, typename S, typename T>
__device__ __forceinline__ void ab_load(S* t, const T* x, int64_t r0, int rows, int64_t total) {
  for (int e = threadIdx.x; e < rows * D; e += blockDim.x) {
    int r = e / D, c = e % D;
    t[r * LD + c] = Op::cvt(r0 + r < total ? x[(r0 + r) * D + c] : att_zero<T>());
  }
}

// acc (16 x 16 fp32) += A (16 x D, row-major, this warp's rows of `a`) B^T (B: 16 rows x D of `b`, read
// col-major as the (D x 16) B^T): one score-like tile, depth D
template <int D, int LD, typename Op, typename S, typename Acc>
__device__ __forceinline__ void ab_abt(Acc& acc, const S* a, const S* b) {
  using namespace nvcuda;
  wmma::fragment<wmma::matrix_a, 16, 16, Op::KS, typename Op::Frag, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, Op::KS, typename Op::Frag, wmma::col_major> fb;
#pragma unroll 4
  for (int kk = 0; kk < D; kk += Op::KS) {
    wmma::load_matrix_sync(fa, a + kk, LD);
    wmma::load_matrix_sync(fb, b + kk, LD);
    wmma::mma_sync(acc, fa, fb, acc);
  }
}

// The score pair of both backward kernels, for this warp's 16 resident rows against a tile of
// RT_AB_BT rows, 16 at a time: S = a0 b0^T and dP = a1 b1^T (16 x RT_AB_BT each, fp32) stored at Sw and
// dPw (row stride RT_AB_SLD). dK/dV: a = K_w, V_w and b = Q, dO (S^T, dP^T); dQ: a = Q_w, dO_w and b = K, V.
template <int D, int LD, typename Op, typename S>
__device__ __forceinline__ void ab_pair(const S* a0, const S* b0, const S* a1, const S* b1, float* Sw, float* dPw) {
  using namespace nvcuda;
  wmma::fragment<wmma::accumulator, 16, 16, Op::KS, float> sacc, pacc;
#pragma unroll
  for (int cb = 0; cb < RT_AB_BT / 16; cb++) {
    wmma::fill_fragment(sacc, 0.0f);
    wmma::fill_fragment(pacc, 0.0f);
    ab_abt<D, LD, Op>(sacc, a0, b0 + cb * 16 * LD);
    ab_abt<D, LD, Op>(pacc, a1, b1 + cb * 16 * LD);
    wmma::store_matrix_sync(Sw + cb * 16, sacc, RT_AB_SLD, wmma::mem_row_major);
    wmma::store_matrix_sync(dPw + cb * 16, pacc, RT_AB_SLD, wmma::mem_row_major);
  }
}

// acc[c] (16 x 16 columns c of a 16 x D product) += A (16 x BT, ld PLD) B (BT x D, row-major, ld LD)
template <int D, int LD, int PLD, typename Op, typename S, typename Acc>
__device__ __forceinline__ void ab_ab(Acc (&acc)[D / 16], const S* a, const S* b) {
  using namespace nvcuda;
  wmma::fragment<wmma::matrix_a, 16, 16, Op::KS, typename Op::Frag, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, Op::KS, typename Op::Frag, wmma::row_major> fb;
#pragma unroll 1
  for (int kk = 0; kk < RT_AB_BT; kk += Op::KS) {  // not unrolled: the D / 16 accumulators need the registers
    wmma::load_matrix_sync(fa, a + kk, PLD);
#pragma unroll
    for (int c = 0; c < D / 16; c++) {
      wmma::load_matrix_sync(fb, b + kk * LD + c * 16, LD);
      wmma::mma_sync(acc[c], fa, fb, acc[c]);
    }
  }
}

// this warp's 16 accumulated rows (acc: 16 x D) to global rows [r0, r0 + 16) of y (rows past total
// skipped), through the fp32 staging rows st (16, D + 4)
template <int D, typename Acc>
__device__ __forceinline__ void ab_store(float* y, Acc (&acc)[D / 16], float* st, int64_t r0, int64_t total) {
  using namespace nvcuda;
  constexpr int OLD = D + 4;
  int lane = threadIdx.x % 32;
#pragma unroll
  for (int c = 0; c < D / 16; c++) wmma::store_matrix_sync(st + c * 16, acc[c], OLD, wmma::mem_row_major);
  __syncwarp();
  for (int r = 0; r < 16; r++) {
    if (r0 + r >= total) break;  // warp-uniform
    for (int c = lane; c < D; c += 32) y[(r0 + r) * D + c] = st[r * OLD + c];
  }
  __syncwarp();  // st is rewritten by the next call
}

// pass 1. dk, dv: (bh, s, D) written; dout, q: (bh, n, D); k, v: (bh, s, D); lse, dpre: (bh, n); km: (b, s);
// q, k, v of T (float, or __nv_bfloat16 with BF16), the rest fp32
template <int D, bool BF16, typename T>
__global__ void __launch_bounds__(32 * RT_AB_WARPS)
    attention_bwd_dkdv_kernel7(float* dk, float* dv, const float* dout, const float* lse, const float* dpre,
                               const T* q, const T* k, const T* v, const uint8_t* km, AttDims a) {
  using namespace nvcuda;
  using L = AbSmem<D, BF16>;
  using Op = AwOp<BF16>;
  using S = typename Op::S;
  using Acc = wmma::fragment<wmma::accumulator, 16, 16, Op::KS, float>;
  constexpr int LD = L::LD, PLD = L::PLD;
  EXTERN_SHARED(unsigned char, sm);
  int lane = threadIdx.x % 32, w = threadIdx.x / 32;
  int64_t bh = blockIdx.y, bi = bh / a.h, k0 = (int64_t)blockIdx.x * RT_AB_BR;
  S* Ks = (S*)(sm + L::R0);
  S* Vs = (S*)(sm + L::R1);
  S* Qs = (S*)(sm + L::T0);
  S* Ds = (S*)(sm + L::T1);                                 // dO tile
  S* Pw = (S*)(sm + L::OP) + w * 2 * 16 * PLD;              // this warp's P^T (16 keys x 32 queries)
  S* dSw = Pw + 16 * PLD;                                   // ... and dS^T
  float* Sw = (float*)(sm + L::SC) + w * 2 * 16 * RT_AB_SLD;  // this warp's S^T
  float* dPw = Sw + 16 * RT_AB_SLD;                          // ... and dP^T
  float* ls = (float*)(sm + L::VEC);                          // lse of the query tile
  float* dis = ls + RT_AB_BR;                                 // D_i of the query tile
  ab_load<D, LD, Op>(Ks, k + bh * a.s * D, k0, RT_AB_BR, a.s);
  ab_load<D, LD, Op>(Vs, v + bh * a.s * D, k0, RT_AB_BR, a.s);
  Acc dka[D / 16], dva[D / 16];
#pragma unroll
  for (int c = 0; c < D / 16; c++) {
    wmma::fill_fragment(dka[c], 0.0f);
    wmma::fill_fragment(dva[c], 0.0f);
  }
  int64_t first = a.causal ? k0 - (a.s - a.n) : 0;  // earlier queries see none of the block's keys
  if (first < 0) first = 0;
  first = first / RT_AB_BT * RT_AB_BT;
  const T* qb = q + bh * a.n * D;
  const float* dob = dout + bh * a.n * D;
  for (int64_t i0 = first; i0 < a.n; i0 += RT_AB_BT) {  // block-uniform trip count
    __syncthreads();                                    // the previous tiles are no longer read
    ab_load<D, LD, Op>(Qs, qb, i0, RT_AB_BT, a.n);
    ab_load<D, LD, Op>(Ds, dob, i0, RT_AB_BT, a.n);
    for (int r = threadIdx.x; r < RT_AB_BT; r += blockDim.x) {
      bool in = i0 + r < a.n;
      ls[r] = in ? lse[bh * a.n + i0 + r] : -INFINITY;  // -inf: the row takes no part
      dis[r] = in ? dpre[bh * a.n + i0 + r] : 0.0f;
    }
    __syncthreads();
    // S^T (16 x 32) = K_w Q^T and dP^T = V_w dO^T
    ab_pair<D, LD, Op>(Ks + w * 16 * LD, Qs, Vs + w * 16 * LD, Ds, Sw, dPw);
    __syncwarp();
    // P^T, dS^T in fp32, lane = query of the tile, one key row at a time
    int64_t i = i0 + lane;
    float Li = ls[lane], Di = dis[lane];
    for (int r = 0; r < 16; r++) {
      int64_t j = k0 + w * 16 + r;
      bool vis = Li != -INFINITY && j < a.s && att_visible(km, bi, a, i, j);
      float p = vis ? __expf(Sw[r * RT_AB_SLD + lane] * a.scale - Li) : 0.0f;
      float ds = p * (dPw[r * RT_AB_SLD + lane] - Di) * a.scale;
      Pw[r * PLD + lane] = Op::cvt(p);
      dSw[r * PLD + lane] = Op::cvt(ds);
    }
    __syncwarp();
    // dV_w += P^T dO, dK_w += dS^T Q
    ab_ab<D, LD, PLD, Op>(dva, Pw, Ds);
    ab_ab<D, LD, PLD, Op>(dka, dSw, Qs);
  }
  __syncthreads();  // K, V no longer read: their space stages the output rows
  float* st = (float*)(sm + L::R0) + w * 16 * (D + 4);
  ab_store<D>(dk + bh * a.s * D, dka, st, k0 + w * 16, a.s);
  ab_store<D>(dv + bh * a.s * D, dva, st, k0 + w * 16, a.s);
}

// pass 2. dq: (bh, n, D) written; the rest as pass 1
template <int D, bool BF16, typename T>
__global__ void __launch_bounds__(32 * RT_AB_WARPS)
    attention_bwd_dq_kernel7(float* dq, const float* dout, const float* lse, const float* dpre, const T* q, const T* k,
                             const T* v, const uint8_t* km, AttDims a) {
  using namespace nvcuda;
  using L = AbSmem<D, BF16>;
  using Op = AwOp<BF16>;
  using S = typename Op::S;
  using Acc = wmma::fragment<wmma::accumulator, 16, 16, Op::KS, float>;
  constexpr int LD = L::LD, PLD = L::PLD;
  EXTERN_SHARED(unsigned char, sm);
  int lane = threadIdx.x % 32, w = threadIdx.x / 32;
  int64_t bh = blockIdx.y, bi = bh / a.h, q0 = (int64_t)blockIdx.x * RT_AB_BR;
  S* Qs = (S*)(sm + L::R0);
  S* Ds = (S*)(sm + L::R1);  // dO rows
  S* Ks = (S*)(sm + L::T0);
  S* Vs = (S*)(sm + L::T1);
  S* dSw = (S*)(sm + L::OP) + w * 2 * 16 * PLD;               // this warp's dS (16 queries x 32 keys)
  float* Sw = (float*)(sm + L::SC) + w * 2 * 16 * RT_AB_SLD;  // this warp's S
  float* dPw = Sw + 16 * RT_AB_SLD;                            // ... and dP
  float* ls = (float*)(sm + L::VEC);                            // lse of the block's queries
  float* dis = ls + RT_AB_BR;                                   // D_i of the block's queries
  ab_load<D, LD, Op>(Qs, q + bh * a.n * D, q0, RT_AB_BR, a.n);
  ab_load<D, LD, Op>(Ds, dout + bh * a.n * D, q0, RT_AB_BR, a.n);
  for (int r = threadIdx.x; r < RT_AB_BR; r += blockDim.x) {
    bool in = q0 + r < a.n;
    ls[r] = in ? lse[bh * a.n + q0 + r] : -INFINITY;
    dis[r] = in ? dpre[bh * a.n + q0 + r] : 0.0f;
  }
  Acc dqa[D / 16];
#pragma unroll
  for (int c = 0; c < D / 16; c++) wmma::fill_fragment(dqa[c], 0.0f);
  int64_t kend = att_key_end(a, q0 + RT_AB_BR < a.n ? q0 + RT_AB_BR : a.n);  // block-uniform
  const T* kb = k + bh * a.s * D;
  const T* vb = v + bh * a.s * D;
  for (int64_t j0 = 0; j0 < kend; j0 += RT_AB_BT) {
    __syncthreads();  // the previous K/V tile is no longer read (first trip: Q, dO, lse, D_i complete)
    ab_load<D, LD, Op>(Ks, kb, j0, RT_AB_BT, a.s);
    ab_load<D, LD, Op>(Vs, vb, j0, RT_AB_BT, a.s);
    __syncthreads();
    // S (16 x 32) = Q_w K^T and dP = dO_w V^T
    ab_pair<D, LD, Op>(Qs + w * 16 * LD, Ks, Ds + w * 16 * LD, Vs, Sw, dPw);
    __syncwarp();
    // dS in fp32, lane = key of the tile, one query row at a time
    int64_t j = j0 + lane;
#pragma unroll 1  // unrolled, ptxas spills a few bytes for TF32 D = 32, 64 on sm_80
    for (int r = 0; r < 16; r++) {
      int64_t i = q0 + w * 16 + r;
      float Li = ls[w * 16 + r];
      bool vis = Li != -INFINITY && j < a.s && att_visible(km, bi, a, i, j);
      float p = vis ? __expf(Sw[r * RT_AB_SLD + lane] * a.scale - Li) : 0.0f;
      dSw[r * PLD + lane] = Op::cvt(p * (dPw[r * RT_AB_SLD + lane] - dis[w * 16 + r]) * a.scale);
    }
    __syncwarp();
    ab_ab<D, LD, PLD, Op>(dqa, dSw, Ks);  // dQ_w += dS K
  }
  __syncthreads();  // Q, dO no longer read: their space stages the output rows
  ab_store<D>(dq + bh * a.n * D, dqa, (float*)(sm + L::R0) + w * 16 * (D + 4), q0 + w * 16, a.n);
}

template <int D, bool BF16, typename T>
static cudaError_t att_bwd7(void* stream, float* dq, float* dk, float* dv, const float* dout, const float* lse,
                            const float* dpre, const T* q, const T* k, const T* v, const uint8_t* km, int64_t bh,
                            AttDims a) {
  // TF32: 63.5 / 87.5 / 135.5 KiB for D = 32 / 64 / 128 (sm_80 allows 163); BF16: 43.5 / 55.5 / 79.5 KiB
  size_t bytes = (size_t)AbSmem<D, BF16>::TOTAL;
  cudaError_t e = cudaFuncSetAttribute(attention_bwd_dkdv_kernel7<D, BF16, T>,
                                       cudaFuncAttributeMaxDynamicSharedMemorySize, (int)bytes);
  if (e == cudaSuccess)
    e = cudaFuncSetAttribute(attention_bwd_dq_kernel7<D, BF16, T>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             (int)bytes);
  if (e != cudaSuccess) return e;
  if (a.s > 0) {
    dim3 grid((unsigned)RT_CEIL_DIV(a.s, RT_AB_BR), (unsigned)bh);
    RT_LAUNCH((attention_bwd_dkdv_kernel7<D, BF16, T>), grid, 32 * RT_AB_WARPS, bytes, stream, dk, dv, dout, lse,
              dpre, q, k, v, km, a);
    e = cudaGetLastError();
    if (e != cudaSuccess) return e;
  }
  if (a.n > 0) {
    dim3 grid((unsigned)RT_CEIL_DIV(a.n, RT_AB_BR), (unsigned)bh);
    RT_LAUNCH((attention_bwd_dq_kernel7<D, BF16, T>), grid, 32 * RT_AB_WARPS, bytes, stream, dq, dout, lse, dpre, q,
              k, v, km, a);
  }
  return cudaGetLastError();
}

template <bool BF16, typename T>
static cudaError_t att_bwd7_d(int64_t d, void* stream, float* dq, float* dk, float* dv, const float* dout,
                              const float* lse, const float* dpre, const T* q, const T* k, const T* v,
                              const uint8_t* km, int64_t bh, AttDims a) {
  if (d == 32) return att_bwd7<32, BF16>(stream, dq, dk, dv, dout, lse, dpre, q, k, v, km, bh, a);
  if (d == 64) return att_bwd7<64, BF16>(stream, dq, dk, dv, dout, lse, dpre, q, k, v, km, bh, a);
  return att_bwd7<128, BF16>(stream, dq, dk, dv, dout, lse, dpre, q, k, v, km, bh, a);
}

cudaError_t att_bwd_wmma(int64_t d, bool bf16, void* stream, float* dq, float* dk, float* dv, const float* dout,
                         const float* lse, const float* dpre, const float* q, const float* k, const float* v,
                         const uint8_t* km, int64_t bh, AttDims a) {
  return bf16 ? att_bwd7_d<true>(d, stream, dq, dk, dv, dout, lse, dpre, q, k, v, km, bh, a)
              : att_bwd7_d<false>(d, stream, dq, dk, dv, dout, lse, dpre, q, k, v, km, bh, a);
}

cudaError_t att_bwd_wmma(int64_t d, void* stream, float* dq, float* dk, float* dv, const float* dout, const float* lse,
                         const float* dpre, const __nv_bfloat16* q, const __nv_bfloat16* k, const __nv_bfloat16* v,
                         const uint8_t* km, int64_t bh, AttDims a) {
  return att_bwd7_d<true>(d, stream, dq, dk, dv, dout, lse, dpre, q, k, v, km, bh, a);
}
