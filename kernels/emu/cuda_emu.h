// cuda_emu.h - the one header every .cu file includes; makes one source valid under nvcc and g++.
//
// Under nvcc (__CUDACC__): the real CUDA runtime plus two portability macros, CUDA_EMU = 0.
// Under g++ (host emulation, CUDA_EMU = 1): CUDA built-ins, qualifiers, vector types, runtime
// stand-ins, __syncthreads, warp primitives, atomics and math intrinsics on the CPU. The engine
// (kernels/emu/cuda_emu.cpp) runs every CUDA thread of a block either as a user-mode fiber on one
// OS thread (default, CUDA_EMU_FIBERS=1; blocks spread over cores) or as its own OS thread
// (CUDA_EMU_FIBERS=0; for ThreadSanitizer). Divergent barriers, divergent warp operations and
// deadlocks end the launch with cudaErrorLaunchFailure and a message naming file:line
// (cuda_emu::fault_message()); nothing here exits or aborts the process.
//
// Portability macros used by kernels (both worlds):
//   RT_LAUNCH(kernel, grid, block, smem, stream, args...)  instead of kernel<<<...>>>(args...)
//   EXTERN_SHARED(T, name)                                  dynamic shared memory as T* name
//   STATIC_SHARED(T, name, dims)                            static shared memory (bare __shared__ is an
//                                                           error under emulation: the emulator counts
//                                                           static + dynamic bytes against the limits)
// Rules for kernel authors: kernels/README.md.
#pragma once
#include <math.h>
#include <stdint.h>

#if defined(__CUDACC__)
// ============================== nvcc: the real thing ==========================================
#include <cuda_runtime.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>
#define CUDA_EMU 0
#define RT_LAUNCH(kernel, grid, block, smem, stream, ...) \
  kernel<<<(grid), (block), (smem), (cudaStream_t)(stream)>>>(__VA_ARGS__)
#define EXTERN_SHARED(T, name)                                      \
  extern __shared__ __align__(16) unsigned char cuda_emu_dyn_smem_[]; \
  T* name = reinterpret_cast<T*>(cuda_emu_dyn_smem_)
#define STATIC_SHARED(T, name, dims) __shared__ T name dims
#else
// ============================== g++: host emulation ===========================================
#define CUDA_EMU 1
#include <atomic>
#include <cstddef>
#include <cstring>
#include <source_location>
#include <tuple>
#include <type_traits>
#include <utility>

#ifndef CUDA_EMU_FIBERS
#define CUDA_EMU_FIBERS 1
#endif

#define __global__
#define __device__
#define __host__
#define __constant__ static
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#if CUDA_EMU_FIBERS
#define CUDA_EMU_SHARED_STORAGE static thread_local  // one copy per worker = per running block
#else
#define CUDA_EMU_SHARED_STORAGE static  // blocks run one after another in the threads engine
#endif
// Static shared memory is declared with STATIC_SHARED so the emulator can count it: the launch
// fails (status 4) when static + dynamic bytes exceed 48 KB without cudaFuncSetAttribute, or the
// opt-in limit with it, as on a GPU. The first thread of a block to reach the declaration poisons
// the array (0xFF), so contents left over from another block show up as NaN.
#define __shared__ \
  _Pragma("GCC error \"bare __shared__: declare static shared memory with STATIC_SHARED(T, name, dims) (kernels/README.md rule 3)\"")
#define STATIC_SHARED(T, name, dims)  \
  CUDA_EMU_SHARED_STORAGE T name dims; \
  ::cuda_emu::static_smem(&name, sizeof(name))

#define CUDA_EMU_HIDDEN __attribute__((visibility("hidden")))

// ---- vector types ------------------------------------------------------------------------------
struct uint3 { unsigned x, y, z; };
struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};
struct __attribute__((aligned(8))) float2 { float x, y; };
struct __attribute__((aligned(16))) float4 { float x, y, z, w; };
struct __attribute__((aligned(8))) int2 { int x, y; };
struct __attribute__((aligned(16))) int4 { int x, y, z, w; };
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline int2 make_int2(int x, int y) { return {x, y}; }
inline int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }
inline uint3 make_uint3(unsigned x, unsigned y, unsigned z) { return {x, y, z}; }

// ---- runtime API stand-ins (error values as in CUDA 13) ----------------------------------------
enum cudaError_t {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorInsufficientDriver = 35,
  cudaErrorNoDevice = 100,
  cudaErrorLaunchFailure = 719,
};
enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
};
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
struct CUstream_st;
typedef CUstream_st* cudaStream_t;
struct CUevent_st;
typedef CUevent_st* cudaEvent_t;

