// conv.cu - 2-D convolution as implicit GEMM (issue 17): no im2col buffer, the problem objects of
// gemm_tile.cuh compute the input coordinates of each element on the fly; one GEMM per group (grid z).
//   forward        C (ocg, n oh ow)   = W_g (ocg, cg kh kw) . X_g patches (cg kh kw, n oh ow) (+ bias)
//   backward data  C (cg, n h w)      = W_g^T (cg, ocg kh kw) . dY patches (ocg kh kw, n h w)
//   backward wgt   C (ocg, cg kh kw)  = dY_g (ocg, n oh ow) . X_g patches^T (n oh ow, cg kh kw); db by rows
// The cuDNN path is checked against these on a GPU; cuda-emu runs them.
// defines: rt_conv2d_fwd rt_conv2d_bwd_data rt_conv2d_bwd_weight
// versions: those of gemm_tile.cuh (1 one thread per output, 2 shared-memory tiles; default 2)
// Contract: org.revtaf.engine.backend.ConvKernels (reference: org.revtaf.engine.backend.reference.RefConv).
#include "../gemm/gemm_tile.cuh"
#include "../common/rt_warp.cuh"

struct RtConvGeom {
  int64_t n, c, h, w, oc, kh, kw, sh, sw, ph, pw, dh, dw, groups, oh, ow, cg, ocg, kdim;
};

static bool rt_conv_geom(RtConvGeom* g, const int64_t* p) {
  if (p == nullptr) return false;
  *g = RtConvGeom{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], 0, 0, 0, 0, 0};
  if (g->n < 0 || g->c < 1 || g->h < 1 || g->w < 1 || g->oc < 1 || g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 ||
      g->ph < 0 || g->pw < 0 || g->dh < 1 || g->dw < 1 || g->groups < 1 || g->c % g->groups || g->oc % g->groups)
    return false;
  g->oh = (g->h + 2 * g->ph - g->dh * (g->kh - 1) - 1) / g->sh + 1;
  g->ow = (g->w + 2 * g->pw - g->dw * (g->kw - 1) - 1) / g->sw + 1;
  g->cg = g->c / g->groups;
  g->ocg = g->oc / g->groups;
  g->kdim = g->cg * g->kh * g->kw;
  return g->oh >= 1 && g->ow >= 1;
}

// x value at patch row kidx = (ci, ky, kx) of group z for output position col = (img, oy, ox); 0 in padding
__device__ __forceinline__ float rt_patch(const RtConvGeom& g, const float* x, int64_t z, int64_t kidx, int64_t col) {
  int64_t kx = kidx % g.kw, ky = kidx / g.kw % g.kh, ci = kidx / (g.kw * g.kh);
  int64_t ox = col % g.ow, oy = col / g.ow % g.oh, img = col / (g.ow * g.oh);
  int64_t iy = oy * g.sh - g.ph + ky * g.dh, ix = ox * g.sw - g.pw + kx * g.dw;
  if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) return 0.0f;
  return x[((img * g.c + z * g.cg + ci) * g.h + iy) * g.w + ix];
}

struct RtConvFwd {
  int64_t m, n, k;
  RtConvGeom g;
  const float* x;
  const float* wt;
  const float* bias;
  float* out;
  __device__ __forceinline__ float a(int64_t z, int64_t i, int64_t p) const { return wt[(z * g.ocg + i) * g.kdim + p]; }
  __device__ __forceinline__ float b(int64_t z, int64_t p, int64_t j) const { return rt_patch(g, x, z, p, j); }
  __device__ __forceinline__ void store(int64_t z, int64_t i, int64_t j, float acc) const {
    int64_t o = z * g.ocg + i, pix = j % (g.oh * g.ow), img = j / (g.oh * g.ow);
    out[(img * g.oc + o) * g.oh * g.ow + pix] = bias == nullptr ? acc : acc + bias[o];
  }
};

struct RtConvBwdData {
  int64_t m, n, k;
  RtConvGeom g;
  const float* dy;
  const float* wt;
  float* dx;
  // A (ci, p = (ol, ky, kx)) = w[z ocg + ol, ci, ky, kx]
  __device__ __forceinline__ float a(int64_t z, int64_t i, int64_t p) const {
    int64_t kk = p % (g.kh * g.kw), ol = p / (g.kh * g.kw);
    return wt[((z * g.ocg + ol) * g.cg + i) * g.kh * g.kw + kk];
  }
  // B (p = (ol, ky, kx), j = (img, iy, ix)) = dy at the output that tap (ky, kx) of (iy, ix) feeds, or 0
  __device__ __forceinline__ float b(int64_t z, int64_t p, int64_t j) const {
    int64_t kx = p % g.kw, ky = p / g.kw % g.kh, ol = p / (g.kw * g.kh);
    int64_t ix = j % g.w, iy = j / g.w % g.h, img = j / (g.w * g.h);
    int64_t ty = iy + g.ph - ky * g.dh, tx = ix + g.pw - kx * g.dw;
    if (ty < 0 || tx < 0 || ty % g.sh || tx % g.sw) return 0.0f;
    int64_t oy = ty / g.sh, ox = tx / g.sw;
    if (oy >= g.oh || ox >= g.ow) return 0.0f;
    return dy[((img * g.oc + z * g.ocg + ol) * g.oh + oy) * g.ow + ox];
  }
  __device__ __forceinline__ void store(int64_t z, int64_t i, int64_t j, float acc) const {
    int64_t pix = j % (g.h * g.w), img = j / (g.h * g.w);
    dx[(img * g.c + z * g.cg + i) * g.h * g.w + pix] = acc;
  }
};

