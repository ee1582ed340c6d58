// revtaf_kernels.h - THE C ABI of the revtaf kernel library; the only thing Java calls.
//
// Rules: extern "C"; plain pointers; int64_t sizes; the stream is an opaque handle (void*);
// every function returns an int status (0 = ok); rt_last_error() gives op, file and line.
// The same symbols are exported by librevtaf_cuda.so (nvcc) and librevtaf_emu.so (host emulation).
#ifndef REVTAF_KERNELS_H
#define REVTAF_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RT_API __attribute__((visibility("default")))

// ---- status and errors ---------------------------------------------------------------------
// status codes: 0 ok; 1 invalid argument; 2 out of memory; 3 no device / driver; 4 launch failed;
// 5 emulator fault (divergent barrier, deadlock); 100+ CUDA runtime error (100 + cudaError_t).
RT_API int rt_last_error(char* buf, int64_t cap);  // copies "op: message at file:line"; returns length
RT_API int rt_is_emulated(void);                   // 1 for the host-emulated library, 0 for nvcc

// ---- runtime (device memory, copies, sync) ---------------------------------------------------
RT_API int rt_device_count(int* count);
RT_API int rt_malloc(void** ptr, int64_t bytes);
RT_API int rt_free(void* ptr);
RT_API int rt_memcpy_h2d(void* dst, const void* src, int64_t bytes);
RT_API int rt_memcpy_d2h(void* dst, const void* src, int64_t bytes);
RT_API int rt_synchronize(void);
RT_API int rt_memcpy_d2d(void* dst, const void* src, int64_t bytes);
RT_API int rt_memset(void* dst, int value, int64_t bytes);
// name (cap bytes), SM count, compute capability, peak memory bandwidth (GB/s) and fp32 FMA peak
// (GFLOP/s) from the device attributes (0 where unknown; the emulator reports its worker count)
RT_API int rt_device_info(char* name, int64_t cap, int* sms, int* cc_major, int* cc_minor, double* mem_gbps,
                          double* fp32_gflops);
RT_API int rt_stream_create(void** stream);
RT_API int rt_stream_destroy(void* stream);
RT_API int rt_stream_synchronize(void* stream);
RT_API int rt_event_create(void** event);
RT_API int rt_event_destroy(void* event);
RT_API int rt_event_record(void* event, void* stream);
RT_API int rt_event_elapsed_ms(float* ms, void* start, void* end);  // synchronises on `end`
// NVTX ranges (header-only NVTX3 in the CUDA build; no-ops in emulation)
RT_API int rt_nvtx_push(const char* name);
RT_API int rt_nvtx_pop(void);

// ---- elementwise ----------------------------------------------------------------------------
// y[i] = a * x[i] + y[i]; x RO, y RW; n elements.
RT_API int rt_saxpy(void* stream, float* y, const float* x, float a, int64_t n);
// out[i] = a[i * a_stride] >= b[i * b_stride] ? 1 : 0 (NaN compares false; no gradient); strides 0 or 1
// (0 broadcasts one value). out: (n). Contract: org.revtaf.backend.ScalarMath, BinaryOp.GE.
RT_API int rt_ge(void* stream, float* out, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                 int64_t n);

// ---- hyperbolic (Poincare ball, curvature c > 0, sc = sqrt(c)); kernels/hyperbolic/*.cu ----------
// Every kernel family takes `version` last: 0 = the promoted default, 1 = the simple first version,
// 2.. = tuned versions (listed in each .cu header). Rows are contiguous: x (n, d) means x[i*d + k].
// Contract of the Poincare ops: org.revtaf.backend.reference.HyperbolicRef / org.revtaf.backend.PoincareScalar (clamps:
// norms >= 1e-15, tanh input |.| <= 15, artanh input |.| <= 1-1e-15 with straight-through
// gradient; per-row scalar math in double).
// mobius_add: out = ((1+2c<x,y>+c|y|^2) x + (1-c|x|^2) y) / max(1+2c<x,y>+c^2|x|^2|y|^2, 1e-15)
// out, x, dout, dx: (n, d); y, dy: (n, d) with y_stride = d, or one row (1, d) broadcast to every row
// with y_stride = 0 (then dy is summed over the rows)
RT_API int rt_mobius_add_fwd(void* stream, float* out, const float* x, const float* y, int64_t y_stride, int64_t n,
                             int64_t d, float c, int version);
RT_API int rt_mobius_add_bwd(void* stream, float* dx, float* dy, const float* dout, const float* x, const float* y,
                             int64_t y_stride, int64_t n, int64_t d, float c, int version);
// row maps, map: 0 expmap0 tanh(sc|u|) u/(sc|u|); 1 logmap0 artanh(sc|p|) p/(sc|p|); 2 proj (rescale
// rows with |x| > (1-4e-3)/sc to that norm). out, x, dout, dx: (n, d)
RT_API int rt_poincare_map_fwd(void* stream, float* out, const float* x, int64_t n, int64_t d, float c, int map,
                               int version);
RT_API int rt_poincare_map_bwd(void* stream, float* dx, const float* dout, const float* x, int64_t n, int64_t d,
                               float c, int map, int version);
