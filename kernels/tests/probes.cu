// probes.cu - small correct kernels that exercise each emulated CUDA feature once (block-wide
// reduction with static smem + shuffles, dynamic smem, shuffles with width, ballot/any/all,
// atomics, 3-D indices, many blocks on several workers, 16-bit floats and TF32, WMMA fragments).
// Test library only; the JUnit tests (org.revtaf.engine.kernels.EmulatorBugsTest, EmulatorWmmaTest)
// compute the expected values independently.
// defines: rtp_block_sum rtp_shuffles rtp_votes rtp_atomics rtp_indices rtp_convert rtp_wmma_gemm
#include "../emu/cuda_emu.h"
#include "../common/rt_check.cuh"

#define RTP_API extern "C" __attribute__((visibility("default")))

// out[b] = sum of x[b*n .. b*n+n): one block per row; warp shuffles then one smem slot per warp
template <int BLOCK>
__global__ void block_sum_kernel(float* out, const float* x, int n) {
  STATIC_SHARED(float, warp_sums, [BLOCK / 32]);
  const float* row = x + (int64_t)blockIdx.x * n;
  float acc = 0.0f;
  for (int i = threadIdx.x; i < n; i += BLOCK) acc += row[i];
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_down_sync(0xffffffffu, acc, o);
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = acc;
  __syncthreads();
  if (threadIdx.x < 32) {
    float v = threadIdx.x < BLOCK / 32 ? warp_sums[threadIdx.x] : 0.0f;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    if (threadIdx.x == 0) out[blockIdx.x] = v;
  }
}
RTP_API int rtp_block_sum(float* out, const float* x, int rows, int n, int block) {
  if (block == 128) RT_LAUNCH(block_sum_kernel<128>, rows, 128, 0, nullptr, out, x, n);
  else RT_LAUNCH(block_sum_kernel<256>, rows, 256, 0, nullptr, out, x, n);
  RT_LAUNCHED("rtp_block_sum");
  return 0;
}

// per lane (64 threads): out[0..63] = shfl idx (lane 5 of each 8-wide segment), out[64..] = up by 3
// (width 16), out[128..] = down by 2 (width 32), out[192..] = xor 7, out[256..] = value passed
// through dynamic smem in reverse order
__global__ void shuffles_kernel(int* out) {
  EXTERN_SHARED(int, s);
  int t = threadIdx.x;
  int v = t * 10;
  out[t] = __shfl_sync(0xffffffffu, v, 5, 8);
  out[64 + t] = __shfl_up_sync(0xffffffffu, v, 3, 16);
  out[128 + t] = __shfl_down_sync(0xffffffffu, v, 2);
  out[192 + t] = __shfl_xor_sync(0xffffffffu, v, 7);
  s[t] = v;
  __syncthreads();
  out[256 + t] = s[63 - t];
}
RTP_API int rtp_shuffles(int* out) {
  RT_LAUNCH(shuffles_kernel, 1, 64, 64 * sizeof(int), nullptr, out);
  RT_LAUNCHED("rtp_shuffles");
  return 0;
}

// 64 threads: out[t] = ballot(pred), out[64+t] = any, out[128+t] = all, with pred = x[t] > 0;
// out[192+t] = own bit of __activemask() (1)
__global__ void votes_kernel(unsigned* out, const float* x) {
  int t = threadIdx.x;
  int p = x[t] > 0.0f;
  out[t] = __ballot_sync(0xffffffffu, p);
  out[64 + t] = (unsigned)__any_sync(0xffffffffu, p);
  out[128 + t] = (unsigned)__all_sync(0xffffffffu, p);
  __syncwarp();
  out[192 + t] = (__activemask() >> (t % 32)) & 1u;  // the caller is always active
}
RTP_API int rtp_votes(unsigned* out, const float* x) {
  RT_LAUNCH(votes_kernel, 1, 64, 0, nullptr, out, x);
  RT_LAUNCHED("rtp_votes");
  return 0;
}

