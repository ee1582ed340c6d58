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
// (0 broadcasts one value). out: (n). Contract: org.revtaf.engine.backend.ScalarMath, BinaryOp.GE.
RT_API int rt_ge(void* stream, float* out, const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                 int64_t n);

// ---- hyperbolic (Poincare ball, curvature c > 0, sc = sqrt(c)); kernels/hyperbolic/*.cu ----------
// Every kernel family takes `version` last: 0 = the promoted default, 1 = the simple first version,
// 2.. = tuned versions (listed in each .cu header). Rows are contiguous: x (n, d) means x[i*d + k].
// Contract of the Poincare ops: org.revtaf.engine.backend.reference.HyperbolicRef / org.revtaf.engine.backend.PoincareScalar (clamps:
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
// Log-domain Sinkhorn (contract: org.revtaf.engine.backend.reference.SinkhornRef): per batch item uniform
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
// matrix in memory (contract: org.revtaf.engine.backend.reference.AttentionRef). key_mask: (b, s) uint8
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
// The same with q, k, v as bf16 (uint16_t bit patterns of __nv_bfloat16, 2 bytes per element), for the
// versions whose tensor-core operands are BF16: forward 4 and 6 (0 = 4), backward 8 (0 = 8); any other
// version is status 1 naming it. fp32 accumulation and softmax always; out, lse, dq, dk, dv are fp32 and
// dout, out stay fp32 in the backward (they arrive fp32 from the caller's graph, and D_i = rowsum(dout *
// out) is a difference-prone term kept exact). Cast q, k, v with rt_copy (dtype code 4).
RT_API int rt_attention_fwd_bf16(void* stream, float* out, float* lse, const uint16_t* q, const uint16_t* k,
                                 const uint16_t* v, const uint8_t* key_mask, int64_t b, int64_t h, int64_t n,
                                 int64_t s, int64_t d, float scale, int causal, int version);
RT_API int rt_attention_bwd_bf16(void* stream, float* dq, float* dk, float* dv, const float* dout, const float* out,
                                 const float* lse, const uint16_t* q, const uint16_t* k, const uint16_t* v,
                                 const uint8_t* key_mask, int64_t b, int64_t h, int64_t n, int64_t s, int64_t d,
                                 float scale, int causal, int version);

// ==== BEGIN issue 17 (branch cuda): the device-resident backend's kernels =========================
// Conventions of this section (Java adapters: org.revtaf.engine.backend.cuda.Cuda*):
// * dtype codes are org.revtaf.engine.tensor.DType ordinals: 0 float32, 1 float64, 2 int32, 3 int64,
//   4 bfloat16; 6 uint8 (as an output of rt_copy: 1 where the input is nonzero; as an input: its value).
//   Conversion to bfloat16 goes through float32 and rounds to nearest even on the bits, NaN kept as a
//   quiet NaN with its sign and top payload bits (bit for bit org.revtaf.engine.tensor.HeapStorage.toBf16;
//   not __float2bfloat16_rn, which makes every NaN 0x7fff); bfloat16 to float32 is exact.
// * `geom` arguments are HOST arrays of int64 read during the call (the launcher copies them into the
//   kernel's parameters, so the caller may free them on return): shapes and strides in elements, rank
//   at most RT_MAX_RANK (8).
// * `err` is an int64[4] in device memory, all zero when fine: a kernel that meets a bad index writes
//   {code, position, value, bound} of the first one it sees (code 1: index out of range) and goes on
//   with the index clamped; the Java backend reads it at its next host synchronisation and raises an
//   error naming the op (no host sync inside an op).
// * kernels take `version` last where there are versions (0 = the promoted default, 1 = the simple
//   first version, 2.. tuned; listed in each .cu header).

// ---- runtime: pinned host memory and stream-ordered copies; kernels/common/runtime.cu ---------------
RT_API int rt_malloc_host(void** ptr, int64_t bytes);
RT_API int rt_free_host(void* ptr);
RT_API int rt_memcpy_h2d_async(void* dst, const void* src, int64_t bytes, void* stream);
RT_API int rt_memcpy_d2h_async(void* dst, const void* src, int64_t bytes, void* stream);
RT_API int rt_memcpy_d2d_async(void* dst, const void* src, int64_t bytes, void* stream);
RT_API int rt_memset_async(void* dst, int value, int64_t bytes, void* stream);

