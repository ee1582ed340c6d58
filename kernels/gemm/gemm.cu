// gemm.cu - batched strided GEMM on row-major matrices (issue 17): c = alpha op(a) op(b) + beta c.
// The hand-written kernel the cuBLAS path is checked against on a GPU, and what cuda-emu runs.
// defines: rt_gemm
// versions: 1 (one thread per element of c), 2 (shared-memory tiles, gemm_tile.cuh; default)
// Contract: org.revtaf.engine.backend.MatmulKernels (reference: org.revtaf.engine.backend.reference.RefMatmul).
#include "gemm_tile.cuh"

struct RtGemmProblem {
  int64_t m, n, k, stride_a, stride_b;
  const float* A;
  const float* B;
  float* C;
  int trans_a, trans_b;
  float alpha, beta;
  __device__ __forceinline__ float a(int64_t z, int64_t i, int64_t p) const {
    const float* s = A + z * stride_a;
    return trans_a ? s[p * m + i] : s[i * k + p];
  }
  __device__ __forceinline__ float b(int64_t z, int64_t p, int64_t j) const {
    const float* s = B + z * stride_b;
    return trans_b ? s[j * k + p] : s[p * n + j];
  }
  __device__ __forceinline__ void store(int64_t z, int64_t i, int64_t j, float acc) const {
    float* c = C + z * m * n + i * n + j;
    *c = beta == 0.0f ? alpha * acc : alpha * acc + beta * *c;
  }
};

extern "C" int rt_gemm(void* stream, float* c, const float* a, const float* b, int64_t batch, int64_t m, int64_t n,
                       int64_t k, int trans_a, int trans_b, int64_t stride_a, int64_t stride_b, float alpha, float beta,
                       int version) {
  RT_REQUIRE(batch >= 0 && m >= 0 && n >= 0 && k >= 0 && stride_a >= 0 && stride_b >= 0, "rt_gemm", "negative size");
  RT_REQUIRE(version >= 0 && version <= 2, "rt_gemm", "bad version");
  if (batch * m * n == 0) return 0;
  RT_REQUIRE(c != nullptr && (k == 0 || (a != nullptr && b != nullptr)), "rt_gemm", "null pointer");
  RtGemmProblem pr{m, n, k, stride_a, stride_b, a, b, c, trans_a != 0, trans_b != 0, alpha, beta};
  return rt_gemm_launch("rt_gemm", pr, batch, version, stream);
}
