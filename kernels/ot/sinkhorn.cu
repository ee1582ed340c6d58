// sinkhorn.cu - batched log-domain Sinkhorn (uniform marginals over valid rows/columns, masks for
// padded tokens) and its backward through the iterations that ran (unrolled, exact). Contract:
// org.revtaf.engine.backend.reference.SinkhornRef; include/revtaf_kernels.h.
// Convergence on the device, no host sync per iteration: the launcher queues max_iter iteration
// launches (one block per item); each adds its items' |u^k - u^(k-1)| into err[k] (double
// atomics) and skips itself when err[k-1] / valid < tol (one global mean over the batch, as the
// reference). The plan kernel finds K from err and writes it to `iters`.
// defines: rt_sinkhorn_fwd rt_sinkhorn_bwd
// versions (fwd and bwd):
//   1  cost read from global memory; one thread per row / column, serial logsumexp
//   2  cost staged in shared memory (p*t <= 12288 floats, else version 1 runs); one warp per row /
//      column with a shuffle-merged online logsumexp; default
//   3  forward fused into ONE launch of one block (for small problems, where max_iter launches of
//      b blocks cost more than the work): counts, every iteration with the batch-global stop rule
//      decided inside the block, and the plan; warp per row / column as version 2, cost read from
//      global memory (L2-resident at these sizes); b <= 6144. Backward as version 2. Not the
//      default: no GPU has timed it yet (benchmarks/gpu-check.sh)
// Backward: with the history u^k, v^k the softmaxes of iteration k are
//   Q_ij = exp((-C_ij + u^k_i + v^k_j)/eps) / nu'   (column step)   and
//   P_ij = exp((-C_ij + u^k_i + v^(k-1)_j)/eps) / mu' (row step),
// so each reverse step is two passes over the cost without any logsumexp.
#include "../common/rt_check.cuh"
#include "../common/rt_warp.cuh"

#define RT_SK_BLOCK 128
#define RT_SK_SMEM_FLOATS 12288
#define RT_SK_FUSED_BLOCK 512
#define RT_SK_FUSED_MAX_B 6144

struct SkItem {    // one batch item
  const float* C;  // (p, t): global or shared
  const uint8_t* rm;  // (p) or NULL
  const uint8_t* cm;  // (t) or NULL
  int64_t p, t;
};
__device__ __forceinline__ bool sk_valid(const uint8_t* m, int64_t i) { return m == nullptr || m[i] != 0; }

// logsumexp over the other axis of line l: rows (ROW) use C[l, k] + w_k, columns C[k, l] + w_k;
// value (-C + w)/eps; -inf when no entry is valid. WARP: the 32 lanes of a warp share the line.
template <bool ROW, bool WARP>
__device__ float sk_line_lse(const SkItem& it, int64_t l, const float* w, float inv_eps) {
  int64_t K = ROW ? it.t : it.p;
  const uint8_t* km = ROW ? it.cm : it.rm;
  int64_t k0 = WARP ? threadIdx.x % 32 : 0, dk = WARP ? 32 : 1;
  float m = -INFINITY, s = 0.0f;
  for (int64_t k = k0; k < K; k += dk) {
    if (!sk_valid(km, k)) continue;
    float x = (-(ROW ? it.C[l * it.t + k] : it.C[k * it.t + l]) + w[k]) * inv_eps;
    if (x > m) {
      s = s * __expf(m - x) + 1.0f;
      m = x;
    } else {
      s += __expf(x - m);
    }
  }
  if (WARP) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
      float m2 = __shfl_xor_sync(0xffffffffu, m, o), s2 = __shfl_xor_sync(0xffffffffu, s, o);
      lse_merge(m, s, m2, s2);
    }
  }
  return m == -INFINITY ? -INFINITY : m + __logf(s);
}