// mobius_matvec(W, x) = tanh(|Wx|/|x| artanh(sc|x|)) Wx/(|Wx| sc), 0 where Wx = 0.
// w: (m, d) row-major, x: (n, d), out: (n, m); dw: (m, d), dx: (n, d)
RT_API int rt_mobius_matvec_fwd(void* stream, float* out, const float* w, const float* x, int64_t n, int64_t m,
                                int64_t d, float c, int version);
RT_API int rt_mobius_matvec_bwd(void* stream, float* dw, float* dx, const float* dout, const float* w, const float* x,
                                int64_t n, int64_t m, int64_t d, float c, int version);
// pairwise distance out[i,j] = (2/sc) artanh(min(sc |(-x_i) (+) y_j|, 1-1e-5)), the Mobius sum
// with an additive 1e-5 in its denominator (hyptorch dist_matrix); no (n, m, d) intermediate.
// x: (n, d), y: (m, d), out/dout: (n, m); dx: (n, d), dy: (m, d)
RT_API int rt_poincare_dist_fwd(void* stream, float* out, const float* x, const float* y, int64_t n, int64_t m,
                                int64_t d, float c, int version);
RT_API int rt_poincare_dist_bwd(void* stream, float* dx, float* dy, const float* dout, const float* x, const float* y,
                                int64_t n, int64_t m, int64_t d, float c, int version);

// ---- optimal transport; kernels/ot/sinkhorn.cu ---------------------------------------------------
// Log-domain Sinkhorn (contract: org.revtaf.backend.reference.SinkhornRef): per batch item uniform
// marginals over the valid rows (mu = 1/P_valid) and valid columns (nu = 1/T_valid); pixel_mask (b, p)
// and token_mask (b, t) are uint8 (1 = valid; NULL = all valid). u^0 = v^0 = 0; iteration k:
// u^k = eps log(mu+1e-8) - eps LSE_j((-C+v^(k-1))/eps), v^k = eps log(nu+1e-8) - eps LSE_i((-C+u^k)/eps);
// stop after iteration k when mean over all valid rows of the batch of |u^k - u^(k-1)| < tol (tested
// on the device, no host sync), or at max_iter. plan = exp((-C+u^K+v^K)/eps), 0 at masked entries
// and for items without a valid row or column. cost, plan: (b, p, t); iters: (1) int32 K;
// u_hist: (max_iter+1, b, p), v_hist: (max_iter+1, b, t) (slice k = u^k, v^k; saved for backward).
RT_API int rt_sinkhorn_fwd(void* stream, float* plan, int32_t* iters, float* u_hist, float* v_hist, const float* cost,
                           const uint8_t* pixel_mask, const uint8_t* token_mask, int64_t b, int64_t p, int64_t t, float eps,
                           int max_iter, float tol, int version);
// dcost: (b, p, t) written; dplan: (b, p, t); the rest as produced by the forward. Exact gradient of
// the K unrolled iterations (the stopping decision is constant).
RT_API int rt_sinkhorn_bwd(void* stream, float* dcost, const float* dplan, const float* plan, const float* u_hist,
                           const float* v_hist, const int32_t* iters, const float* cost, const uint8_t* pixel_mask,
                           const uint8_t* token_mask, int64_t b, int64_t p, int64_t t, float eps, int max_iter,
                           int version);

// ---- soft IoU of attention maps; kernels/overlap/soft_iou.cu --------------------------------------
// out[b,i,j] = sum_k min(a[b,i,k], g[b,j,k]) / (sum_k max(a[b,i,k], g[b,j,k]) + 1e-8); at ties the
// gradient of min and of max is split evenly. a: (b, n, p), g: (b, m, p), out/dout: (b, n, m);
// da: (b, n, p), dg: (b, m, p)
RT_API int rt_soft_iou_fwd(void* stream, float* out, const float* a, const float* g, int64_t b, int64_t n, int64_t m,
                           int64_t p, int version);
RT_API int rt_soft_iou_bwd(void* stream, float* da, float* dg, const float* dout, const float* a, const float* g,
                           int64_t b, int64_t n, int64_t m, int64_t p, int version);

// ---- fused attention; kernels/attention/flash_attention.cu ------------------------------------------
// out = softmax(scale q k^T + masks) v per (batch, head), online softmax over key tiles, no (n, s)
// matrix in memory (contract: org.revtaf.backend.reference.AttentionRef). key_mask: (b, s) uint8
// 1 = valid (NULL = all); causal: key j visible to query i iff j <= i + (s - n). A query with no
// visible key gets out = 0, lse = -inf and no gradient. d in {32, 64, 128}.
// q, out, dout, dq: (b, h, n, d); k, v, dk, dv: (b, h, s, d); lse: (b, h, n) (natural log)
RT_API int rt_attention_fwd(void* stream, float* out, float* lse, const float* q, const float* k, const float* v,
                            const uint8_t* key_mask, int64_t b, int64_t h, int64_t n, int64_t s, int64_t d,
                            float scale, int causal, int version);
RT_API int rt_attention_bwd(void* stream, float* dq, float* dk, float* dv, const float* dout, const float* out,
                            const float* lse, const float* q, const float* k, const float* v, const uint8_t* key_mask,
                            int64_t b, int64_t h, int64_t n, int64_t s, int64_t d, float scale, int causal,
                            int version);

#ifdef __cplusplus
}
#endif
#endif  // REVTAF_KERNELS_H