__device__ float atomic_max_float(float* addr, float v) {  // CUDA has no atomicMax(float*)
  int* ai = reinterpret_cast<int*>(addr);
  int old = *ai;
  while (__int_as_float(old) < v) {
    int seen = atomicCAS(ai, old, __float_as_int(v));
    if (seen == old) break;
    old = seen;
  }
  return __int_as_float(old);
}
// fsum += x[i], imax = max((int)x[i]), fmax = max(x[i]), count += 1 over n elements, many blocks
__global__ void atomics_kernel(float* fsum, int* imax, float* fmax, int* count, const float* x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    atomicAdd(fsum, x[i]);
    atomicMax(imax, (int)x[i]);
    atomic_max_float(fmax, x[i]);
    atomicAdd(count, 1);
  }
}
RTP_API int rtp_atomics(float* fsum, int* imax, float* fmax, int* count, const float* x, int n) {
  RT_LAUNCH(atomics_kernel, RT_CEIL_DIV(n, 96), 96, 0, nullptr, fsum, imax, fmax, count, x, n);
  RT_LAUNCHED("rtp_atomics");
  return 0;
}

// 3-D grid (3,2,2) of 3-D blocks (4,2,3): out[linear global id] = encoded (block, thread) indices
__global__ void indices_kernel(int* out) {
  int b = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  int t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  int g = b * (blockDim.x * blockDim.y * blockDim.z) + t;
  out[g] = blockIdx.x * 100000 + blockIdx.y * 10000 + blockIdx.z * 1000 + threadIdx.x * 100 + threadIdx.y * 10 +
           threadIdx.z;
}
RTP_API int rtp_indices(int* out) {
  RT_LAUNCH(indices_kernel, dim3(3, 2, 2), dim3(4, 2, 3), 0, nullptr, out);
  RT_LAUNCHED("rtp_indices");
  return 0;
}

// ---- tensor cores (WMMA) and 16-bit floats ---------------------------------------------------------
// out[i] = x[i] rounded through fp16 (kind 0), bf16 (1) or TF32 (2) and back to float
__global__ void convert_kernel(float* out, const float* x, int n, int kind) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  float v = x[i];
  out[i] = kind == 0 ? __half2float(__float2half_rn(v))
           : kind == 1 ? __bfloat162float(__float2bfloat16_rn(v))
                       : nvcuda::wmma::__float_to_tf32(v);
}
RTP_API int rtp_convert(float* out, const float* x, int n, int kind) {
  RT_LAUNCH(convert_kernel, RT_CEIL_DIV(n, 64), 64, 0, nullptr, out, x, n, kind);
  RT_LAUNCHED("rtp_convert");
  return 0;
}