// ---- elementwise; kernels/elementwise/elementwise.cu (contract: org.revtaf.engine.backend.ScalarMath) -------
// unary op = UnaryOp ordinal: 0 neg 1 exp 2 log 3 sqrt 4 abs 5 relu 6 gelu (erf) 7 tanh 8 sigmoid 9 pow(a)
// 10 clamp [a, b] 11 affine a x + b. out, x, dx, dy, y: (n) contiguous; y = op(x) (used by exp, sqrt,
// tanh, sigmoid backward)
RT_API int rt_unary_fwd(void* stream, float* out, const float* x, int64_t n, int op, float a, float b, int version);
RT_API int rt_unary_bwd(void* stream, float* dx, const float* dy, const float* x, const float* y, int64_t n, int op,
                        float a, float b, int version);
// binary op = BinaryOp ordinal: 0 add 1 sub 2 mul 3 div 4 maximum 5 minimum 6 eq 7 ge (1/0; NaN false).
// out contiguous of shape geom[0, rank); a read at strides geom[rank, 2 rank), b at geom[2 rank, 3 rank)
// (0 broadcasts). out may alias a or b when that input is contiguous of out's shape.
RT_API int rt_binary(void* stream, float* out, const float* a, const float* b, const int64_t* geom, int rank, int op,
                     int version);
// out = cond != 0 ? a : b; geom: shape, cond strides, a strides, b strides (cond float32)
RT_API int rt_where(void* stream, float* out, const float* cond, const float* a, const float* b, const int64_t* geom,
                    int rank, int version);
// out[i] = value (converted to out_type), n contiguous elements
RT_API int rt_fill(void* stream, void* out, int out_type, double value, int64_t n);
// out = x converted from x_type to out_type (integers truncate toward zero); geom: shape, out strides,
// x strides
RT_API int rt_copy(void* stream, void* out, int out_type, const void* x, int x_type, const int64_t* geom, int rank);
// inverted dropout with org.revtaf.engine.backend.DropoutMask's counter-based mask: element i is kept when
// (mix64(key + i * 0x9E3779B97F4A7C15) >> 32) >= threshold (key = mix64(seed), SplitMix64's finalizer);
// out[i] = kept ? x[i] * scale : 0. Backward is the same call on dy. out, x: (n) contiguous
RT_API int rt_dropout(void* stream, float* out, const float* x, int64_t n, int64_t key, int64_t threshold, float scale,
                      int version);

// ---- reductions, softmax, cross-entropy; kernels/reduce/reduce.cu ------------------------------------
// x viewed as (outer, n, inner) contiguous; op = ReduceOp ordinal: 0 sum 1 max 2 min 3 logsumexp
// 4 argmax 5 argmin (first index; out int64 for 4, 5, else float32). out: (outer, inner)
RT_API int rt_reduce(void* stream, void* out, const float* x, int64_t outer, int64_t n, int64_t inner, int op,
                     int version);
// softmax (log = 0) or log_softmax (log = 1) over axis n of (outer, n, inner); backward from y = forward
RT_API int rt_softmax_fwd(void* stream, float* out, const float* x, int64_t outer, int64_t n, int64_t inner, int log,
                          int version);
RT_API int rt_softmax_bwd(void* stream, float* dx, const float* dy, const float* y, int64_t outer, int64_t n,
                          int64_t inner, int log, int version);
// mean cross-entropy of logits (rows, c) against target (rows) of target_type (2 int32, 3 int64):
// rows whose target == ignore_index count for nothing; per row (1-s) (lse - x_t) + s (lse - mean_j x_j)
// (label smoothing s); loss[0] = sum / max(count, 1), loss[1] = count (no host sync). lse: (rows) saved
// for backward; row_loss: (rows) scratch. A target outside [0, c) is reported through err.
RT_API int rt_cross_entropy_fwd(void* stream, float* loss, float* lse, float* row_loss, const float* logits,
                                const void* target, int target_type, int64_t rows, int64_t c, int64_t ignore_index,
                                float smoothing, int64_t* err, int version);
