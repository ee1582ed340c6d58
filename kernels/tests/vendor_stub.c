// vendor_stub.c - a stand-in for cuBLAS, cuBLASLt and cuDNN 9 with the prototypes of their public
// headers (restated from the CUDA 12.6 / cuDNN 9.6 headers: argument types and order, enum values,
// struct layouts) for the functions revtaf binds, so the Java bindings (bindings/.../Cudnn.java,
// CublasLt.java, VendorLibraries.Cublas) run every downcall through FFM on a machine without a GPU:
// a descriptor or arity mismatch fails there as a WrongMethodTypeException, an argument in the
// wrong place as a wrong recorded value. It computes nothing: descriptors keep what they were
// given, queries answer from them (the convolution output size by cuDNN's formula, a groups
// mismatch as CUDNN_STATUS_BAD_PARAM), and every other call records its arguments for
// stub_last(). Built by `make emu` as test/vendor/{libcudnn.so.9,libcublasLt.so.13,libcublas.so.13};
// never packed into the jar.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API __attribute__((visibility("default")))

// ---- the record of the last call --------------------------------------------------------------
static char last_name[64];
static int64_t last_args[24];
static int last_n;
static int fail_next;  // a status the next call returns instead of success (stub_fail_next)

static int rec(const char* name, int n, const int64_t* a) {
  snprintf(last_name, sizeof last_name, "%s", name);
  last_n = n;
  memcpy(last_args, a, sizeof(int64_t) * (size_t)n);
  int st = fail_next;
  fail_next = 0;
  return st;
}
static int64_t P(const void* p) { return (int64_t)(intptr_t)p; }
static int64_t F(const void* p) { return p ? (int64_t)(*(const float*)p * 1000.0f) : -1; }  // a scalar x 1000
static int64_t D(double v) { return (int64_t)(v * 1e9); }                                   // a double x 1e9

// The last call's name (into name, 64 bytes) and arguments (into args, 24 int64): pointers as
// addresses, host float scalars x 1000 (-1 for NULL), doubles x 1e9. Returns the argument count.
API int stub_last(char* name, int64_t* args) {
  memcpy(name, last_name, sizeof last_name);
  memcpy(args, last_args, sizeof last_args);
  return last_n;
}
API void stub_fail_next(int status) { fail_next = status; }

// A descriptor: up to 16 fields as set, in argument order (stub_desc reads them).
typedef struct {
  int64_t f[16];
} Desc;
static Desc* desc_new(void) { return (Desc*)calloc(1, sizeof(Desc)); }
API void stub_desc(const void* d, int64_t* out) { memcpy(out, ((const Desc*)d)->f, sizeof(Desc)); }

