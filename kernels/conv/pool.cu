// pool.cu - pooling and bilinear resize on NCHW planes (issue 17): max / average pooling with padding
// (floor mode), adaptive average pooling and bilinear resize (PyTorch upsample_bilinear2d), forward and
// backward. Backward kernels gather (one thread per input element, no atomics, deterministic) except
// bilinear, whose taps are irregular: it zeroes dx and scatters with atomicAdd.
// defines: rt_max_pool2d_fwd rt_max_pool2d_bwd rt_avg_pool2d_fwd rt_avg_pool2d_bwd
//          rt_adaptive_avg_pool2d_fwd rt_adaptive_avg_pool2d_bwd rt_bilinear_fwd rt_bilinear_bwd
// versions: 1 (one thread per element; the only version)
// Contract: org.revtaf.engine.backend.reference.RefConv (maxForward ... adaptiveAvgBackward, bilinear), Lerp.
#include "../common/rt_geom.cuh"

#define RT_POOL_BLOCK 256

struct RtPoolGeom {
  int64_t planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow;
};

static bool rt_pool_geom(RtPoolGeom* g, const int64_t* p) {
  if (p == nullptr) return false;
  int64_t n = p[0], c = p[1];
  *g = RtPoolGeom{n * c, p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], 0, 0};
  if (n < 0 || c < 1 || g->h < 1 || g->w < 1 || g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 || g->ph < 0 ||
      g->pw < 0 || 2 * g->ph > g->kh || 2 * g->pw > g->kw || g->h + 2 * g->ph < g->kh || g->w + 2 * g->pw < g->kw)
    return false;
  g->oh = (g->h + 2 * g->ph - g->kh) / g->sh + 1;
  g->ow = (g->w + 2 * g->pw - g->kw) / g->sw + 1;
  return true;
}

// cells averaged by output (oy, ox) (org.revtaf.engine.backend.Pool2dGeom.divisor)
__device__ __forceinline__ float rt_pool_div(const RtPoolGeom& g, int64_t oy, int64_t ox, int include_pad) {
  int64_t y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
  int64_t y1 = min(y0 + g.kh, g.h + g.ph), x1 = min(x0 + g.kw, g.w + g.pw);
  if (include_pad) return (float)((y1 - y0) * (x1 - x0));
  return (float)((min(y1, g.h) - max(y0, (int64_t)0)) * (min(x1, g.w) - max(x0, (int64_t)0)));
}

// output rows/cols whose window holds input row iy: oy in [lo, hi]
__device__ __forceinline__ void rt_pool_span(int64_t i, int64_t k, int64_t s, int64_t p, int64_t o, int64_t* lo,
                                             int64_t* hi) {
  int64_t t = i + p;  // oy * s <= t < oy * s + k
  *lo = t - k + 1 <= 0 ? 0 : (t - k + 1 + s - 1) / s;
  *hi = min(t / s, o - 1);
}

// input element e = (plane p, row iy, column ix) and the outputs (oy in [y0, y1], ox in [x0, x1]) whose
// windows hold it: what a gathering backward kernel visits
struct RtPoolTaps {
  int64_t p, iy, ix, y0, y1, x0, x1;
};
__device__ __forceinline__ RtPoolTaps rt_pool_taps(const RtPoolGeom& g, int64_t e) {
  RtPoolTaps t;
  t.ix = e % g.w;
  t.iy = e / g.w % g.h;
  t.p = e / (g.w * g.h);
  rt_pool_span(t.iy, g.kh, g.sh, g.ph, g.oh, &t.y0, &t.y1);
  rt_pool_span(t.ix, g.kw, g.sw, g.pw, g.ow, &t.x0, &t.x1);
  return t;
}

__global__ void max_pool_fwd_kernel(float* out, int32_t* argmax, const float* x, RtPoolGeom g) {
  RT_GRID_STRIDE(e, g.planes * g.oh * g.ow) {
    int64_t ox = e % g.ow, oy = e / g.ow % g.oh, p = e / (g.ow * g.oh);
    const float* xp = x + p * g.h * g.w;
    float best = -INFINITY;
    int arg = -1;
    for (int64_t ky = 0; ky < g.kh; ky++)
      for (int64_t kx = 0; kx < g.kw; kx++) {
        int64_t iy = oy * g.sh - g.ph + ky, ix = ox * g.sw - g.pw + kx;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
        float v = xp[iy * g.w + ix];
        if (arg < 0 || v > best || (v != v && best == best)) {
          best = v;
          arg = (int)(iy * g.w + ix);
        }
      }
    out[e] = best;
    argmax[e] = arg;
  }
}

