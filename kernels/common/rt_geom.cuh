// rt_geom.cuh - helpers of the device-resident backend's kernels (issue 17): strided geometry passed by
// value, dtype codes, grid-stride launch sizes and the device error word for bad indices.
#pragma once
#include "rt_check.cuh"

// static shared memory: the emulator of branch gpu (issue 18) defines STATIC_SHARED so it can count static +
// dynamic bytes; until that is merged it is a plain __shared__ declaration
#ifndef STATIC_SHARED
#define STATIC_SHARED(T, name, dims) __shared__ T name dims
#endif

#define RT_MAX_RANK 8
// dtype codes: org.revtaf.engine.tensor.DType ordinals (6 = uint8, an output of rt_copy only)
#define RT_F32 0
#define RT_F64 1
#define RT_I32 2
#define RT_I64 3
#define RT_BF16 4
#define RT_U8 6

// shape of a contiguous output and up to four operands' strides (elements), copied into the kernel's
// parameters at launch
struct RtStrided {
  int rank;
  int64_t n;
  int64_t shape[RT_MAX_RANK];
  int64_t stride[4][RT_MAX_RANK];
};

// reads geom = shape[rank], then `operands` stride blocks of rank entries; false on a bad rank
static inline bool rt_strided(RtStrided* g, const int64_t* geom, int rank, int operands) {
  if (rank < 0 || rank > RT_MAX_RANK || (geom == nullptr && rank > 0) || operands > 4) return false;
  g->rank = rank;
  g->n = 1;
  for (int i = 0; i < RT_MAX_RANK; i++) {
    g->shape[i] = i < rank ? geom[i] : 1;
    if (g->shape[i] < 0) return false;
    g->n *= g->shape[i];
    for (int o = 0; o < 4; o++) g->stride[o][i] = (i < rank && o < operands) ? geom[(1 + o) * rank + i] : 0;
  }
  return true;
}

// element offset of operand o for the linear index i of the (contiguous) iteration space
__device__ __forceinline__ int64_t rt_offset(const RtStrided& g, int o, int64_t i) {
  int64_t off = 0;
  for (int d = g.rank - 1; d >= 0; d--) {
    int64_t s = g.shape[d], c = i % s;
    i /= s;
    off += c * g.stride[o][d];
  }
  return off;
}

// float32 to bfloat16 bits, round to nearest even on the bits; a NaN keeps its sign and top payload
// bits and becomes quiet (bit 6 set): org.revtaf.engine.tensor.HeapStorage.toBf16, bit for bit. Integer
// arithmetic only (the same on the GPU and under emulation; no flush of subnormals).
__device__ __forceinline__ uint16_t rt_f32_to_bf16(float f) {
  uint32_t bits = __float_as_uint(f);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u);
  return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}
__device__ __forceinline__ float rt_bf16_to_f32(uint16_t h) {
  return __uint_as_float((uint32_t)h << 16);
}

// value of element i of a typed buffer as double, and the store of a double converted to the type
__device__ __forceinline__ double rt_load(const void* p, int type, int64_t i) {
  switch (type) {
    case RT_F32: return ((const float*)p)[i];
    case RT_F64: return ((const double*)p)[i];
    case RT_I32: return ((const int32_t*)p)[i];
    case RT_I64: return (double)((const long long*)p)[i];
    case RT_BF16: return rt_bf16_to_f32(((const uint16_t*)p)[i]);
    default: return ((const uint8_t*)p)[i];
  }
}
__device__ __forceinline__ void rt_store(void* p, int type, int64_t i, double v) {
  switch (type) {
    case RT_F32: ((float*)p)[i] = (float)v; break;
    case RT_F64: ((double*)p)[i] = v; break;
    case RT_I32: ((int32_t*)p)[i] = (int32_t)v; break;
    case RT_I64: ((long long*)p)[i] = (long long)v; break;
    case RT_BF16: ((uint16_t*)p)[i] = rt_f32_to_bf16((float)v); break;
    default: ((uint8_t*)p)[i] = v != 0 ? 1 : 0; break;
  }
}
static inline int rt_type_bytes(int type) {
  switch (type) {
    case RT_F32: case RT_I32: return 4;
    case RT_F64: case RT_I64: return 8;
    case RT_BF16: return 2;
    case RT_U8: return 1;
    default: return 0;
  }
}

// index of integer type (int32 or int64) at position i
__device__ __forceinline__ int64_t rt_index(const void* idx, int type, int64_t i) {
  return type == RT_I32 ? (int64_t)((const int32_t*)idx)[i] : (int64_t)((const long long*)idx)[i];
}

// records the first bad index {code, position, value, bound} (err[0] claimed by CAS) and returns a
// clamped index so the kernel stays in bounds
__device__ __forceinline__ int64_t rt_bad_index(int64_t* err, int64_t pos, int64_t v, int64_t bound) {
  if (err != nullptr) {
    unsigned long long* e = (unsigned long long*)err;
    if (atomicCAS(e, 0ull, 1ull) == 0ull) {
      err[1] = pos;
      err[2] = v;
      err[3] = bound;
    }
  }
  return v < 0 ? 0 : bound - 1;
}
__device__ __forceinline__ int64_t rt_checked(int64_t* err, int64_t pos, int64_t v, int64_t bound) {
  return (v >= 0 && v < bound) ? v : rt_bad_index(err, pos, v, bound);
}

// 1-D grid-stride launch: blocks for n elements of `block` threads, capped
static inline unsigned rt_grid(int64_t n, int block) {
  int64_t g = RT_CEIL_DIV(n, (int64_t)block);
  if (g < 1) g = 1;
  if (g > 65535) g = 65535;
  return (unsigned)g;
}
#define RT_GRID_STRIDE(i, n) \
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (int64_t)gridDim.x * blockDim.x)

// SplitMix64's finalizer (org.revtaf.engine.tensor.SplitMix.mix64)
__device__ __forceinline__ unsigned long long rt_mix64(unsigned long long z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
#define RT_SPLITMIX_GAMMA 0x9E3779B97F4A7C15ull
// whether DropoutMask element idx is kept
__device__ __forceinline__ bool rt_dropout_keep(unsigned long long key, long long threshold, long long idx) {
  return (long long)(rt_mix64(key + (unsigned long long)idx * RT_SPLITMIX_GAMMA) >> 32) >= threshold;
}