// One iteration k for every item (block = item). Skipped when the previous iteration already met
// the tolerance (err[k-1] < tol * valid; skipped iterations leave err = 0, so this chains).
// cost, u_hist/v_hist slices as in the header; err: (max_iter + 1) doubles; valid: total valid rows.
template <bool WARP, bool SMEM>
__global__ void __launch_bounds__(RT_SK_BLOCK)
    sinkhorn_iter_kernel(float* u_hist, float* v_hist, double* err, const double* valid, const float* cost,
                         const uint8_t* row_mask, const uint8_t* col_mask, int64_t b, int64_t p, int64_t t, float eps,
                         float tol, int k) {
  STATIC_SHARED(float, red, [32]);
  EXTERN_SHARED(float, cs);
  double nvalid = *valid;
  if (nvalid == 0.0 || (k > 1 && err[k - 1] / nvalid < (double)tol)) return;  // block-uniform
  int64_t bi = blockIdx.x;
  SkItem it{cost + bi * p * t, row_mask ? row_mask + bi * p : nullptr, col_mask ? col_mask + bi * t : nullptr, p, t};
  float nrow = 0, ncol = 0;
  for (int64_t i = threadIdx.x; i < p; i += blockDim.x) nrow += sk_valid(it.rm, i);
  for (int64_t j = threadIdx.x; j < t; j += blockDim.x) ncol += sk_valid(it.cm, j);
  if (SMEM) {
    for (int64_t e = threadIdx.x; e < p * t; e += blockDim.x) cs[e] = it.C[e];
    it.C = cs;  // visible after the barriers in block_sum
  }
  nrow = block_sum(nrow, red);
  ncol = block_sum(ncol, red);
  if (nrow == 0 || ncol == 0) return;  // inactive item: history stays 0 (block-uniform)
  float inv_eps = 1.0f / eps;
  float logmu = logf(1.0f / nrow + 1e-8f), lognu = logf(1.0f / ncol + 1e-8f);
  const float* uprev = u_hist + ((int64_t)(k - 1) * b + bi) * p;
  const float* vprev = v_hist + ((int64_t)(k - 1) * b + bi) * t;
  float* u = u_hist + ((int64_t)k * b + bi) * p;
  float* v = v_hist + ((int64_t)k * b + bi) * t;
  int lane = WARP ? threadIdx.x % 32 : 0;
  int64_t w0 = WARP ? threadIdx.x / 32 : threadIdx.x, dw = WARP ? blockDim.x / 32 : blockDim.x;
  float e = 0.0f;
  for (int64_t i = w0; i < p; i += dw) {  // row step from v^(k-1)
    float lse = sk_line_lse<true, WARP>(it, i, vprev, inv_eps);
    bool ok = sk_valid(it.rm, i);
    float un = ok ? eps * logmu - eps * lse : 0.0f;
    if (lane == 0) {
      if (ok) e += fabsf(un - uprev[i]);
      u[i] = un;
    }
  }
  __syncthreads();
  for (int64_t j = w0; j < t; j += dw) {  // column step from u^k
    float lse = sk_line_lse<false, WARP>(it, j, u, inv_eps);
    float vn = sk_valid(it.cm, j) ? eps * lognu - eps * lse : 0.0f;
    if (lane == 0) v[j] = vn;
  }
  e = block_sum(e, red);
  if (threadIdx.x == 0) atomicAdd(err + k, (double)e);
}

// valid = number of valid rows of the items that have a valid row and a valid column
__global__ void sinkhorn_count_kernel(double* valid, const uint8_t* row_mask, const uint8_t* col_mask, int64_t b,
                                      int64_t p, int64_t t) {
  STATIC_SHARED(float, red, [32]);
  float total = 0;
  for (int64_t bi = 0; bi < b; bi++) {
    float nr = 0, nc = 0;
    for (int64_t i = threadIdx.x; i < p; i += blockDim.x) nr += sk_valid(row_mask ? row_mask + bi * p : nullptr, i);
    for (int64_t j = threadIdx.x; j < t; j += blockDim.x) nc += sk_valid(col_mask ? col_mask + bi * t : nullptr, j);
    nr = block_sum(nr, red);
    nc = block_sum(nc, red);
    if (nc > 0) total += nr;
  }
  if (threadIdx.x == 0) *valid = total;
}