// dlogits (rows, c) = dloss[0] / max(loss[1], 1) (softmax - (1-s) onehot(t) - s/c) on counted rows, 0 else
RT_API int rt_cross_entropy_bwd(void* stream, float* dlogits, const float* dloss, const float* loss,
                                const float* logits, const float* lse, const void* target, int target_type,
                                int64_t rows, int64_t c, int64_t ignore_index, float smoothing, int version);
// the softmax of unfused attention (org.revtaf.engine.backend.reference.AttentionRef semantics): p (bh, n, s)
// holds the raw scores q k^T on entry and p = exp(scale s - lse) on visible keys times the dropout factor
// of DropoutMask element (bh n + i) s + j (drop_threshold 0: none) on exit; lse (bh, n), -inf for a query
// with no visible key (its row 0). key_mask (b, s) uint8 (NULL: all); causal: j <= i + s - n.
RT_API int rt_attention_softmax_fwd(void* stream, float* p, float* lse, const uint8_t* key_mask, int64_t b, int64_t h,
                                    int64_t n, int64_t s, float scale, int causal, int64_t drop_key,
                                    int64_t drop_threshold, float drop_scale, int version);
// ds (bh, n, s) holds dout v^T on entry and the gradient of the raw scores on exit; scores: the raw q k^T
RT_API int rt_attention_softmax_bwd(void* stream, float* ds, const float* scores, const float* lse,
                                    const uint8_t* key_mask, int64_t b, int64_t h, int64_t n, int64_t s, float scale,
                                    int causal, int64_t drop_key, int64_t drop_threshold, float drop_scale,
                                    int version);

// ---- GEMM; kernels/gemm/gemm.cu (contract: org.revtaf.engine.backend.MatmulKernels) -------------------------
// for each of batch problems: c (m, n) = alpha op(a) op(b) + beta c; op(a) (m, k) stored (k, m) when
// trans_a, op(b) (k, n) stored (n, k) when trans_b; problem i reads a + i stride_a, b + i stride_b (0
// broadcasts), writes c + i m n. beta == 0 ignores c's contents.
RT_API int rt_gemm(void* stream, float* c, const float* a, const float* b, int64_t batch, int64_t m, int64_t n,
                   int64_t k, int trans_a, int trans_b, int64_t stride_a, int64_t stride_b, float alpha, float beta,
                   int version);

// ---- convolution (implicit GEMM); kernels/conv/conv.cu ----------------------------------------------
// conv geom (14): n c h w oc kh kw sh sw ph pw dh dw groups (org.revtaf.engine.backend.Conv2dGeom); x (n, c, h, w),
// w (oc, c / groups, kh, kw), out/dy (n, oc, oh, ow); bias/db (oc) or NULL. Backward kernels overwrite.
RT_API int rt_conv2d_fwd(void* stream, float* out, const float* x, const float* w, const float* bias,
                         const int64_t* geom, int version);
RT_API int rt_conv2d_bwd_data(void* stream, float* dx, const float* dy, const float* w, const int64_t* geom,
                              int version);
RT_API int rt_conv2d_bwd_weight(void* stream, float* dw, float* db, const float* dy, const float* x,
                                const int64_t* geom, int version);
// pool geom (10): n c h w kh kw sh sw ph pw (org.revtaf.engine.backend.Pool2dGeom, floor mode); kernels/conv/pool.cu.
// argmax int32 = flat h*w index of the first max in its plane; backward kernels overwrite dx.
RT_API int rt_max_pool2d_fwd(void* stream, float* out, int32_t* argmax, const float* x, const int64_t* geom);
RT_API int rt_max_pool2d_bwd(void* stream, float* dx, const float* dy, const int32_t* argmax, const int64_t* geom);
RT_API int rt_avg_pool2d_fwd(void* stream, float* out, const float* x, const int64_t* geom, int count_include_pad);
RT_API int rt_avg_pool2d_bwd(void* stream, float* dx, const float* dy, const int64_t* geom, int count_include_pad);
// planes = n c; adaptive windows [floor(i h / oh), ceil((i + 1) h / oh)); bilinear: PyTorch upsample_bilinear2d
RT_API int rt_adaptive_avg_pool2d_fwd(void* stream, float* out, const float* x, int64_t planes, int64_t h, int64_t w,
                                      int64_t oh, int64_t ow);