// c (m, n) row-major += a (m, k) b (k, n); a and b row- or column-major (a col-major: a[kk*m + i];
// b col-major: b[j*k + kk]), elements of type S (T = precision::tf32: float, rounded to TF32 in the
// fragments). One warp per M x N output tile: grid (n/N, m/M), block 32.
template <typename T, typename S, int M, int N, int K, typename LA, typename LB>
__global__ void wmma_gemm_kernel(float* c, const S* a, const S* b, int m, int n, int k) {
  using namespace nvcuda;
  constexpr bool a_row = std::is_same<LA, wmma::row_major>::value, b_row = std::is_same<LB, wmma::row_major>::value;
  int tm = blockIdx.y * M, tn = blockIdx.x * N;
  wmma::fragment<wmma::matrix_a, M, N, K, T, LA> fa;
  wmma::fragment<wmma::matrix_b, M, N, K, T, LB> fb;
  wmma::fragment<wmma::accumulator, M, N, K, float> fc;
  wmma::load_matrix_sync(fc, c + (int64_t)tm * n + tn, n, wmma::mem_row_major);
  for (int k0 = 0; k0 < k; k0 += K) {
    wmma::load_matrix_sync(fa, a_row ? a + (int64_t)tm * k + k0 : a + (int64_t)k0 * m + tm, a_row ? k : m);
    wmma::load_matrix_sync(fb, b_row ? b + (int64_t)k0 * n + tn : b + (int64_t)tn * k + k0, b_row ? n : k);
    if (std::is_same<T, wmma::precision::tf32>::value) {
      for (int i = 0; i < fa.num_elements; i++) fa.x[i] = wmma::__float_to_tf32(fa.x[i]);
      for (int i = 0; i < fb.num_elements; i++) fb.x[i] = wmma::__float_to_tf32(fb.x[i]);
    }
    wmma::mma_sync(fc, fa, fb, fc);
  }
  wmma::store_matrix_sync(c + (int64_t)tm * n + tn, fc, n, wmma::mem_row_major);
}
template <typename T, typename S, int M, int N, int K>
int wmma_gemm_launch(float* c, const void* a, const void* b, int m, int n, int k, int a_col, int b_col) {
  using namespace nvcuda;
  dim3 grid(n / N, m / M);
  const S* as = (const S*)a;
  const S* bs = (const S*)b;
  if (!a_col && !b_col) RT_LAUNCH((wmma_gemm_kernel<T, S, M, N, K, wmma::row_major, wmma::row_major>), grid, 32, 0, nullptr, c, as, bs, m, n, k);
  if (!a_col && b_col) RT_LAUNCH((wmma_gemm_kernel<T, S, M, N, K, wmma::row_major, wmma::col_major>), grid, 32, 0, nullptr, c, as, bs, m, n, k);
  if (a_col && !b_col) RT_LAUNCH((wmma_gemm_kernel<T, S, M, N, K, wmma::col_major, wmma::row_major>), grid, 32, 0, nullptr, c, as, bs, m, n, k);
  if (a_col && b_col) RT_LAUNCH((wmma_gemm_kernel<T, S, M, N, K, wmma::col_major, wmma::col_major>), grid, 32, 0, nullptr, c, as, bs, m, n, k);
  RT_LAUNCHED("rtp_wmma_gemm");
  return 0;
}
// type: 0 fp16, 1 bf16 (a, b: 16-bit values), 2 tf32 (a, b: float); shape: 0 m16n16k16 (tf32:
// m16n16k8), 1 m32n8k16, 2 m8n32k16; m, n, k multiples of the tile
RTP_API int rtp_wmma_gemm(float* c, const void* a, const void* b, int m, int n, int k, int type, int shape, int a_col,
                          int b_col) {
  using namespace nvcuda;
  if (type == 2) return wmma_gemm_launch<wmma::precision::tf32, float, 16, 16, 8>(c, a, b, m, n, k, a_col, b_col);
  if (type == 0 && shape == 0) return wmma_gemm_launch<__half, __half, 16, 16, 16>(c, a, b, m, n, k, a_col, b_col);
  if (type == 0 && shape == 1) return wmma_gemm_launch<__half, __half, 32, 8, 16>(c, a, b, m, n, k, a_col, b_col);
  if (type == 0 && shape == 2) return wmma_gemm_launch<__half, __half, 8, 32, 16>(c, a, b, m, n, k, a_col, b_col);
  if (type == 1 && shape == 0)
    return wmma_gemm_launch<__nv_bfloat16, __nv_bfloat16, 16, 16, 16>(c, a, b, m, n, k, a_col, b_col);
  if (type == 1 && shape == 1)
    return wmma_gemm_launch<__nv_bfloat16, __nv_bfloat16, 32, 8, 16>(c, a, b, m, n, k, a_col, b_col);
  return wmma_gemm_launch<__nv_bfloat16, __nv_bfloat16, 8, 32, 16>(c, a, b, m, n, k, a_col, b_col);
}