// K = first k with err[k]/valid < tol, else max_iter (0 when nothing is valid); plan from u^K, v^K
__global__ void sinkhorn_plan_kernel(float* plan, int32_t* iters, const float* u_hist, const float* v_hist,
                                     const double* err, const double* valid, const float* cost,
                                     const uint8_t* row_mask, const uint8_t* col_mask, int64_t b, int64_t p, int64_t t,
                                     float eps, int max_iter, float tol) {
  double nvalid = *valid;
  int K = 0;
  if (nvalid > 0) {
    K = max_iter;
    for (int k = 1; k <= max_iter; k++)
      if (err[k] / nvalid < (double)tol) {
        K = k;
        break;
      }
  }
  if (blockIdx.x == 0 && threadIdx.x == 0) *iters = K;
  int64_t bi = blockIdx.y;
  const uint8_t* rm = row_mask ? row_mask + bi * p : nullptr;
  const uint8_t* cm = col_mask ? col_mask + bi * t : nullptr;
  const float* u = u_hist + ((int64_t)K * b + bi) * p;
  const float* v = v_hist + ((int64_t)K * b + bi) * t;
  float inv_eps = 1.0f / eps;
  for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < p * t; e += (int64_t)gridDim.x * blockDim.x) {
    int64_t i = e / t, j = e % t;
    bool ok = K > 0 && sk_valid(rm, i) && sk_valid(cm, j);
    // (an inactive item has no valid row or no valid column, so `ok` is false everywhere in it)
    plan[bi * p * t + e] = ok ? __expf((-cost[bi * p * t + e] + u[i] + v[j]) * inv_eps) : 0.0f;
  }
}

// Version 3: the whole forward in one block of RT_SK_FUSED_BLOCK threads. cnt (dynamic smem, 2b
// floats): valid rows / columns per item. Iteration k as sinkhorn_iter_kernel over every item, then
// stop when the batch's mean |u^k - u^(k-1)| < tol (block-uniform: every thread has the block sum).
__global__ void __launch_bounds__(RT_SK_FUSED_BLOCK)
    sinkhorn_fused_kernel(float* plan, int32_t* iters, float* u_hist, float* v_hist, const float* cost,
                          const uint8_t* row_mask, const uint8_t* col_mask, int64_t b, int64_t p, int64_t t, float eps,
                          int max_iter, float tol) {
  STATIC_SHARED(float, red, [32]);
  EXTERN_SHARED(float, cnt);
  int lane = threadIdx.x % 32, warp = threadIdx.x / 32, nw = blockDim.x / 32;
  for (int64_t bi = warp; bi < b; bi += nw) {
    float nr = 0, nc = 0;
    for (int64_t i = lane; i < p; i += 32) nr += sk_valid(row_mask ? row_mask + bi * p : nullptr, i);
    for (int64_t j = lane; j < t; j += 32) nc += sk_valid(col_mask ? col_mask + bi * t : nullptr, j);
    nr = warp_sum(nr);
    nc = warp_sum(nc);
    if (lane == 0) {
      cnt[2 * bi] = nr;
      cnt[2 * bi + 1] = nc;
    }
  }
  __syncthreads();
  float nvalid = 0;
  for (int64_t bi = threadIdx.x; bi < b; bi += blockDim.x)
    if (cnt[2 * bi + 1] > 0) nvalid += cnt[2 * bi];
  nvalid = block_sum(nvalid, red);
  float inv_eps = 1.0f / eps;
  int K = 0;
  for (int k = 1; k <= max_iter && nvalid > 0; k++) {  // block-uniform trip count
    K = k;
    float e = 0.0f;
    for (int64_t l = warp; l < b * p; l += nw) {  // row step from v^(k-1); l is warp-uniform
      int64_t bi = l / p, i = l % p;
      float nr = cnt[2 * bi], nc = cnt[2 * bi + 1];
      if (nr == 0 || nc == 0) continue;  // inactive item: its history stays 0
      SkItem it{cost + bi * p * t, row_mask ? row_mask + bi * p : nullptr, col_mask ? col_mask + bi * t : nullptr, p, t};
      float lse = sk_line_lse<true, true>(it, i, v_hist + ((int64_t)(k - 1) * b + bi) * t, inv_eps);
      bool ok = sk_valid(it.rm, i);
      float un = ok ? eps * logf(1.0f / nr + 1e-8f) - eps * lse : 0.0f;
      if (lane == 0) {
        if (ok) e += fabsf(un - u_hist[((int64_t)(k - 1) * b + bi) * p + i]);
        u_hist[((int64_t)k * b + bi) * p + i] = un;
      }
    }
    __syncthreads();
    for (int64_t l = warp; l < b * t; l += nw) {  // column step from u^k
      int64_t bi = l / t, j = l % t;
      float nr = cnt[2 * bi], nc = cnt[2 * bi + 1];
      if (nr == 0 || nc == 0) continue;
      SkItem it{cost + bi * p * t, row_mask ? row_mask + bi * p : nullptr, col_mask ? col_mask + bi * t : nullptr, p, t};
      float lse = sk_line_lse<false, true>(it, j, u_hist + ((int64_t)k * b + bi) * p, inv_eps);
      float vn = sk_valid(it.cm, j) ? eps * logf(1.0f / nc + 1e-8f) - eps * lse : 0.0f;
      if (lane == 0) v_hist[((int64_t)k * b + bi) * t + j] = vn;
    }
    e = block_sum(e, red);  // its barriers also publish v^k to the next row step
    if ((double)e / (double)nvalid < (double)tol) break;
  }
  if (threadIdx.x == 0) *iters = K;
  for (int64_t e = threadIdx.x; e < b * p * t; e += blockDim.x) {
    int64_t bi = e / (p * t), i = e / t % p, j = e % t;
    const uint8_t* rm = row_mask ? row_mask + bi * p : nullptr;
    const uint8_t* cm = col_mask ? col_mask + bi * t : nullptr;
    bool ok = K > 0 && cnt[2 * bi] > 0 && cnt[2 * bi + 1] > 0 && sk_valid(rm, i) && sk_valid(cm, j);
    plan[e] = ok ? __expf((-cost[e] + u_hist[((int64_t)K * b + bi) * p + i] + v_hist[((int64_t)K * b + bi) * t + j]) *
                          inv_eps)
                 : 0.0f;
  }
}