// ---- cuDNN 9 ----------------------------------------------------------------------------------
// tensor: f[0..5] = format, dataType, n, c, h, w; filter: dataType, format, k, c, h, w;
// convolution: pad_h, pad_w, u, v, dil_h, dil_w, mode, computeType, groups (f[8]), math (f[9]);
// pooling: mode, nanOpt, wh, ww, ph, pw, sh, sw
API size_t cudnnGetVersion(void) { return 90600; }
API const char* cudnnGetErrorString(int status) {
  return status == 2000 ? "CUDNN_STATUS_BAD_PARAM" : status == 1001 ? "CUDNN_STATUS_NOT_INITIALIZED" : "stub status";
}
static int create_desc(const char* name, void** out) {
  int64_t a[] = {P(out)};
  int st = rec(name, 1, a);
  if (st == 0) *out = desc_new();
  return st;
}
static int destroy_desc(const char* name, void* d) {
  int64_t a[] = {P(d)};
  free(d);
  return rec(name, 1, a);
}
API int cudnnCreate(void** h) { return create_desc("cudnnCreate", h); }
API int cudnnDestroy(void* h) { return destroy_desc("cudnnDestroy", h); }
API int cudnnSetStream(void* h, void* stream) {
  int64_t a[] = {P(h), P(stream)};
  return rec("cudnnSetStream", 2, a);
}
API int cudnnCreateTensorDescriptor(void** d) { return create_desc("cudnnCreateTensorDescriptor", d); }
API int cudnnDestroyTensorDescriptor(void* d) { return destroy_desc("cudnnDestroyTensorDescriptor", d); }
API int cudnnSetTensor4dDescriptor(void* d, int format, int dataType, int n, int c, int h, int w) {
  int64_t a[] = {P(d), format, dataType, n, c, h, w};
  memcpy(((Desc*)d)->f, a + 1, 6 * sizeof(int64_t));
  return rec("cudnnSetTensor4dDescriptor", 7, a);
}
API int cudnnCreateFilterDescriptor(void** d) { return create_desc("cudnnCreateFilterDescriptor", d); }
API int cudnnDestroyFilterDescriptor(void* d) { return destroy_desc("cudnnDestroyFilterDescriptor", d); }
API int cudnnSetFilter4dDescriptor(void* d, int dataType, int format, int k, int c, int h, int w) {
  int64_t a[] = {P(d), dataType, format, k, c, h, w};
  memcpy(((Desc*)d)->f, a + 1, 6 * sizeof(int64_t));
  return rec("cudnnSetFilter4dDescriptor", 7, a);
}
API int cudnnCreateConvolutionDescriptor(void** d) {
  int st = create_desc("cudnnCreateConvolutionDescriptor", d);
  if (st == 0) ((Desc*)*d)->f[8] = 1;  // one group
  return st;
}
API int cudnnDestroyConvolutionDescriptor(void* d) { return destroy_desc("cudnnDestroyConvolutionDescriptor", d); }
API int cudnnSetConvolution2dDescriptor(void* d, int ph, int pw, int u, int v, int dh, int dw, int mode,
                                        int computeType) {
  int64_t a[] = {P(d), ph, pw, u, v, dh, dw, mode, computeType};
  memcpy(((Desc*)d)->f, a + 1, 8 * sizeof(int64_t));
  return rec("cudnnSetConvolution2dDescriptor", 9, a);
}
API int cudnnSetConvolutionGroupCount(void* d, int groups) {
  int64_t a[] = {P(d), groups};
  ((Desc*)d)->f[8] = groups;
  return rec("cudnnSetConvolutionGroupCount", 2, a);
}
API int cudnnSetConvolutionMathType(void* d, int math) {
  int64_t a[] = {P(d), math};
  ((Desc*)d)->f[9] = math;
  return rec("cudnnSetConvolutionMathType", 2, a);
}
API int cudnnGetConvolution2dForwardOutputDim(const void* conv, const void* x, const void* w, int* n, int* c, int* h,
                                              int* wo) {
  const int64_t *cv = ((const Desc*)conv)->f, *xt = ((const Desc*)x)->f, *ft = ((const Desc*)w)->f;
  int64_t a[] = {P(conv), P(x), P(w)};
  int st = rec("cudnnGetConvolution2dForwardOutputDim", 3, a);
  if (st) return st;
  if (ft[3] * cv[8] != xt[3]) return 2000;  // filter channels x groups must be the input's channels
  *n = (int)xt[2];
  *c = (int)ft[2];
  *h = (int)((xt[4] + 2 * cv[0] - cv[4] * (ft[4] - 1) - 1) / cv[2] + 1);
  *wo = (int)((xt[5] + 2 * cv[1] - cv[5] * (ft[5] - 1) - 1) / cv[3] + 1);
  return 0;
}

// cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t: 48 bytes, algo @0, status @4, time @8, memory @16,
// determinism @24, mathType @28, reserved[3] @32
typedef struct {
  int algo, status;
  float time;
  size_t memory;
  int determinism, mathType, reserved[3];
} Perf;
_Static_assert(sizeof(Perf) == 48, "perf struct size");
// Four proposals, best first: one needing 1 TiB of workspace, one not supported, one with tensor
// cores (math 1) and 4096 bytes, one with the default math (0) and 8192 bytes; a _v7 query's
// argument order shows in which descriptor comes first.
static int perf_query(const char* name, void* h, const void* a1, const void* a2, const void* conv, const void* a4,
                      int requested, int* returned, Perf* perf) {
  int64_t a[] = {P(h), P(a1), P(a2), P(conv), P(a4), requested};
  int st = rec(name, 6, a);
  if (st) return st;
  Perf p[4] = {{2, 0, 0.1f, (size_t)1 << 40, 1, 0, {0}},
               {1, 3000, 0.2f, 0, 1, 0, {0}},
               {5, 0, 0.3f, 4096, 0, 1, {0}},
               {6, 0, 0.4f, 8192, 1, 0, {0}}};
  int n = requested < 4 ? requested : 4;
  memcpy(perf, p, sizeof(Perf) * (size_t)n);
  *returned = n;
  return 0;
}
// A workspace query answers 1000 * algo + the convolution's math type (was it set before the query?).
static int ws_query(const char* name, void* h, const void* a1, const void* a2, const void* conv, const void* a4,
                    int algo, size_t* bytes) {
  int64_t a[] = {P(h), P(a1), P(a2), P(conv), P(a4), algo};
  int st = rec(name, 6, a);
  if (st == 0) *bytes = (size_t)(1000 * algo + ((const Desc*)conv)->f[9]);
  return st;
}
API int cudnnGetConvolutionForwardAlgorithm_v7(void* h, const void* x, const void* w, const void* conv, const void* y,
                                               const int requested, int* returned, Perf* perf) {
  return perf_query("cudnnGetConvolutionForwardAlgorithm_v7", h, x, w, conv, y, requested, returned, perf);
}
API int cudnnGetConvolutionBackwardDataAlgorithm_v7(void* h, const void* w, const void* dy, const void* conv,
                                                    const void* dx, const int requested, int* returned, Perf* perf) {
  return perf_query("cudnnGetConvolutionBackwardDataAlgorithm_v7", h, w, dy, conv, dx, requested, returned, perf);
}
API int cudnnGetConvolutionBackwardFilterAlgorithm_v7(void* h, const void* x, const void* dy, const void* conv,
                                                      const void* dw, const int requested, int* returned, Perf* perf) {
  return perf_query("cudnnGetConvolutionBackwardFilterAlgorithm_v7", h, x, dy, conv, dw, requested, returned, perf);
}
API int cudnnGetConvolutionForwardWorkspaceSize(void* h, const void* x, const void* w, const void* conv, const void* y,
                                                int algo, size_t* bytes) {
  return ws_query("cudnnGetConvolutionForwardWorkspaceSize", h, x, w, conv, y, algo, bytes);
}
API int cudnnGetConvolutionBackwardDataWorkspaceSize(void* h, const void* w, const void* dy, const void* conv,
                                                     const void* dx, int algo, size_t* bytes) {
  return ws_query("cudnnGetConvolutionBackwardDataWorkspaceSize", h, w, dy, conv, dx, algo, bytes);
}
API int cudnnGetConvolutionBackwardFilterWorkspaceSize(void* h, const void* x, const void* dy, const void* conv,
                                                       const void* dw, int algo, size_t* bytes) {
  return ws_query("cudnnGetConvolutionBackwardFilterWorkspaceSize", h, x, dy, conv, dw, algo, bytes);
}
// (handle, *alpha, aDesc, a, bDesc, b, convDesc, algo, workSpace, bytes, *beta, outDesc, out)
static int conv_pass(const char* name, void* h, const void* alpha, const void* ad, const void* a_, const void* bd,
                     const void* b_, const void* conv, int algo, void* ws, size_t bytes, const void* beta,
                     const void* od, void* o) {
  int64_t a[] = {P(h), F(alpha), P(ad), P(a_), P(bd), P(b_), P(conv), algo, P(ws), (int64_t)bytes, F(beta), P(od), P(o)};
  return rec(name, 13, a);
}
API int cudnnConvolutionForward(void* h, const void* alpha, const void* xd, const void* x, const void* wd,
                                const void* w, const void* conv, int algo, void* ws, size_t bytes, const void* beta,
                                const void* yd, void* y) {
  return conv_pass("cudnnConvolutionForward", h, alpha, xd, x, wd, w, conv, algo, ws, bytes, beta, yd, y);
}
API int cudnnConvolutionBackwardData(void* h, const void* alpha, const void* wd, const void* w, const void* dyd,
                                     const void* dy, const void* conv, int algo, void* ws, size_t bytes,
                                     const void* beta, const void* dxd, void* dx) {
  return conv_pass("cudnnConvolutionBackwardData", h, alpha, wd, w, dyd, dy, conv, algo, ws, bytes, beta, dxd, dx);
}
API int cudnnConvolutionBackwardFilter(void* h, const void* alpha, const void* xd, const void* x, const void* dyd,
                                       const void* dy, const void* conv, int algo, void* ws, size_t bytes,
                                       const void* beta, const void* dwd, void* dw) {
  return conv_pass("cudnnConvolutionBackwardFilter", h, alpha, xd, x, dyd, dy, conv, algo, ws, bytes, beta, dwd, dw);
}
API int cudnnConvolutionBackwardBias(void* h, const void* alpha, const void* dyd, const void* dy, const void* beta,
                                     const void* dbd, void* db) {
  int64_t a[] = {P(h), F(alpha), P(dyd), P(dy), F(beta), P(dbd), P(db)};
  return rec("cudnnConvolutionBackwardBias", 7, a);
}
API int cudnnAddTensor(void* h, const void* alpha, const void* ad, const void* A, const void* beta, const void* cd,
                       void* C) {
  int64_t a[] = {P(h), F(alpha), P(ad), P(A), F(beta), P(cd), P(C)};
  return rec("cudnnAddTensor", 7, a);
}
API int cudnnBatchNormalizationForwardTraining(void* h, int mode, const void* alpha, const void* beta, const void* xd,
                                               const void* x, const void* yd, void* y, const void* bnd,
                                               const void* scale, const void* bias, double factor, void* runMean,
                                               void* runVar, double eps, void* saveMean, void* saveInvVar) {
  int64_t a[] = {P(h),     mode,       F(alpha),     F(beta),     P(xd),   P(x),         P(yd),         P(y), P(bnd),
                 P(scale), P(bias),    D(factor),    P(runMean),  P(runVar), D(eps), P(saveMean), P(saveInvVar)};
  return rec("cudnnBatchNormalizationForwardTraining", 17, a);
}
API int cudnnBatchNormalizationForwardInference(void* h, int mode, const void* alpha, const void* beta,
                                                const void* xd, const void* x, const void* yd, void* y,
                                                const void* bnd, const void* scale, const void* bias,
                                                const void* mean, const void* var, double eps) {
  int64_t a[] = {P(h),   mode,   F(alpha), F(beta),  P(xd),   P(x),   P(yd),
                 P(y),   P(bnd), P(scale), P(bias),  P(mean), P(var), D(eps)};
  return rec("cudnnBatchNormalizationForwardInference", 14, a);
}
API int cudnnBatchNormalizationBackward(void* h, int mode, const void* aD, const void* bD, const void* aP,
                                        const void* bP, const void* xd, const void* x, const void* dyd,
                                        const void* dy, const void* dxd, void* dx, const void* bnd, const void* scale,
                                        void* dScale, void* dBias, double eps, const void* mean, const void* invVar) {
  int64_t a[] = {P(h),  mode,  F(aD),    F(bD),     F(aP),     F(bP), P(xd), P(x),    P(dyd), P(dy),
                 P(dxd), P(dx), P(bnd), P(scale), P(dScale), P(dBias),           D(eps), P(mean), P(invVar)};
  return rec("cudnnBatchNormalizationBackward", 19, a);
}
API int cudnnCreatePoolingDescriptor(void** d) { return create_desc("cudnnCreatePoolingDescriptor", d); }
API int cudnnDestroyPoolingDescriptor(void* d) { return destroy_desc("cudnnDestroyPoolingDescriptor", d); }
API int cudnnSetPooling2dDescriptor(void* d, int mode, int nanOpt, int wh, int ww, int ph, int pw, int sh, int sw) {
  int64_t a[] = {P(d), mode, nanOpt, wh, ww, ph, pw, sh, sw};
  memcpy(((Desc*)d)->f, a + 1, 8 * sizeof(int64_t));
  return rec("cudnnSetPooling2dDescriptor", 9, a);
}
API int cudnnPoolingForward(void* h, const void* pool, const void* alpha, const void* xd, const void* x,
                            const void* beta, const void* yd, void* y) {
  int64_t a[] = {P(h), P(pool), F(alpha), P(xd), P(x), F(beta), P(yd), P(y)};
  return rec("cudnnPoolingForward", 8, a);
}
API int cudnnPoolingBackward(void* h, const void* pool, const void* alpha, const void* yd, const void* y,
                             const void* dyd, const void* dy, const void* xd, const void* x, const void* beta,
                             const void* dxd, void* dx) {
  int64_t a[] = {P(h), P(pool), F(alpha), P(yd), P(y), P(dyd), P(dy), P(xd), P(x), F(beta), P(dxd), P(dx)};
  return rec("cudnnPoolingBackward", 12, a);
}