__global__ void max_pool_bwd_kernel(float* dx, const float* dy, const int32_t* argmax, RtPoolGeom g) {
  RT_GRID_STRIDE(e, g.planes * g.h * g.w) {
    RtPoolTaps t = rt_pool_taps(g, e);
    float acc = 0.0f;
    int32_t me = (int32_t)(t.iy * g.w + t.ix);
    for (int64_t oy = t.y0; oy <= t.y1; oy++)
      for (int64_t ox = t.x0; ox <= t.x1; ox++) {
        int64_t o = (t.p * g.oh + oy) * g.ow + ox;
        if (argmax[o] == me) acc += dy[o];
      }
    dx[e] = acc;
  }
}

__global__ void avg_pool_fwd_kernel(float* out, const float* x, RtPoolGeom g, int include_pad) {
  RT_GRID_STRIDE(e, g.planes * g.oh * g.ow) {
    int64_t ox = e % g.ow, oy = e / g.ow % g.oh, p = e / (g.ow * g.oh);
    const float* xp = x + p * g.h * g.w;
    float acc = 0.0f;
    for (int64_t ky = 0; ky < g.kh; ky++)
      for (int64_t kx = 0; kx < g.kw; kx++) {
        int64_t iy = oy * g.sh - g.ph + ky, ix = ox * g.sw - g.pw + kx;
        if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) acc += xp[iy * g.w + ix];
      }
    out[e] = acc / rt_pool_div(g, oy, ox, include_pad);
  }
}

__global__ void avg_pool_bwd_kernel(float* dx, const float* dy, RtPoolGeom g, int include_pad) {
  RT_GRID_STRIDE(e, g.planes * g.h * g.w) {
    RtPoolTaps t = rt_pool_taps(g, e);
    float acc = 0.0f;
    for (int64_t oy = t.y0; oy <= t.y1; oy++)
      for (int64_t ox = t.x0; ox <= t.x1; ox++)
        acc += dy[(t.p * g.oh + oy) * g.ow + ox] / rt_pool_div(g, oy, ox, include_pad);
    dx[e] = acc;
  }
}

// adaptive bin of output o over an axis of `in` cells into `out`: [o in / out, ceil((o + 1) in / out))
__device__ __forceinline__ int64_t rt_bin_lo(int64_t o, int64_t in, int64_t out) { return o * in / out; }
__device__ __forceinline__ int64_t rt_bin_hi(int64_t o, int64_t in, int64_t out) {
  return ((o + 1) * in + out - 1) / out;
}

__global__ void adaptive_fwd_kernel(float* out, const float* x, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                    int64_t ow) {
  RT_GRID_STRIDE(e, planes * oh * ow) {
    int64_t ox = e % ow, oy = e / ow % oh, p = e / (ow * oh);
    int64_t y0 = rt_bin_lo(oy, h, oh), y1 = rt_bin_hi(oy, h, oh), x0 = rt_bin_lo(ox, w, ow), x1 = rt_bin_hi(ox, w, ow);
    float acc = 0.0f;
    for (int64_t iy = y0; iy < y1; iy++)
      for (int64_t ix = x0; ix < x1; ix++) acc += x[(p * h + iy) * w + ix];
    out[e] = acc / (float)((y1 - y0) * (x1 - x0));
  }
}

