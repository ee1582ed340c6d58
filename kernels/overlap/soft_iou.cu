// soft_iou.cu - soft IoU between two sets of maps, [b,n,p] x [b,m,p] -> [b,n,m], and its backward.
// iou = I / (U + 1e-8) with I = sum_k min(a_k, g_k), U = sum_k max(a_k, g_k); at a == g the
// gradient of min and of max is split 1/2 : 1/2 (what central differences see).
// defines: rt_soft_iou_fwd rt_soft_iou_bwd
// versions:
//   1  one thread per (b,i,j) pair, serial loop over p
//   2  16x16 pair tile per block, 32-wide p-slices of a and g staged in shared memory; default
// Backward (both versions): the pair kernel of the version writes dL/dI and dL/dU per pair into a
// stream-ordered scratch (2*b*n*m floats), then one thread per (b,i,k) / (b,j,k) sums over pairs.
#include "../common/rt_check.cuh"

#define RT_IOU_TILE 16
#define RT_IOU_KT 32
#define RT_IOU_EPS 1e-8f

// GRAD = false: o0 = iou. GRAD = true: o0 = dL/dI = diou/(U+eps), o1 = dL/dU = -diou I/(U+eps)^2
template <bool GRAD>
__device__ __forceinline__ void iou_store(float* o0, float* o1, const float* diou, int64_t idx, float I, float U) {
  float den = U + RT_IOU_EPS;
  if (GRAD) {
    float gI = diou[idx] / den;
    o0[idx] = gI;
    o1[idx] = -gI * I / den;
  } else {
    o0[idx] = I / den;
  }
}

// a: (b, n, p), g: (b, m, p), o0/o1/diou: (b, n, m)
template <bool GRAD>
__global__ void soft_iou_pair_kernel1(float* o0, float* o1, const float* diou, const float* a, const float* g,
                                      int64_t b, int64_t n, int64_t m, int64_t p) {
  int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= b * n * m) return;
  int64_t bi = idx / (n * m), i = idx / m % n, j = idx % m;
  const float* ar = a + (bi * n + i) * p;
  const float* gr = g + (bi * m + j) * p;
  float I = 0, U = 0;
  for (int64_t k = 0; k < p; k++) {
    I += fminf(ar[k], gr[k]);
    U += fmaxf(ar[k], gr[k]);
  }
  iou_store<GRAD>(o0, o1, diou, idx, I, U);
}

// grid (m tiles, n tiles, b), block (16,16): thread (tx,ty) owns pair (i0+ty, j0+tx)
template <bool GRAD>
__global__ void __launch_bounds__(RT_IOU_TILE* RT_IOU_TILE)
    soft_iou_pair_kernel2(float* o0, float* o1, const float* diou, const float* a, const float* g, int64_t b, int64_t n,
                          int64_t m, int64_t p) {
  STATIC_SHARED(float, as, [RT_IOU_TILE][RT_IOU_KT + 1]);
  STATIC_SHARED(float, gs, [RT_IOU_TILE][RT_IOU_KT + 1]);
  int tx = threadIdx.x, ty = threadIdx.y, lin = ty * RT_IOU_TILE + tx;
  int64_t bi = blockIdx.z, i0 = (int64_t)blockIdx.y * RT_IOU_TILE, j0 = (int64_t)blockIdx.x * RT_IOU_TILE;
  const float* ab = a + bi * n * p;
  const float* gb = g + bi * m * p;
  float I = 0, U = 0;
  for (int64_t k0 = 0; k0 < p; k0 += RT_IOU_KT) {
    for (int e = lin; e < RT_IOU_TILE * RT_IOU_KT; e += RT_IOU_TILE * RT_IOU_TILE) {
      int r = e / RT_IOU_KT, kk = e % RT_IOU_KT;
      int64_t k = k0 + kk;
      bool kin = k < p;
      as[r][kk] = (i0 + r < n && kin) ? ab[(i0 + r) * p + k] : 0.0f;  // zero padding adds 0 to I and U
      gs[r][kk] = (j0 + r < m && kin) ? gb[(j0 + r) * p + k] : 0.0f;
    }
    __syncthreads();
    int kmax = (int)(p - k0 < RT_IOU_KT ? p - k0 : RT_IOU_KT);
    for (int kk = 0; kk < kmax; kk++) {
      float av = as[ty][kk], gv = gs[tx][kk];
      I += fminf(av, gv);
      U += fmaxf(av, gv);
    }
    __syncthreads();
  }
  int64_t i = i0 + ty, j = j0 + tx;
  if (i < n && j < m) iou_store<GRAD>(o0, o1, diou, (bi * n + i) * m + j, I, U);
}

