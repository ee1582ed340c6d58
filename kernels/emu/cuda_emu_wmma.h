// cuda_emu_wmma.h - host emulation of CUDA's 16-bit float types, TF32 rounding and the WMMA API
// (nvcuda::wmma). Included by cuda_emu.h under g++ only; under nvcc the real <mma.h>,
// <cuda_fp16.h> and <cuda_bf16.h> are used. What kernels may rely on (kernels/README.md rule 7):
//   * __half / __nv_bfloat16 as storage: __float2half(_rn), __half2float, __float2bfloat16(_rn),
//     __bfloat162float (round to nearest even, as the GPU), implicit conversion to and from float;
//     arithmetic in float (no half operators).
//   * wmma::__float_to_tf32(x): x rounded to TF32 (10-bit mantissa; nearest, ties away, as cvt.rna.tf32).
//   * wmma::fragment<matrix_a | matrix_b | accumulator, M, N, K, T, row_major | col_major>,
//     fill_fragment, load_matrix_sync, store_matrix_sync, mma_sync for T = __half or __nv_bfloat16
//     (m16n16k16, m32n8k16, m8n32k16) and wmma::precision::tf32 (m16n16k8), accumulating in float.
//     frag.num_elements and frag.x[i] exist; which tile element x[i] is stays unspecified (it is
//     opaque on the GPU too): only element-wise operations applied to every x[i] alike are portable.
// How it is emulated: every lane holds the whole tile (num_elements = rows * cols here; 8 or so on a
// GPU). load/store/mma are warp-collective: all 32 lanes must call them at the same call site
// (else status 5, as for a divergent shuffle); each lane stores only its share of the tile, so a
// read of a stored tile without a __syncwarp / __syncthreads sees stale data, as on a GPU.
// load/store check the GPU's rules: pointer 32-byte aligned, ldm a multiple of 16 bytes.
// mma_sync multiplies in float (fp16/bf16 products are exact in fp32; TF32 inputs are truncated to
// TF32 as the tensor cores do) with sequential fp32 accumulation over k.
#pragma once
#include <cstring>
#include <type_traits>

// ---- 16-bit floats ---------------------------------------------------------------------------------
struct __half {
  uint16_t bits_;
  __half() = default;
  __half(float f) {  // round to nearest even (g++'s _Float16 conversion)
    _Float16 h = (_Float16)f;
    std::memcpy(&bits_, &h, 2);
  }
  operator float() const {
    _Float16 h;
    std::memcpy(&h, &bits_, 2);
    return (float)h;
  }
};
struct __nv_bfloat16 {
  uint16_t bits_;
  __nv_bfloat16() = default;
  __nv_bfloat16(float f) {  // round to nearest even; NaN stays a (quiet) NaN
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) {
      bits_ = (uint16_t)((u >> 16) | 0x40u);
    } else {
      u += 0x7fffu + ((u >> 16) & 1u);
      bits_ = (uint16_t)(u >> 16);
    }
  }
  operator float() const {
    uint32_t u = (uint32_t)bits_ << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
};
inline __half __float2half(float f) { return __half(f); }
inline __half __float2half_rn(float f) { return __half(f); }
inline float __half2float(__half h) { return (float)h; }
inline __nv_bfloat16 __float2bfloat16(float f) { return __nv_bfloat16(f); }
inline __nv_bfloat16 __float2bfloat16_rn(float f) { return __nv_bfloat16(f); }
inline float __bfloat162float(__nv_bfloat16 h) { return (float)h; }

namespace nvcuda {
namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };
namespace precision {
struct tf32 {};
}  // namespace precision

// TF32 (8-bit exponent, 10-bit mantissa in an fp32 container): nearest, ties away (cvt.rna.tf32.f32)
inline float __float_to_tf32(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7f800000u) != 0x7f800000u) u = (u + 0x1000u) & 0xffffe000u;
  std::memcpy(&f, &u, 4);
  return f;
}