__global__ void adaptive_bwd_kernel(float* dx, const float* dy, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                    int64_t ow) {
  RT_GRID_STRIDE(e, planes * h * w) {
    int64_t ix = e % w, iy = e / w % h, p = e / (w * h);
    float acc = 0.0f;
    // bins are monotone in o: walk the outputs whose bin can hold iy / ix
    for (int64_t oy = iy * oh / h; oy < oh && rt_bin_lo(oy, h, oh) <= iy; oy++) {
      int64_t y0 = rt_bin_lo(oy, h, oh), y1 = rt_bin_hi(oy, h, oh);
      if (iy < y0 || iy >= y1) continue;
      for (int64_t ox = ix * ow / w; ox < ow && rt_bin_lo(ox, w, ow) <= ix; ox++) {
        int64_t x0 = rt_bin_lo(ox, w, ow), x1 = rt_bin_hi(ox, w, ow);
        if (ix < x0 || ix >= x1) continue;
        acc += dy[(p * oh + oy) * ow + ox] / (float)((y1 - y0) * (x1 - x0));
      }
    }
    dx[e] = acc;
  }
}

// source taps of one output coordinate (org.revtaf.engine.backend.Lerp)
struct RtLerp {
  int64_t i0, i1;
  float w0, w1;
};
__device__ __forceinline__ RtLerp rt_lerp(int64_t dst, int64_t in, int64_t out, int align) {
  double src;
  if (align) src = out > 1 ? dst * (double)(in - 1) / (double)(out - 1) : 0.0;
  else src = fmax((dst + 0.5) * (double)in / (double)out - 0.5, 0.0);
  int64_t i0 = min((int64_t)src, in - 1);
  int64_t i1 = i0 < in - 1 ? i0 + 1 : i0;
  float l1 = (float)(src - (double)i0);
  return RtLerp{i0, i1, 1.0f - l1, l1};
}

__global__ void bilinear_fwd_kernel(float* out, const float* x, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                    int64_t ow, int align) {
  RT_GRID_STRIDE(e, planes * oh * ow) {
    int64_t ox = e % ow, oy = e / ow % oh, p = e / (ow * oh);
    RtLerp ly = rt_lerp(oy, h, oh, align), lx = rt_lerp(ox, w, ow, align);
    const float* b = x + p * h * w;
    out[e] = ly.w0 * (lx.w0 * b[ly.i0 * w + lx.i0] + lx.w1 * b[ly.i0 * w + lx.i1]) +
             ly.w1 * (lx.w0 * b[ly.i1 * w + lx.i0] + lx.w1 * b[ly.i1 * w + lx.i1]);
  }
}

__global__ void bilinear_bwd_kernel(float* dx, const float* dy, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                    int64_t ow, int align) {
  RT_GRID_STRIDE(e, planes * oh * ow) {
    int64_t ox = e % ow, oy = e / ow % oh, p = e / (ow * oh);
    RtLerp ly = rt_lerp(oy, h, oh, align), lx = rt_lerp(ox, w, ow, align);
    float v = dy[e];
    float* b = dx + p * h * w;
    atomicAdd(b + ly.i0 * w + lx.i0, v * ly.w0 * lx.w0);
    atomicAdd(b + ly.i0 * w + lx.i1, v * ly.w0 * lx.w1);
    atomicAdd(b + ly.i1 * w + lx.i0, v * ly.w1 * lx.w0);
    atomicAdd(b + ly.i1 * w + lx.i1, v * ly.w1 * lx.w1);
  }
}

#define RT_POOL_LAUNCH(op, kernel, n, ...)                                                          \
  do {                                                                                              \
    if ((n) > 0) {                                                                                  \
      RT_LAUNCH(kernel, rt_grid((n), RT_POOL_BLOCK), RT_POOL_BLOCK, 0, stream, __VA_ARGS__);        \
      RT_LAUNCHED(op);                                                                              \
    }                                                                                               \
    return 0;                                                                                       \
  } while (0)

extern "C" int rt_max_pool2d_fwd(void* stream, float* out, int32_t* argmax, const float* x, const int64_t* geom) {
  RtPoolGeom g;
  RT_REQUIRE(rt_pool_geom(&g, geom), "rt_max_pool2d_fwd", "bad geometry");
  RT_REQUIRE(g.planes == 0 || (out && argmax && x), "rt_max_pool2d_fwd", "null pointer");
  RT_POOL_LAUNCH("rt_max_pool2d_fwd", max_pool_fwd_kernel, g.planes * g.oh * g.ow, out, argmax, x, g);
}