// Reverse pass, one block per item. ub/vb: adjoints of u^k / v^k in shared memory (p + t floats).
template <bool WARP, bool SMEM>
__global__ void __launch_bounds__(RT_SK_BLOCK)
    sinkhorn_bwd_kernel(float* dcost, const float* dplan, const float* plan, const float* u_hist, const float* v_hist,
                        const int32_t* iters, const float* cost, const uint8_t* row_mask, const uint8_t* col_mask,
                        int64_t b, int64_t p, int64_t t, float eps) {
  EXTERN_SHARED(float, sm);
  float* ub = sm;
  float* vb = sm + p;
  int64_t bi = blockIdx.x;
  SkItem it{cost + bi * p * t, row_mask ? row_mask + bi * p : nullptr, col_mask ? col_mask + bi * t : nullptr, p, t};
  if (SMEM) {
    float* cs = sm + p + t;
    for (int64_t e = threadIdx.x; e < p * t; e += blockDim.x) cs[e] = it.C[e];
    it.C = cs;
  }
  const float* G = dplan + bi * p * t;
  const float* T = plan + bi * p * t;
  float* dC = dcost + bi * p * t;
  int K = iters[0];
  float inv_eps = 1.0f / eps;
  int lane = WARP ? threadIdx.x % 32 : 0;
  int64_t w0 = WARP ? threadIdx.x / 32 : threadIdx.x, dw = WARP ? blockDim.x / 32 : blockDim.x;
  int64_t l0 = WARP ? lane : 0, dl = WARP ? 32 : 1;
  // nrow/ncol again (mu', nu'): each thread counts all (cheap, no barrier needed)
  float nrow = 0, ncol = 0;
  for (int64_t i = 0; i < p; i++) nrow += sk_valid(it.rm, i);
  for (int64_t j = 0; j < t; j++) ncol += sk_valid(it.cm, j);
  float mu = nrow > 0 ? 1.0f / nrow + 1e-8f : 1.0f, nu = ncol > 0 ? 1.0f / ncol + 1e-8f : 1.0f;
  // plan = exp((-C + u + v)/eps): direct term and adjoints of the final u, v
  for (int64_t i = w0; i < p; i += dw) {
    float acc = 0.0f;
    for (int64_t j = l0; j < t; j += dl) {
      float gt = G[i * t + j] * T[i * t + j] * inv_eps;
      dC[i * t + j] = -gt;
      acc += gt;
    }
    if (WARP) acc = warp_sum(acc);
    if (lane == 0) ub[i] = acc;
  }
  for (int64_t j = w0; j < t; j += dw) {
    float acc = 0.0f;
    for (int64_t i = l0; i < p; i += dl) acc += G[i * t + j] * T[i * t + j] * inv_eps;
    if (WARP) acc = warp_sum(acc);
    if (lane == 0) vb[j] = acc;
  }
  __syncthreads();
  for (int k = K; k >= 1; k--) {
    const float* uk = u_hist + ((int64_t)k * b + bi) * p;
    const float* vk = v_hist + ((int64_t)k * b + bi) * t;
    const float* vprev = v_hist + ((int64_t)(k - 1) * b + bi) * t;
    // column step v^k_j: dC_ij += vb_j Q_ij, ub_i -= sum_j vb_j Q_ij (row owners)
    for (int64_t i = w0; i < p; i += dw) {
      if (!sk_valid(it.rm, i)) continue;
      float acc = 0.0f;
      for (int64_t j = l0; j < t; j += dl) {
        if (!sk_valid(it.cm, j)) continue;
        float q = __expf((-it.C[i * t + j] + uk[i] + vk[j]) * inv_eps) / nu;
        dC[i * t + j] += vb[j] * q;
        acc += vb[j] * q;
      }
      if (WARP) acc = warp_sum(acc);
      if (lane == 0) ub[i] -= acc;
    }
    __syncthreads();
    // row step u^k_i: dC_ij += ub_i P_ij, vb_j (now for v^(k-1)) = -sum_i ub_i P_ij (column owners)
    for (int64_t j = w0; j < t; j += dw) {
      float acc = 0.0f;
      if (sk_valid(it.cm, j)) {
        for (int64_t i = l0; i < p; i += dl) {
          if (!sk_valid(it.rm, i)) continue;
          float pr = __expf((-it.C[i * t + j] + uk[i] + vprev[j]) * inv_eps) / mu;
          dC[i * t + j] += ub[i] * pr;
          acc += ub[i] * pr;
        }
      }
      if (WARP) acc = warp_sum(acc);
      if (lane == 0) vb[j] = -acc;
    }
    __syncthreads();
    for (int64_t i = threadIdx.x; i < p; i += blockDim.x) ub[i] = 0.0f;  // u^(k-1) feeds nothing else
    __syncthreads();
  }
}

