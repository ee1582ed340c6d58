// att_common.cuh - the attention geometry shared by flash_attention.cu (versions 1, 2) and
// flash_attention_wmma.cu (versions 3 to 6): dimensions, visibility of a key, key range of a query block.
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

// versions 3 to 6 (flash_attention_wmma.cu): forward on tensor cores, TF32 / BF16 (bf16) operands, K/V
// tiles double-buffered (dbuf: 5, 6) or not (3, 4), for head dim d; returns the launch error. q, k, v,
// out, lse as rt_attention_fwd; bh = b * h.
cudaError_t att_fwd_wmma(int64_t d, bool bf16, bool dbuf, void* stream, float* out, float* lse, const float* q,
                         const float* k, const float* v, const uint8_t* km, int64_t bh, AttDims a);