namespace cuda_emu CUDA_EMU_HIDDEN {
// per OS thread; the fiber scheduler rewrites threadIdx before every switch
inline thread_local uint3 tl_threadIdx, tl_blockIdx;
inline thread_local dim3 tl_blockDim, tl_gridDim;

using Site = std::source_location;
enum WarpKind : int { kShflIdx = 1, kShflUp, kShflDown, kShflXor, kBallot, kAny, kAll, kSyncwarp, kWmma };

// engine entry points (cuda_emu.cpp)
void syncthreads(const Site& site);
// deposits `value` for this lane, waits for the warp, returns the slots of the current phase;
// *lane = caller's lane, *part = lanes that took part in this phase
const uint64_t* warp_exchange(int kind, unsigned mask, uint64_t value, const Site& site, int* lane, unsigned* part);
unsigned active_mask();
cudaError_t launch_raw(const char* name, dim3 grid, dim3 block, size_t smem, void (*thunk)(const void*),
                       const void* args, const void* fn);
void* dyn_smem();
const char* fault_message();  // detail of the last emulator fault on this host thread ("" if none)
void set_last_error(cudaError_t e);
cudaError_t get_last_error(bool clear);
cudaError_t set_max_dyn_smem(const void* fn, int bytes);
// a STATIC_SHARED array of `bytes` at `addr` is in use by the running block (counted once per block)
void static_smem(const void* addr, size_t bytes, const Site& site = Site::current());
// shared-memory limits (bytes): the default per block, and the opt-in maximum of the smallest target
// (sm_80, A100/A800: 163 KB; H100 allows 227 KB); CUDA_EMU_SMEM_OPTIN_KB overrides the latter
constexpr int kSmemDefault = 48 * 1024;
int smem_optin_limit();
// a kernel broke a rule the GPU enforces (e.g. a misaligned WMMA pointer): the launch fails with
// status 5 and `what` at the caller's file:line; does not return
[[noreturn]] void kernel_fault(const char* what, const Site& site);

template <typename... P>
struct ArgPack {
  void (*fn)(P...);
  std::tuple<std::decay_t<P>...> args;
  static void thunk(const void* self) {
    const ArgPack* a = static_cast<const ArgPack*>(self);
    std::apply(a->fn, a->args);  // every CUDA thread gets its own by-value copies
  }
};

template <typename... P, typename... A>
cudaError_t launch(const char* name, void (*fn)(P...), dim3 grid, dim3 block, size_t smem, cudaStream_t,
                   A&&... args) {
  static_assert(sizeof...(P) == sizeof...(A), "kernel argument count mismatch");
  ArgPack<P...> pack{fn, std::tuple<std::decay_t<P>...>(static_cast<std::decay_t<P>>(args)...)};
  cudaError_t e = launch_raw(name, grid, block, smem, &ArgPack<P...>::thunk, &pack, (const void*)fn);
  if (e != cudaSuccess) set_last_error(e);
  return e;
}

template <typename T>
uint64_t to_bits(T v) {
  static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "warp shuffle of a type > 8 bytes");
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof(T));
  return b;
}
template <typename T>
T from_bits(uint64_t b) {
  T v;
  std::memcpy(&v, &b, sizeof(T));
  return v;
}
// source lane of a shuffle, or -1 for "keep own value" (outside the segment, or a lane that did
// not take part: undefined in CUDA)
inline int shfl_source(int kind, int lane, int arg, int width, unsigned part) {
  if (width <= 0 || width > 32 || (width & (width - 1))) width = 32;
  int seg = lane & ~(width - 1);
  int src;
  switch (kind) {
    case kShflIdx: src = seg + (arg & (width - 1)); break;
    case kShflUp: src = (lane - seg) < arg ? -1 : lane - arg; break;
    case kShflDown: src = (lane - seg) + arg >= width ? -1 : lane + arg; break;
    default: src = lane ^ arg; if (src < seg || src >= seg + width) src = -1; break;
  }
  return (src < 0 || src > 31 || !((part >> src) & 1u)) ? -1 : src;
}
}  // namespace cuda_emu CUDA_EMU_HIDDEN

#define threadIdx (::cuda_emu::tl_threadIdx)
#define blockIdx (::cuda_emu::tl_blockIdx)
#define blockDim (::cuda_emu::tl_blockDim)
#define gridDim (::cuda_emu::tl_gridDim)
constexpr int warpSize = 32;