#define RT_SK_CHECKS(op)                                                                    \
  RT_REQUIRE(b >= 0 && p > 0 && t > 0, op, "need b >= 0, p > 0, t > 0");                    \
  RT_REQUIRE(eps > 0.0f, op, "eps must be > 0");                                            \
  RT_REQUIRE(max_iter >= 1, op, "max_iter must be >= 1");                                   \
  RT_REQUIRE(version >= 0 && version <= 3, op, "unknown version (0, 1, 2 or 3)");           \
  RT_REQUIRE(b <= 65535, op, "batch must be <= 65535");                                     \
  if (version == 0) version = 2

extern "C" int rt_sinkhorn_fwd(void* stream, float* plan, int32_t* iters, float* u_hist, float* v_hist,
                               const float* cost, const uint8_t* row_mask, const uint8_t* col_mask, int64_t b,
                               int64_t p, int64_t t, float eps, int max_iter, float tol, int version) {
  RT_SK_CHECKS("rt_sinkhorn_fwd");
  RT_REQUIRE(iters != nullptr, "rt_sinkhorn_fwd", "iters is null");
  if (b == 0) {
    RT_CUDA(cudaMemsetAsync(iters, 0, sizeof(int32_t), (cudaStream_t)stream), "rt_sinkhorn_fwd");
    return 0;
  }
  RT_REQUIRE(plan && u_hist && v_hist && cost, "rt_sinkhorn_fwd", "null pointer");
  cudaStream_t st = (cudaStream_t)stream;
  RT_CUDA(cudaMemsetAsync(u_hist, 0, (size_t)((max_iter + 1) * b * p) * sizeof(float), st), "rt_sinkhorn_fwd");
  RT_CUDA(cudaMemsetAsync(v_hist, 0, (size_t)((max_iter + 1) * b * t) * sizeof(float), st), "rt_sinkhorn_fwd");
  if (version == 3) {
    RT_REQUIRE(b <= RT_SK_FUSED_MAX_B, "rt_sinkhorn_fwd", "version 3 needs b <= 6144");
    RT_LAUNCH(sinkhorn_fused_kernel, 1, RT_SK_FUSED_BLOCK, (size_t)(2 * b) * sizeof(float), stream, plan, iters, u_hist,
              v_hist, cost, row_mask, col_mask, b, p, t, eps, max_iter, tol);
    RT_LAUNCHED("rt_sinkhorn_fwd");
    return 0;
  }
  double* work = nullptr;  // work[0] = valid rows, work[1 + k] = err of iteration k
  RT_CUDA(cudaMallocAsync((void**)&work, (size_t)(max_iter + 2) * sizeof(double), st), "rt_sinkhorn_fwd");
  cudaError_t e = cudaMemsetAsync(work, 0, (size_t)(max_iter + 2) * sizeof(double), st);
  double* valid = work;
  double* err = work + 1;
  if (e == cudaSuccess) {
    RT_LAUNCH(sinkhorn_count_kernel, 1, RT_SK_BLOCK, 0, stream, valid, row_mask, col_mask, b, p, t);
    e = cudaGetLastError();
  }
  // one launch per iteration, no host sync: each launch tests the previous iteration's error itself
  bool smem = version == 2 && p * t <= RT_SK_SMEM_FLOATS;
  if (smem && e == cudaSuccess)  // up to 48 KB dynamic + the static `red`: over the default without the opt-in
    e = cudaFuncSetAttribute(sinkhorn_iter_kernel<true, true>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             (int)((size_t)(p * t) * sizeof(float)));
  for (int k = 1; k <= max_iter && e == cudaSuccess; k++) {
    if (smem)
      RT_LAUNCH((sinkhorn_iter_kernel<true, true>), (unsigned)b, RT_SK_BLOCK, (size_t)(p * t) * sizeof(float), stream,
                u_hist, v_hist, err, valid, cost, row_mask, col_mask, b, p, t, eps, tol, k);
    else
      RT_LAUNCH((sinkhorn_iter_kernel<false, false>), (unsigned)b, RT_SK_BLOCK, 0, stream, u_hist, v_hist, err, valid,
                cost, row_mask, col_mask, b, p, t, eps, tol, k);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) {
    dim3 grid((unsigned)(RT_CEIL_DIV(p * t, 256) < 64 ? RT_CEIL_DIV(p * t, 256) : 64), (unsigned)b);
    RT_LAUNCH(sinkhorn_plan_kernel, grid, 256, 0, stream, plan, iters, u_hist, v_hist, err, valid, cost, row_mask,
              col_mask, b, p, t, eps, max_iter, tol);
    e = cudaGetLastError();
  }
  cudaFreeAsync(work, st);
  if (e != cudaSuccess) return ::rt::launch_failed(e, "rt_sinkhorn_fwd", __FILE__, __LINE__);
  return 0;
}