// ---- cuBLAS -----------------------------------------------------------------------------------
API int cublasCreate_v2(void** h) { return create_desc("cublasCreate_v2", h); }
API int cublasDestroy_v2(void* h) { return destroy_desc("cublasDestroy_v2", h); }
API int cublasGetVersion_v2(void* h, int* v) {
  int64_t a[] = {P(h)};
  *v = 130100;
  return rec("cublasGetVersion_v2", 1, a);
}
API int cublasSetStream_v2(void* h, void* stream) {
  int64_t a[] = {P(h), P(stream)};
  return rec("cublasSetStream_v2", 2, a);
}
API int cublasSetMathMode(void* h, int mode) {
  int64_t a[] = {P(h), mode};
  return rec("cublasSetMathMode", 2, a);
}
API int cublasSgemmStridedBatched(void* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A,
                                  int lda, long long sA, const float* B, int ldb, long long sB, const float* beta,
                                  float* C, int ldc, long long sC, int batch) {
  int64_t a[] = {P(h), ta, tb, m, n, k, F(alpha), P(A), lda, sA, P(B), ldb, sB, F(beta), P(C), ldc, sC, batch};
  return rec("cublasSgemmStridedBatched", 18, a);
}

// ---- cuBLASLt ---------------------------------------------------------------------------------
// matmul desc: f[0] compute, f[1] scale, f[2 + attr] attribute values; layout: type, rows, cols, ld,
// f[4] batch count, f[5] batch stride; preference: f[0] max workspace, f[5..8] min alignments A B C D
API size_t cublasLtGetVersion(void) { return 130100; }
API int cublasLtCreate(void** h) { return create_desc("cublasLtCreate", h); }
API int cublasLtDestroy(void* h) { return destroy_desc("cublasLtDestroy", h); }
API int cublasLtMatmulDescCreate(void** d, int compute, int scale) {
  int st = create_desc("cublasLtMatmulDescCreate", d);
  if (st == 0) {
    ((Desc*)*d)->f[0] = compute;
    ((Desc*)*d)->f[1] = scale;
  }
  return st;
}
API int cublasLtMatmulDescDestroy(void* d) { return destroy_desc("cublasLtMatmulDescDestroy", d); }
API int cublasLtMatmulDescSetAttribute(void* d, int attr, const void* buf, size_t size) {
  int64_t a[] = {P(d), attr, (int64_t)size};
  int st = rec("cublasLtMatmulDescSetAttribute", 3, a);
  if (st) return st;
  if ((attr == 3 || attr == 4) && size != 4) return 7;  // TRANSA / TRANSB are int32: CUBLAS_STATUS_INVALID_VALUE
  if (attr < 0 || attr > 13) return 7;
  ((Desc*)d)->f[2 + attr] = *(const int32_t*)buf;
  return 0;
}
API int cublasLtMatrixLayoutCreate(void** d, int type, uint64_t rows, uint64_t cols, int64_t ld) {
  int st = create_desc("cublasLtMatrixLayoutCreate", d);
  if (st == 0) {
    int64_t* f = ((Desc*)*d)->f;
    f[0] = type, f[1] = (int64_t)rows, f[2] = (int64_t)cols, f[3] = ld, f[4] = 1, f[5] = 0;
  }
  return st;
}
API int cublasLtMatrixLayoutDestroy(void* d) { return destroy_desc("cublasLtMatrixLayoutDestroy", d); }
API int cublasLtMatrixLayoutSetAttribute(void* d, int attr, const void* buf, size_t size) {
  int64_t a[] = {P(d), attr, (int64_t)size};
  int st = rec("cublasLtMatrixLayoutSetAttribute", 3, a);
  if (st) return st;
  if (attr == 5 && size == 4) ((Desc*)d)->f[4] = *(const int32_t*)buf;       // BATCH_COUNT: int32
  else if (attr == 6 && size == 8) ((Desc*)d)->f[5] = *(const int64_t*)buf;  // STRIDED_BATCH_OFFSET: int64
  else return 7;
  return 0;
}
API int cublasLtMatmulPreferenceCreate(void** d) { return create_desc("cublasLtMatmulPreferenceCreate", d); }
API int cublasLtMatmulPreferenceDestroy(void* d) { return destroy_desc("cublasLtMatmulPreferenceDestroy", d); }
API int cublasLtMatmulPreferenceSetAttribute(void* d, int attr, const void* buf, size_t size) {
  int64_t a[] = {P(d), attr, (int64_t)size};
  int st = rec("cublasLtMatmulPreferenceSetAttribute", 3, a);
  if (st) return st;
  if (attr == 1 && size == 8) ((Desc*)d)->f[0] = *(const int64_t*)buf;  // MAX_WORKSPACE_BYTES: uint64
  else if (attr >= 5 && attr <= 8 && size == 4) ((Desc*)d)->f[attr] = *(const uint32_t*)buf;  // MIN_ALIGNMENT_*: uint32
  else return 7;
  return 0;
}
// cublasLtMatmulHeuristicResult_t: algo (8 x uint64) @0, workspaceSize @64, state @72, wavesCount @76,
// reserved[4] @80: 96 bytes. The one result: algo data[0] = 0xA160 + the smallest of the preference's
// four minimum alignments (so a caller sees they arrived), the preference's whole workspace.
typedef struct {
  uint64_t algo[8];
  size_t workspaceSize;
  int state;
  float wavesCount;
  int reserved[4];
} Heur;
_Static_assert(sizeof(Heur) == 96, "heuristic struct size");
API int cublasLtMatmulAlgoGetHeuristic(void* h, void* desc, void* la, void* lb, void* lc, void* ld, void* pref,
                                       int requested, Heur* res, int* returned) {
  int64_t a[] = {P(h), P(desc), P(la), P(lb), P(lc), P(ld), P(pref), requested};
  int st = rec("cublasLtMatmulAlgoGetHeuristic", 8, a);
  if (st) return st;
  if (requested < 1) return 7;
  memset(res, 0, sizeof(Heur));
  int64_t* f = ((Desc*)pref)->f;
  int64_t align = 256;
  for (int i = 5; i <= 8; i++)
    if (f[i] && f[i] < align) align = f[i];
  res->algo[0] = 0xA160 + (uint64_t)align;
  res->workspaceSize = (size_t)((Desc*)pref)->f[0];
  res->wavesCount = 1.0f;
  *returned = 1;
  return 0;
}
API int cublasLtMatmul(void* h, void* desc, const void* alpha, const void* A, void* la, const void* B, void* lb,
                       const void* beta, const void* C, void* lc, void* Dp, void* ld, const void* algo, void* ws,
                       size_t wsBytes, void* stream) {
  int64_t a[] = {P(h),  P(desc), F(alpha), P(A),  P(la), P(B),
                 P(lb), F(beta), P(C),     P(lc), P(Dp), P(ld),
                 algo ? (int64_t)((const uint64_t*)algo)[0] : -1, P(ws), (int64_t)wsBytes, P(stream)};
  return rec("cublasLtMatmul", 16, a);
}
