// sinkhorn.cu - batched log-domain Sinkhorn (uniform marginals over valid rows/columns, masks for
// padded tokens) and its backward through the iterations that ran. One block per batch item runs
// the whole iteration loop, so the convergence test (mean |u - u_prev| < tol) happens on the device
// without a host sync per iteration. Semantics: include/revtaf_kernels.h.
// defines: rt_sinkhorn_fwd rt_sinkhorn_bwd
// versions (fwd and bwd):
//   1  cost read from global memory; one thread per row / column, serial logsumexp
//   2  cost staged in shared memory (p*t <= 12288 floats, else version 1 runs); one warp per row /
//      column with a shuffle-merged online logsumexp; default
// Backward: with the history u^k, v^k the softmaxes of iteration k are
//   Q_ij = exp((-C_ij + u^k_i + v^k_j)/eps) / nu'   (column step)   and
//   P_ij = exp((-C_ij + u^k_i + v^(k-1)_j)/eps) / mu' (row step),
// so each reverse step is two passes over the cost without any logsumexp.
#include "../common/rt_check.cuh"
#include "../common/rt_warp.cuh"

#define RT_SK_BLOCK 128
#define RT_SK_SMEM_FLOATS 12288

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

// cost: (b, p, t); plan: (b, p, t); u: (b, p); v: (b, t); iters: (b); hist: (b, max_iter+1, p+t) or NULL
template <bool WARP, bool SMEM>
__global__ void __launch_bounds__(RT_SK_BLOCK)
    sinkhorn_fwd_kernel(float* plan, float* u_out, float* v_out, int32_t* iters, float* hist, const float* cost,
                        const uint8_t* row_mask, const uint8_t* col_mask, int64_t p, int64_t t, float eps,
                        int max_iter, float tol) {
  __shared__ float red[32];
  EXTERN_SHARED(float, cs);
  int64_t bi = blockIdx.x;
  SkItem it{cost + bi * p * t, row_mask ? row_mask + bi * p : nullptr, col_mask ? col_mask + bi * t : nullptr, p, t};
  if (SMEM) {
    for (int64_t e = threadIdx.x; e < p * t; e += blockDim.x) cs[e] = it.C[e];
    it.C = cs;  // visible after the barriers in block_sum below
  }
  float* u = u_out + bi * p;
  float* v = v_out + bi * t;
  float* h = hist ? hist + bi * (int64_t)(max_iter + 1) * (p + t) : nullptr;
  float nrow = 0, ncol = 0;
  for (int64_t i = threadIdx.x; i < p; i += blockDim.x) {
    u[i] = 0.0f;
    nrow += sk_valid(it.rm, i);
    if (h) h[i] = 0.0f;
  }
  for (int64_t j = threadIdx.x; j < t; j += blockDim.x) {
    v[j] = 0.0f;
    ncol += sk_valid(it.cm, j);
    if (h) h[p + j] = 0.0f;
  }
  nrow = block_sum(nrow, red);
  ncol = block_sum(ncol, red);
  float inv_eps = 1.0f / eps;
  float logmu = nrow > 0 ? logf(1.0f / nrow + 1e-8f) : 0.0f;
  float lognu = ncol > 0 ? logf(1.0f / ncol + 1e-8f) : 0.0f;
  int lane = WARP ? threadIdx.x % 32 : 0;
  int64_t w0 = WARP ? threadIdx.x / 32 : threadIdx.x, dw = WARP ? blockDim.x / 32 : blockDim.x;
  int k = 0;
  if (nrow > 0 && ncol > 0) {
    for (k = 1; k <= max_iter; k++) {
      float err = 0.0f;
      for (int64_t i = w0; i < p; i += dw) {  // row step (block-uniform trip count per warp/thread)
        float lse = sk_line_lse<true, WARP>(it, i, v, inv_eps);
        float un = sk_valid(it.rm, i) ? eps * (logmu - lse) : 0.0f;
        if (lane == 0) {
          err += fabsf(un - u[i]);
          u[i] = un;
          if (h) h[(int64_t)k * (p + t) + i] = un;
        }
      }
      __syncthreads();
      for (int64_t j = w0; j < t; j += dw) {  // column step
        float lse = sk_line_lse<false, WARP>(it, j, u, inv_eps);
        float vn = sk_valid(it.cm, j) ? eps * (lognu - lse) : 0.0f;
        if (lane == 0) {
          v[j] = vn;
          if (h) h[(int64_t)k * (p + t) + p + j] = vn;
        }
      }
      err = block_sum(err, red) / nrow;  // its barriers also publish v
      if (err < tol) break;
    }
    if (k > max_iter) k = max_iter;
  }
  if (threadIdx.x == 0) iters[bi] = k;
  float* pl = plan + bi * p * t;
  for (int64_t e = threadIdx.x; e < p * t; e += blockDim.x) {
    int64_t i = e / t, j = e % t;
    bool ok = k > 0 && sk_valid(it.rm, i) && sk_valid(it.cm, j);
    pl[e] = ok ? __expf((-it.C[e] + u[i] + v[j]) * inv_eps) : 0.0f;
  }
}