namespace detail {
template <typename T>
struct storage {
  using type = T;
};
template <>
struct storage<precision::tf32> {
  using type = float;
};
inline float tf32_trunc(float f) {  // the tensor cores read the top 19 bits of a TF32 operand
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u &= 0xffffe000u;
  std::memcpy(&f, &u, 4);
  return f;
}
template <typename T>
constexpr bool valid_shape(int m, int n, int k) {
  if constexpr (std::is_same_v<T, precision::tf32>) return m == 16 && n == 16 && k == 8;
  if constexpr (std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>)
    return (m == 16 && n == 16 && k == 16) || (m == 32 && n == 8 && k == 16) || (m == 8 && n == 32 && k == 16);
  return false;
}
// warp-collective entry: every lane of a full warp at one call site; checks the GPU's address rules
inline void collective(const char* op, const void* ptr, unsigned ldm, size_t elem, const cuda_emu::Site& site) {
  int lane;
  unsigned part;
  cuda_emu::warp_exchange(cuda_emu::kWmma, 0xffffffffu, 0, site, &lane, &part);
  char msg[200];
  if (part != 0xffffffffu) {
    std::snprintf(msg, sizeof msg, "%s needs all 32 lanes of the warp (lanes %08x took part)", op, part);
    cuda_emu::kernel_fault(msg, site);
  }
  if (ptr && ((uintptr_t)ptr % 32) != 0) {
    std::snprintf(msg, sizeof msg, "%s: pointer %p is not 32-byte aligned", op, ptr);
    cuda_emu::kernel_fault(msg, site);
  }
  if (ptr && (ldm * elem) % 16 != 0) {
    std::snprintf(msg, sizeof msg, "%s: ldm %u (%zu-byte elements) is not a multiple of 16 bytes", op, ldm, elem);
    cuda_emu::kernel_fault(msg, site);
  }
}
}  // namespace detail

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
  static_assert(std::is_same_v<Use, accumulator> ? std::is_same_v<T, float> : detail::valid_shape<T>(M, N, K),
                "unsupported WMMA shape / element type (fp16/bf16: m16n16k16, m32n8k16, m8n32k16; tf32: m16n16k8; "
                "accumulator: float)");
  static_assert(std::is_same_v<Use, accumulator> == std::is_same_v<Layout, void>,
                "matrix_a / matrix_b fragments need row_major or col_major; accumulators none");
  using element_type = typename detail::storage<T>::type;
  static constexpr int rows = std::is_same_v<Use, matrix_b> ? K : M;
  static constexpr int cols = std::is_same_v<Use, matrix_a> ? K : N;
  static constexpr int num_elements = rows * cols;  // the whole tile, row-major (emulation only)
  element_type x[num_elements];
};

template <typename Use, int M, int N, int K, typename T, typename L>
inline void fill_fragment(fragment<Use, M, N, K, T, L>& f, const typename fragment<Use, M, N, K, T, L>::element_type& v) {
  for (auto& e : f.x) e = v;
}

template <typename Use, int M, int N, int K, typename T, typename L, typename P>
inline void load_matrix_sync(fragment<Use, M, N, K, T, L>& f, const P* p, unsigned ldm,
                             const cuda_emu::Site& site = cuda_emu::Site::current()) {
  using F = fragment<Use, M, N, K, T, L>;
  static_assert(!std::is_same_v<Use, accumulator>, "accumulator loads take a layout_t");
  static_assert(std::is_same_v<P, typename F::element_type>, "pointer type must be the fragment's element type");
  detail::collective("wmma::load_matrix_sync", p, ldm, sizeof(P), site);
  for (int r = 0; r < F::rows; r++)
    for (int c = 0; c < F::cols; c++) f.x[r * F::cols + c] = std::is_same_v<L, row_major> ? p[r * ldm + c] : p[c * ldm + r];
}

template <int M, int N, int K>
inline void load_matrix_sync(fragment<accumulator, M, N, K, float>& f, const float* p, unsigned ldm, layout_t layout,
                             const cuda_emu::Site& site = cuda_emu::Site::current()) {
  detail::collective("wmma::load_matrix_sync", p, ldm, sizeof(float), site);
  for (int r = 0; r < M; r++)
    for (int c = 0; c < N; c++) f.x[r * N + c] = layout == mem_row_major ? p[r * ldm + c] : p[c * ldm + r];
}

template <int M, int N, int K>
inline void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t layout,
                              const cuda_emu::Site& site = cuda_emu::Site::current()) {
  int lane = (int)((threadIdx.x + threadIdx.y * blockDim.x + threadIdx.z * blockDim.x * blockDim.y) % 32);
  detail::collective("wmma::store_matrix_sync", p, ldm, sizeof(float), site);
  for (int e = lane; e < M * N; e += 32) {  // this lane's share; the others store theirs
    int r = e / N, c = e % N;
    (layout == mem_row_major ? p[r * ldm + c] : p[c * ldm + r]) = f.x[e];
  }
}

template <int M, int N, int K, typename T, typename LA, typename LB>
inline void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, T, LA>& a,
                     const fragment<matrix_b, M, N, K, T, LB>& b, const fragment<accumulator, M, N, K, float>& c,
                     bool satf = false, const cuda_emu::Site& site = cuda_emu::Site::current()) {
  (void)satf;
  detail::collective("wmma::mma_sync", nullptr, 0, 0, site);
  constexpr bool tf = std::is_same_v<T, precision::tf32>;
  float out[M * N];
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      float acc = c.x[i * N + j];
      for (int k = 0; k < K; k++) {
        float x = (float)a.x[i * K + k], y = (float)b.x[k * N + j];
        if (tf) {
          x = detail::tf32_trunc(x);
          y = detail::tf32_trunc(y);
        }
        acc = fmaf(x, y, acc);
      }
      out[i * N + j] = acc;
    }
  std::memcpy(d.x, out, sizeof out);  // d may be c
}
}  // namespace wmma
}  // namespace nvcuda