#define RT_LAUNCH(kernel, grid, block, smem, stream, ...) \
  ::cuda_emu::launch(#kernel, kernel, dim3(grid), dim3(block), (size_t)(smem), (cudaStream_t)(stream), __VA_ARGS__)
#define EXTERN_SHARED(T, name) T* name = reinterpret_cast<T*>(::cuda_emu::dyn_smem())

// ---- synchronisation and warp primitives -------------------------------------------------------
inline void __syncthreads(const std::source_location& s = std::source_location::current()) {
  cuda_emu::syncthreads(s);
}
inline void __syncwarp(unsigned mask = 0xffffffffu, const std::source_location& s = std::source_location::current()) {
  int lane;
  unsigned part;
  cuda_emu::warp_exchange(cuda_emu::kSyncwarp, mask, 0, s, &lane, &part);
}
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline void __threadfence_block() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline unsigned __activemask() { return cuda_emu::active_mask(); }

#define CUDA_EMU_SHFL(NAME, KIND, ARGT)                                                               \
  template <typename T>                                                                             \
  inline T NAME(unsigned mask, T v, ARGT arg, int width = 32,                                       \
                const std::source_location& s = std::source_location::current()) {                  \
    int lane;                                                                                       \
    unsigned part;                                                                                  \
    const uint64_t* slots = cuda_emu::warp_exchange(KIND, mask, cuda_emu::to_bits(v), s, &lane, &part); \
    int src = cuda_emu::shfl_source(KIND, lane, (int)arg, width, part);                             \
    return src < 0 ? v : cuda_emu::from_bits<T>(slots[src]);                                        \
  }
CUDA_EMU_SHFL(__shfl_sync, cuda_emu::kShflIdx, int)
CUDA_EMU_SHFL(__shfl_up_sync, cuda_emu::kShflUp, unsigned)
CUDA_EMU_SHFL(__shfl_down_sync, cuda_emu::kShflDown, unsigned)
CUDA_EMU_SHFL(__shfl_xor_sync, cuda_emu::kShflXor, int)
#undef CUDA_EMU_SHFL

inline unsigned __ballot_sync(unsigned mask, int pred, const std::source_location& s = std::source_location::current()) {
  int lane;
  unsigned part;
  const uint64_t* slots = cuda_emu::warp_exchange(cuda_emu::kBallot, mask, pred != 0, s, &lane, &part);
  unsigned r = 0;
  for (int l = 0; l < 32; l++)
    if (((mask >> l) & 1u) && ((part >> l) & 1u) && (slots[l] & 1)) r |= 1u << l;
  return r;
}
inline int __any_sync(unsigned mask, int pred, const std::source_location& s = std::source_location::current()) {
  int lane;
  unsigned part;
  const uint64_t* slots = cuda_emu::warp_exchange(cuda_emu::kAny, mask, pred != 0, s, &lane, &part);
  for (int l = 0; l < 32; l++)
    if (((mask >> l) & 1u) && ((part >> l) & 1u) && (slots[l] & 1)) return 1;
  return 0;
}
inline int __all_sync(unsigned mask, int pred, const std::source_location& s = std::source_location::current()) {
  int lane;
  unsigned part;
  const uint64_t* slots = cuda_emu::warp_exchange(cuda_emu::kAll, mask, pred != 0, s, &lane, &part);
  for (int l = 0; l < 32; l++)
    if (((mask >> l) & 1u) && ((part >> l) & 1u) && !(slots[l] & 1)) return 0;
  return 1;
}

// ---- atomics: only the overloads CUDA has (no atomicMax(float*): use a CAS loop) ---------------
#define CUDA_EMU_ATOMIC_RMW(NAME, T, OP)                                 \
  inline T NAME(T* addr, T v) {                                          \
    std::atomic_ref<T> a(*addr);                                         \
    T old = a.load(std::memory_order_relaxed);                           \
    while (!a.compare_exchange_weak(old, OP, std::memory_order_relaxed)) \
      ;                                                                  \
    return old;                                                          \
  }
CUDA_EMU_ATOMIC_RMW(atomicAdd, int, old + v)
CUDA_EMU_ATOMIC_RMW(atomicAdd, unsigned, old + v)
CUDA_EMU_ATOMIC_RMW(atomicAdd, unsigned long long, old + v)
CUDA_EMU_ATOMIC_RMW(atomicAdd, float, old + v)
CUDA_EMU_ATOMIC_RMW(atomicAdd, double, old + v)
CUDA_EMU_ATOMIC_RMW(atomicSub, int, old - v)
CUDA_EMU_ATOMIC_RMW(atomicSub, unsigned, old - v)
CUDA_EMU_ATOMIC_RMW(atomicMax, int, (old > v ? old : v))
CUDA_EMU_ATOMIC_RMW(atomicMax, unsigned, (old > v ? old : v))
CUDA_EMU_ATOMIC_RMW(atomicMax, long long, (old > v ? old : v))
CUDA_EMU_ATOMIC_RMW(atomicMax, unsigned long long, (old > v ? old : v))
CUDA_EMU_ATOMIC_RMW(atomicMin, int, (old < v ? old : v))
CUDA_EMU_ATOMIC_RMW(atomicMin, unsigned, (old < v ? old : v))
CUDA_EMU_ATOMIC_RMW(atomicMin, long long, (old < v ? old : v))
CUDA_EMU_ATOMIC_RMW(atomicMin, unsigned long long, (old < v ? old : v))
CUDA_EMU_ATOMIC_RMW(atomicExch, int, v)
CUDA_EMU_ATOMIC_RMW(atomicExch, unsigned, v)
CUDA_EMU_ATOMIC_RMW(atomicExch, unsigned long long, v)
CUDA_EMU_ATOMIC_RMW(atomicExch, float, v)
#undef CUDA_EMU_ATOMIC_RMW
#define CUDA_EMU_ATOMIC_CAS(T)                                                                  \
  inline T atomicCAS(T* addr, T compare, T v) {                                                 \
    std::atomic_ref<T> a(*addr);                                                                \
    a.compare_exchange_strong(compare, v, std::memory_order_relaxed);                          \
    return compare;                                                                             \
  }
CUDA_EMU_ATOMIC_CAS(int)
CUDA_EMU_ATOMIC_CAS(unsigned)
CUDA_EMU_ATOMIC_CAS(unsigned long long)
#undef CUDA_EMU_ATOMIC_CAS

// ---- math intrinsics (exact libm versions; the GPU's fast ones are approximate) ----------------
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __log2f(float x) { return log2f(x); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanhf(float x) { return tanhf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline float __saturatef(float x) { return x < 0.f ? 0.f : (x > 1.f ? 1.f : x); }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline int __float_as_int(float x) { int i; std::memcpy(&i, &x, 4); return i; }
inline unsigned __float_as_uint(float x) { unsigned i; std::memcpy(&i, &x, 4); return i; }
inline float __int_as_float(int i) { float x; std::memcpy(&x, &i, 4); return x; }
inline float __uint_as_float(unsigned i) { float x; std::memcpy(&x, &i, 4); return x; }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __clz(unsigned x) { return x ? __builtin_clz(x) : 32; }
inline int __ffs(unsigned x) { return __builtin_ffs((int)x); }
template <typename T>
inline T __ldg(const T* p) { return *p; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long min(long a, long b) { return a < b ? a : b; }
inline long max(long a, long b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }

// ---- runtime API --------------------------------------------------------------------------------
cudaError_t cudaMalloc(void** p, size_t bytes);
cudaError_t cudaFree(void* p);
cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t s);
cudaError_t cudaFreeAsync(void* p, cudaStream_t s);
cudaError_t cudaMallocHost(void** p, size_t bytes);
cudaError_t cudaFreeHost(void* p);
cudaError_t cudaMemcpy(void* d, const void* s, size_t n, cudaMemcpyKind k);
cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind k, cudaStream_t st = nullptr);
cudaError_t cudaMemset(void* d, int v, size_t n);
cudaError_t cudaMemsetAsync(void* d, int v, size_t n, cudaStream_t st = nullptr);
cudaError_t cudaDeviceSynchronize();
cudaError_t cudaStreamCreate(cudaStream_t* s);
cudaError_t cudaStreamDestroy(cudaStream_t s);
cudaError_t cudaStreamSynchronize(cudaStream_t s);
cudaError_t cudaGetDeviceCount(int* n);
cudaError_t cudaGetDevice(int* d);
cudaError_t cudaSetDevice(int d);
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
const char* cudaGetErrorString(cudaError_t e);
template <typename F>
cudaError_t cudaFuncSetAttribute(F* fn, cudaFuncAttribute attr, int value) {
  if (attr != cudaFuncAttributeMaxDynamicSharedMemorySize) return cudaErrorInvalidValue;
  return cuda_emu::set_max_dyn_smem((const void*)fn, value);
}
// __half, __nv_bfloat16, TF32 and the WMMA API (nvcuda::wmma) as warp-collective operations
#include "cuda_emu_wmma.h"
#endif