// dself[bi, s, k] = sum_o gI(s,o) dmin + gU(s,o) dmax, d(min)/dself = [self<other] + [self==other]/2
// SELF_IS_A: self = a (pairs indexed [s, o]) else self = g (pairs [o, s]). self: (b, ns, p)
template <bool SELF_IS_A>
__global__ void soft_iou_grad_kernel(float* dself, const float* gI, const float* gU, const float* self,
                                     const float* other, int64_t b, int64_t ns, int64_t no, int64_t p) {
  int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;  // over (b, ns, p), k fastest: coalesced
  if (idx >= b * ns * p) return;
  int64_t bi = idx / (ns * p), s = idx / p % ns, k = idx % p;
  float x = self[idx];
  float acc = 0.0f;
  for (int64_t o = 0; o < no; o++) {
    float y = other[(bi * no + o) * p + k];
    int64_t pair = SELF_IS_A ? (bi * ns + s) * no + o : (bi * no + o) * ns + s;
    float dmin = x < y ? 1.0f : (x == y ? 0.5f : 0.0f);
    float dmax = x > y ? 1.0f : (x == y ? 0.5f : 0.0f);
    acc += gI[pair] * dmin + gU[pair] * dmax;
  }
  dself[idx] = acc;
}

#define RT_IOU_CHECKS(op)                                                               \
  RT_REQUIRE(b >= 0 && n >= 0 && m >= 0 && p > 0, op, "need b, n, m >= 0 and p > 0");    \
  RT_REQUIRE(version >= 0 && version <= 2, op, "unknown version (0, 1 or 2)");          \
  RT_REQUIRE(b * n * m < ((int64_t)1 << 38) && b <= 65535, op, "too many pairs");       \
  if (version == 0) version = 2

template <bool GRAD>
static void launch_pairs(int version, void* stream, float* o0, float* o1, const float* diou, const float* a,
                         const float* g, int64_t b, int64_t n, int64_t m, int64_t p) {
  if (version == 1) {
    RT_LAUNCH(soft_iou_pair_kernel1<GRAD>, (unsigned)RT_CEIL_DIV(b * n * m, 128), 128, 0, stream, o0, o1, diou, a, g,
              b, n, m, p);
  } else {
    dim3 grid((unsigned)RT_CEIL_DIV(m, RT_IOU_TILE), (unsigned)RT_CEIL_DIV(n, RT_IOU_TILE), (unsigned)b);
    RT_LAUNCH(soft_iou_pair_kernel2<GRAD>, grid, dim3(RT_IOU_TILE, RT_IOU_TILE), 0, stream, o0, o1, diou, a, g, b, n,
              m, p);
  }
}

extern "C" int rt_soft_iou_fwd(void* stream, float* iou, const float* a, const float* g, int64_t b, int64_t n,
                               int64_t m, int64_t p, int version) {
  RT_IOU_CHECKS("rt_soft_iou_fwd");
  if (b * n * m == 0) return 0;
  RT_REQUIRE(iou && a && g, "rt_soft_iou_fwd", "null pointer");
  RT_REQUIRE(RT_CEIL_DIV(n, RT_IOU_TILE) <= 65535, "rt_soft_iou_fwd", "n too large");
  launch_pairs<false>(version, stream, iou, nullptr, nullptr, a, g, b, n, m, p);
  RT_LAUNCHED("rt_soft_iou_fwd");
  return 0;
}

extern "C" int rt_soft_iou_bwd(void* stream, float* da, float* dg, const float* diou, const float* a, const float* g,
                               int64_t b, int64_t n, int64_t m, int64_t p, int version) {
  RT_IOU_CHECKS("rt_soft_iou_bwd");
  RT_REQUIRE(da && dg && a && g, "rt_soft_iou_bwd", "null pointer");
  cudaStream_t st = (cudaStream_t)stream;
  if (b * n * m == 0) {  // no pairs: zero gradients
    if (b * n > 0) RT_CUDA(cudaMemsetAsync(da, 0, (size_t)(b * n * p) * sizeof(float), st), "rt_soft_iou_bwd");
    if (b * m > 0) RT_CUDA(cudaMemsetAsync(dg, 0, (size_t)(b * m * p) * sizeof(float), st), "rt_soft_iou_bwd");
    return 0;
  }
  RT_REQUIRE(diou != nullptr, "rt_soft_iou_bwd", "diou is null");
  float* scratch = nullptr;
  RT_CUDA(cudaMallocAsync((void**)&scratch, (size_t)(2 * b * n * m) * sizeof(float), st), "rt_soft_iou_bwd");
  float* gI = scratch;
  float* gU = scratch + b * n * m;
  launch_pairs<true>(version, stream, gI, gU, diou, a, g, b, n, m, p);
  cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) {
    RT_LAUNCH(soft_iou_grad_kernel<true>, (unsigned)RT_CEIL_DIV(b * n * p, 128), 128, 0, stream, da, gI, gU, a, g, b, n,
              m, p);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) {
    RT_LAUNCH(soft_iou_grad_kernel<false>, (unsigned)RT_CEIL_DIV(b * m * p, 128), 128, 0, stream, dg, gI, gU, g, a, b,
              m, n, p);
    e = cudaGetLastError();
  }
  cudaFreeAsync(scratch, st);
  if (e != cudaSuccess) return ::rt::launch_failed(e, "rt_soft_iou_bwd", __FILE__, __LINE__);
  return 0;
}