extern "C" int rt_max_pool2d_bwd(void* stream, float* dx, const float* dy, const int32_t* argmax, const int64_t* geom) {
  RtPoolGeom g;
  RT_REQUIRE(rt_pool_geom(&g, geom), "rt_max_pool2d_bwd", "bad geometry");
  RT_REQUIRE(g.planes == 0 || (dx && dy && argmax), "rt_max_pool2d_bwd", "null pointer");
  RT_POOL_LAUNCH("rt_max_pool2d_bwd", max_pool_bwd_kernel, g.planes * g.h * g.w, dx, dy, argmax, g);
}

extern "C" int rt_avg_pool2d_fwd(void* stream, float* out, const float* x, const int64_t* geom, int count_include_pad) {
  RtPoolGeom g;
  RT_REQUIRE(rt_pool_geom(&g, geom), "rt_avg_pool2d_fwd", "bad geometry");
  RT_REQUIRE(g.planes == 0 || (out && x), "rt_avg_pool2d_fwd", "null pointer");
  RT_POOL_LAUNCH("rt_avg_pool2d_fwd", avg_pool_fwd_kernel, g.planes * g.oh * g.ow, out, x, g, count_include_pad);
}

extern "C" int rt_avg_pool2d_bwd(void* stream, float* dx, const float* dy, const int64_t* geom, int count_include_pad) {
  RtPoolGeom g;
  RT_REQUIRE(rt_pool_geom(&g, geom), "rt_avg_pool2d_bwd", "bad geometry");
  RT_REQUIRE(g.planes == 0 || (dx && dy), "rt_avg_pool2d_bwd", "null pointer");
  RT_POOL_LAUNCH("rt_avg_pool2d_bwd", avg_pool_bwd_kernel, g.planes * g.h * g.w, dx, dy, g, count_include_pad);
}

#define RT_RESIZE_REQUIRE(op, a, b)                                                                \
  RT_REQUIRE(planes >= 0 && h > 0 && w > 0 && oh > 0 && ow > 0, op, "bad sizes");                  \
  RT_REQUIRE(planes == 0 || ((a) && (b)), op, "null pointer")

extern "C" int rt_adaptive_avg_pool2d_fwd(void* stream, float* out, const float* x, int64_t planes, int64_t h,
                                          int64_t w, int64_t oh, int64_t ow) {
  RT_RESIZE_REQUIRE("rt_adaptive_avg_pool2d_fwd", out, x);
  RT_POOL_LAUNCH("rt_adaptive_avg_pool2d_fwd", adaptive_fwd_kernel, planes * oh * ow, out, x, planes, h, w, oh, ow);
}

extern "C" int rt_adaptive_avg_pool2d_bwd(void* stream, float* dx, const float* dy, int64_t planes, int64_t h,
                                          int64_t w, int64_t oh, int64_t ow) {
  RT_RESIZE_REQUIRE("rt_adaptive_avg_pool2d_bwd", dx, dy);
  RT_POOL_LAUNCH("rt_adaptive_avg_pool2d_bwd", adaptive_bwd_kernel, planes * h * w, dx, dy, planes, h, w, oh, ow);
}

extern "C" int rt_bilinear_fwd(void* stream, float* out, const float* x, int64_t planes, int64_t h, int64_t w,
                               int64_t oh, int64_t ow, int align_corners) {
  RT_RESIZE_REQUIRE("rt_bilinear_fwd", out, x);
  RT_POOL_LAUNCH("rt_bilinear_fwd", bilinear_fwd_kernel, planes * oh * ow, out, x, planes, h, w, oh, ow, align_corners);
}

extern "C" int rt_bilinear_bwd(void* stream, float* dx, const float* dy, int64_t planes, int64_t h, int64_t w,
                               int64_t oh, int64_t ow, int align_corners) {
  RT_RESIZE_REQUIRE("rt_bilinear_bwd", dx, dy);
  if (planes == 0) return 0;
  RT_CUDA(cudaMemsetAsync(dx, 0, (size_t)(planes * h * w) * sizeof(float), (cudaStream_t)stream), "rt_bilinear_bwd");
  RT_POOL_LAUNCH("rt_bilinear_bwd", bilinear_bwd_kernel, planes * oh * ow, dx, dy, planes, h, w, oh, ow, align_corners);
}