RT_API int rt_adaptive_avg_pool2d_bwd(void* stream, float* dx, const float* dy, int64_t planes, int64_t h, int64_t w,
                                      int64_t oh, int64_t ow);
RT_API int rt_bilinear_fwd(void* stream, float* out, const float* x, int64_t planes, int64_t h, int64_t w, int64_t oh,
                           int64_t ow, int align_corners);
RT_API int rt_bilinear_bwd(void* stream, float* dx, const float* dy, int64_t planes, int64_t h, int64_t w, int64_t oh,
                           int64_t ow, int align_corners);
// ---- normalisation; kernels/norm/norm.cu (contract: org.revtaf.engine.backend.reference.RefNorm) ------------
// layer norm per row of x (rows, d); w, b (d) or NULL; mean, rstd (rows); backward overwrites dx and
// dw, db (each may be NULL)
RT_API int rt_layer_norm_fwd(void* stream, float* out, float* mean, float* rstd, const float* x, const float* w,
                             const float* b, int64_t rows, int64_t d, float eps, int version);
RT_API int rt_layer_norm_bwd(void* stream, float* dx, float* dw, float* db, const float* dy, const float* x,
                             const float* w, const float* mean, const float* rstd, int64_t rows, int64_t d,
                             int version);
// batch norm of x (n, c, hw) per channel: training (batch statistics, biased variance saved as invstd;
// run_mean/run_var updated with momentum and the unbiased variance when not NULL) or eval (running
// statistics, also written to save_mean/save_invstd). w, b (c) or NULL.
RT_API int rt_batch_norm_fwd(void* stream, float* out, float* save_mean, float* save_invstd, float* run_mean,
                             float* run_var, const float* x, const float* w, const float* b, int64_t n, int64_t c,
                             int64_t hw, int training, float momentum, float eps, int version);
RT_API int rt_batch_norm_bwd(void* stream, float* dx, float* dw, float* db, const float* dy, const float* x,
                             const float* w, const float* save_mean, const float* save_invstd, int64_t n, int64_t c,
                             int64_t hw, int training, int version);

// ---- indexing; kernels/index/index.cu (contract: org.revtaf.engine.backend.IndexKernels) ---------------------
// x viewed as (outer, size, inner) of elem_bytes-sized elements (4 or 8; select and gather copy bits);
// idx of idx_type (2 int32, 3 int64). select: out (outer, n_idx, inner) = x[:, idx[j], :]; add:
// dx[:, idx[j], :] += dy[:, j, :] (float32) skipping j whose idx == skip (embedding padding; pass -1 for
// none); gather: out (outer, n_idx, inner) = x[o, idx[o, j, i], i]; scatter_add: dx[o, idx[o,j,i], i] +=
// dy[o, j, i]. Bad indices go to err.
RT_API int rt_index_select(void* stream, void* out, const void* x, int elem_bytes, const void* idx, int idx_type,
                           int64_t outer, int64_t size, int64_t inner, int64_t n_idx, int64_t* err);
RT_API int rt_index_add(void* stream, float* dx, const float* dy, const void* idx, int idx_type, int64_t outer,
                        int64_t size, int64_t inner, int64_t n_idx, int64_t skip, int64_t* err);
RT_API int rt_gather(void* stream, void* out, const void* x, int elem_bytes, const void* idx, int idx_type,
                     int64_t outer, int64_t size, int64_t inner, int64_t n_idx, int64_t* err);
RT_API int rt_scatter_add(void* stream, float* dx, const float* dy, const void* idx, int idx_type, int64_t outer,
                          int64_t size, int64_t inner, int64_t n_idx, int64_t* err);

// ---- optimizer; kernels/optim/optim.cu ------------------------------------------------------------------
// AdamW (org.revtaf.engine.backend.OptimKernels): p = decay p - step_size m' / (sqrt(v') inv_bc2 + eps) with
// decay = 1 - lr wd, step_size = lr / (1 - beta1^t), inv_bc2 = 1 / sqrt(1 - beta2^t); all (n)
RT_API int rt_adamw(void* stream, float* param, float* m, float* v, const float* grad, int64_t n, float beta1,
                    float beta2, float eps, float decay, float step_size, float inv_bc2);
// ==== END issue 17 ==================================================================================

#ifdef __cplusplus
}
#endif
#endif  // REVTAF_KERNELS_H