extern "C" int rt_sinkhorn_bwd(void* stream, float* dcost, const float* dplan, const float* plan, const float* u_hist,
                               const float* v_hist, const int32_t* iters, const float* cost, const uint8_t* row_mask,
                               const uint8_t* col_mask, int64_t b, int64_t p, int64_t t, float eps, int max_iter,
                               int version) {
  RT_SK_CHECKS("rt_sinkhorn_bwd");
  if (b == 0) return 0;
  RT_REQUIRE(dcost && dplan && plan && u_hist && v_hist && iters && cost, "rt_sinkhorn_bwd", "null pointer");
  RT_REQUIRE(p + t <= RT_SK_SMEM_FLOATS, "rt_sinkhorn_bwd", "p + t too large for the shared-memory adjoints");
  if (version == 3) version = 2;  // the fused forward keeps the same history
  bool smem = version == 2 && p * t + p + t <= RT_SK_SMEM_FLOATS;
  size_t bytes = (size_t)(p + t + (smem ? p * t : 0)) * sizeof(float);
  if (smem)
    RT_CUDA(cudaFuncSetAttribute(sinkhorn_bwd_kernel<true, true>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 (int)bytes),
            "rt_sinkhorn_bwd");
  if (smem)
    RT_LAUNCH((sinkhorn_bwd_kernel<true, true>), (unsigned)b, RT_SK_BLOCK, bytes, stream, dcost, dplan, plan, u_hist,
              v_hist, iters, cost, row_mask, col_mask, b, p, t, eps);
  else
    RT_LAUNCH((sinkhorn_bwd_kernel<false, false>), (unsigned)b, RT_SK_BLOCK, bytes, stream, dcost, dplan, plan,
              u_hist, v_hist, iters, cost, row_mask, col_mask, b, p, t, eps);
  RT_LAUNCHED("rt_sinkhorn_bwd");
  return 0;
}
