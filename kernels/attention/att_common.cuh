// att_common.cuh - the attention geometry shared by flash_attention.cu (versions 1, 2),
// flash_attention_wmma.cu (forward versions 3 to 6) and flash_attention_bwd_wmma.cu (backward versions
// 7, 8): dimensions, visibility of a key, key range of a query block, the WMMA operand formats.
#pragma once
#include "../common/rt_check.cuh"

struct AttDims {
  int64_t h, n, s;
  float scale;
  int causal;
};
// key j visible to query i: valid key and, if causal, j <= i + (s - n) (bottom-right aligned)
__device__ __forceinline__ bool att_visible(const uint8_t* km, int64_t bi, const AttDims& a, int64_t i, int64_t j) {
  return (km == nullptr || km[bi * a.s + j] != 0) && (!a.causal || j <= i + (a.s - a.n));
}
// keys [0, end) can be visible to the queries < i_end of a block
__device__ __forceinline__ int64_t att_key_end(const AttDims& a, int64_t i_end) {
  if (!a.causal) return a.s;
  int64_t e = i_end + (a.s - a.n);
  return e < 0 ? 0 : (e < a.s ? e : a.s);
}

// operand format: Frag = the WMMA element type, S = its storage, KS = the fragment depth, PAD = the
// row padding of the staged tiles (16 bytes: rows start 4 banks apart, ldm stays a multiple of 16 B)
template <bool BF16>
struct AwOp {
  using Frag = nvcuda::wmma::precision::tf32;
  using S = float;
  static constexpr int KS = 8, PAD = 4;
  static __device__ __forceinline__ float cvt(float x) { return nvcuda::wmma::__float_to_tf32(x); }
};
template <>
struct AwOp<true> {
  using Frag = __nv_bfloat16;
  using S = __nv_bfloat16;
  static constexpr int KS = 16, PAD = 8;
  static __device__ __forceinline__ __nv_bfloat16 cvt(float x) { return __float2bfloat16_rn(x); }
  // a bf16 input is already an operand: stored as read, no fp32 round trip
  static __device__ __forceinline__ __nv_bfloat16 cvt(__nv_bfloat16 x) { return x; }
};

// input element types T of q, k, v: float (rt_attention_fwd / _bwd) or __nv_bfloat16 (the _bf16 entries)
__device__ __forceinline__ float att_ld(float x) { return x; }
__device__ __forceinline__ float att_ld(__nv_bfloat16 x) { return __bfloat162float(x); }
template <typename T>
__device__ __forceinline__ T att_zero() {
  return T(0.0f);
}
template <>
__device__ __forceinline__ __nv_bfloat16 att_zero<__nv_bfloat16>() {
  return __float2bfloat16_rn(0.0f);
}

// versions 3 to 6 (flash_attention_wmma.cu): forward on tensor cores, TF32 / BF16 (bf16) operands, K/V
// tiles double-buffered (dbuf: 5, 6) or not (3, 4), for head dim d; returns the launch error. q, k, v,
// out, lse as rt_attention_fwd; bh = b * h.
cudaError_t att_fwd_wmma(int64_t d, bool bf16, bool dbuf, void* stream, float* out, float* lse, const float* q,
                         const float* k, const float* v, const uint8_t* km, int64_t bh, AttDims a);
// versions 4 (dbuf false) and 6 (true) on bf16 q, k, v (rt_attention_fwd_bf16): read as operands directly
cudaError_t att_fwd_wmma(int64_t d, bool dbuf, void* stream, float* out, float* lse, const __nv_bfloat16* q,
                         const __nv_bfloat16* k, const __nv_bfloat16* v, const uint8_t* km, int64_t bh, AttDims a);

// backward versions 7 (TF32 operands) and 8 (bf16: BF16 operands), flash_attention_bwd_wmma.cu: dk, dv
// over key tiles, then dq over query tiles, both on tensor cores; dpre: (bh, n) rowsum(dout * out),
// written by the caller's pre-pass. The other arguments as rt_attention_bwd; returns the launch error.
cudaError_t att_bwd_wmma(int64_t d, bool bf16, void* stream, float* dq, float* dk, float* dv, const float* dout,
                         const float* lse, const float* dpre, const float* q, const float* k, const float* v,
                         const uint8_t* km, int64_t bh, AttDims a);
// version 8 on bf16 q, k, v (rt_attention_bwd_bf16); dout stays fp32 (rounded to BF16 operands on load)
cudaError_t att_bwd_wmma(int64_t d, void* stream, float* dq, float* dk, float* dv, const float* dout, const float* lse,
                         const float* dpre, const __nv_bfloat16* q, const __nv_bfloat16* k, const __nv_bfloat16* v,
                         const uint8_t* km, int64_t bh, AttDims a);