struct RtConvBwdWeight {
  int64_t m, n, k;
  RtConvGeom g;
  const float* dy;
  const float* x;
  float* dw;
  // A (ol, p = (img, oy, ox)) = dy
  __device__ __forceinline__ float a(int64_t z, int64_t i, int64_t p) const {
    int64_t pix = p % (g.oh * g.ow), img = p / (g.oh * g.ow);
    return dy[(img * g.oc + z * g.ocg + i) * g.oh * g.ow + pix];
  }
  __device__ __forceinline__ float b(int64_t z, int64_t p, int64_t j) const { return rt_patch(g, x, z, j, p); }
  __device__ __forceinline__ void store(int64_t z, int64_t i, int64_t j, float acc) const {
    dw[(z * g.ocg + i) * g.kdim + j] = acc;
  }
};

// db[o] = sum over images and pixels of dy[:, o]; one block per channel
__global__ void conv_bias_grad_kernel(float* db, const float* dy, int64_t n, int64_t oc, int64_t pixels) {
  STATIC_SHARED(float, red, [32]);
  int64_t o = blockIdx.x;
  float s = 0.0f;
  for (int64_t e = threadIdx.x; e < n * pixels; e += blockDim.x) s += dy[(e / pixels * oc + o) * pixels + e % pixels];
  s = block_sum(s, red);
  if (threadIdx.x == 0) db[o] = s;
}

extern "C" int rt_conv2d_fwd(void* stream, float* out, const float* x, const float* w, const float* bias,
                             const int64_t* geom, int version) {
  RtConvGeom g;
  RT_REQUIRE(rt_conv_geom(&g, geom), "rt_conv2d_fwd", "bad geometry");
  RT_REQUIRE(version >= 0 && version <= 2, "rt_conv2d_fwd", "bad version");
  if (g.n == 0) return 0;
  RT_REQUIRE(out != nullptr && x != nullptr && w != nullptr, "rt_conv2d_fwd", "null pointer");
  RtConvFwd pr{g.ocg, g.n * g.oh * g.ow, g.kdim, g, x, w, bias, out};
  return rt_gemm_launch("rt_conv2d_fwd", pr, g.groups, version, stream);
}

extern "C" int rt_conv2d_bwd_data(void* stream, float* dx, const float* dy, const float* w, const int64_t* geom,
                                  int version) {
  RtConvGeom g;
  RT_REQUIRE(rt_conv_geom(&g, geom), "rt_conv2d_bwd_data", "bad geometry");
  RT_REQUIRE(version >= 0 && version <= 2, "rt_conv2d_bwd_data", "bad version");
  if (g.n == 0) return 0;
  RT_REQUIRE(dx != nullptr && dy != nullptr && w != nullptr, "rt_conv2d_bwd_data", "null pointer");
  RtConvBwdData pr{g.cg, g.n * g.h * g.w, g.ocg * g.kh * g.kw, g, dy, w, dx};
  return rt_gemm_launch("rt_conv2d_bwd_data", pr, g.groups, version, stream);
}

extern "C" int rt_conv2d_bwd_weight(void* stream, float* dw, float* db, const float* dy, const float* x,
                                    const int64_t* geom, int version) {
  RtConvGeom g;
  RT_REQUIRE(rt_conv_geom(&g, geom), "rt_conv2d_bwd_weight", "bad geometry");
  RT_REQUIRE(version >= 0 && version <= 2, "rt_conv2d_bwd_weight", "bad version");
  RT_REQUIRE(dy != nullptr && (dw == nullptr || x != nullptr), "rt_conv2d_bwd_weight", "null pointer");
  if (dw != nullptr) {
    RtConvBwdWeight pr{g.ocg, g.kdim, g.n * g.oh * g.ow, g, dy, x, dw};
    int st = rt_gemm_launch("rt_conv2d_bwd_weight", pr, g.groups, version, stream);
    if (st != 0) return st;
  }
  if (db != nullptr) {
    RT_LAUNCH(conv_bias_grad_kernel, (unsigned)g.oc, 256, 0, stream, db, dy, g.n, g.oc, g.oh * g.ow);
    RT_LAUNCHED("rt_conv2d_bwd_weight");
  }
  return 0;
}