// Reverse pass, one block per item. ub/vb: adjoints of u^k / v^k in shared memory (p + t floats).
template <bool WARP, bool SMEM>
__global__ void __launch_bounds__(RT_SK_BLOCK)
    sinkhorn_bwd_kernel(float* dcost, const float* dplan, const float* plan, const float* hist, const int32_t* iters,
                        const float* cost, const uint8_t* row_mask, const uint8_t* col_mask, int64_t p, int64_t t,
                        float eps, int max_iter) {
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
  const float* h = hist + bi * (int64_t)(max_iter + 1) * (p + t);
  int K = iters[bi];
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
    const float* uk = h + (int64_t)k * (p + t);
    const float* vk = uk + p;
    const float* vprev = h + (int64_t)(k - 1) * (p + t) + p;
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
  RT_REQUIRE(version >= 0 && version <= 2, op, "unknown version (0, 1 or 2)");              \
  RT_REQUIRE(b < ((int64_t)1 << 31), op, "batch too large");                                \
  if (version == 0) version = 2

extern "C" int rt_sinkhorn_fwd(void* stream, float* plan, float* u, float* v, int32_t* iters, float* hist,
                               const float* cost, const uint8_t* row_mask, const uint8_t* col_mask, int64_t b,
                               int64_t p, int64_t t, float eps, int max_iter, float tol, int version) {
  RT_SK_CHECKS("rt_sinkhorn_fwd");
  if (b == 0) return 0;
  RT_REQUIRE(plan && u && v && iters && cost, "rt_sinkhorn_fwd", "null pointer");
  bool smem = version == 2 && p * t <= RT_SK_SMEM_FLOATS;
  size_t bytes = smem ? (size_t)(p * t) * sizeof(float) : 0;
  if (version == 1 || !smem)
    RT_LAUNCH((sinkhorn_fwd_kernel<false, false>), (unsigned)b, RT_SK_BLOCK, 0, stream, plan, u, v, iters, hist, cost,
              row_mask, col_mask, p, t, eps, max_iter, tol);
  else
    RT_LAUNCH((sinkhorn_fwd_kernel<true, true>), (unsigned)b, RT_SK_BLOCK, bytes, stream, plan, u, v, iters, hist, cost,
              row_mask, col_mask, p, t, eps, max_iter, tol);
  RT_LAUNCHED("rt_sinkhorn_fwd");
  return 0;
}

extern "C" int rt_sinkhorn_bwd(void* stream, float* dcost, const float* dplan, const float* plan, const float* hist,
                               const int32_t* iters, const float* cost, const uint8_t* row_mask,
                               const uint8_t* col_mask, int64_t b, int64_t p, int64_t t, float eps, int max_iter,
                               int version) {
  RT_SK_CHECKS("rt_sinkhorn_bwd");
  if (b == 0) return 0;
  RT_REQUIRE(dcost && dplan && plan && hist && iters && cost, "rt_sinkhorn_bwd",
             "null pointer (the forward must have been run with a history buffer)");
  RT_REQUIRE(p + t <= RT_SK_SMEM_FLOATS, "rt_sinkhorn_bwd", "p + t too large for the shared-memory adjoints");
  bool smem = version == 2 && p * t + p + t <= RT_SK_SMEM_FLOATS;
  size_t bytes = (size_t)(p + t + (smem ? p * t : 0)) * sizeof(float);
  if (version == 1 || !smem)
    RT_LAUNCH((sinkhorn_bwd_kernel<false, false>), (unsigned)b, RT_SK_BLOCK, bytes, stream, dcost, dplan, plan, hist,
              iters, cost, row_mask, col_mask, p, t, eps, max_iter);
  else
    RT_LAUNCH((sinkhorn_bwd_kernel<true, true>), (unsigned)b, RT_SK_BLOCK, bytes, stream, dcost, dplan, plan, hist,
              iters, cost, row_mask, col_mask, p, t, eps, max_iter);
  RT_LAUNCHED("rt_sinkhorn_bwd");
  return 0;
}
