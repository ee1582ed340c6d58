// poincare_math.cuh - the scalar math of the Poincare-ball kernels, shared by every version so that
// versions differ only in how they parallelise (row reductions) and never in the formula.
// Each function takes the row statistics (dot products, squared norms) and returns the
// coefficients that combine the row vectors. Constants: see include/revtaf_kernels.h.
#pragma once
#include "../emu/cuda_emu.h"

#define RT_MIN_NORM 1e-15f
#define RT_TANH_CLAMP 15.0f
#define RT_ARTANH_CLAMP (1.0f - 1e-7f)   // 1-1e-15 is 1 in fp32
#define RT_PROJ_EPS 4e-3f
#define RT_DIST_DEN_EPS 1e-5f
#define RT_DIST_ARTANH_CLAMP (1.0f - 1e-5f)

// ---- mobius_add: out = A/D x + B/D y ---------------------------------------------------------------
struct MobiusCoef {
  float ax, ay;  // out = ax x + ay y
};
__host__ __device__ inline MobiusCoef mobius_add_coef(float xy, float x2, float y2, float c) {
  float A = 1.0f + 2.0f * c * xy + c * y2, B = 1.0f - c * x2;
  float D = fmaxf(1.0f + 2.0f * c * xy + c * c * x2 * y2, 1e-15f);
  return {A / D, B / D};
}
// dx = gxc g + xxc x + xyc y; dy = ygc g + yxc x + yyc y, with gx = <g,x>, gy = <g,y>
struct MobiusGrad {
  float dx_g, dx_x, dx_y, dy_g, dy_x, dy_y;
};
__host__ __device__ inline MobiusGrad mobius_add_grad(float xy, float x2, float y2, float gx, float gy, float c) {
  float A = 1.0f + 2.0f * c * xy + c * y2, B = 1.0f - c * x2;
  float Draw = 1.0f + 2.0f * c * xy + c * c * x2 * y2;
  float D = fmaxf(Draw, 1e-15f);
  float s = Draw > 1e-15f ? (A * gx + B * gy) / (D * D) : 0.0f;  // d/dD of <g,out>, 0 when clamped
  MobiusGrad r;
  r.dx_g = A / D;
  r.dx_x = -2.0f * c * gy / D - 2.0f * c * c * y2 * s;
  r.dx_y = 2.0f * c * gx / D - 2.0f * c * s;
  r.dy_g = B / D;
  r.dy_x = 2.0f * c * gx / D - 2.0f * c * s;
  r.dy_y = 2.0f * c * gx / D - 2.0f * c * c * x2 * s;
  return r;
}

// ---- row maps: out = f(|x|) x; backward dx = f g + (f'(|x|) <g,x> / |x|) x ---------------------------
enum PoincareMap { kExpmap0 = 0, kLogmap0 = 1, kProj = 2 };
struct MapCoef {
  float f, fp;  // scale and its derivative with respect to |x| (0 where clamped)
};
__host__ __device__ inline MapCoef poincare_map_coef(int op, float x2, float c) {
  float sc = sqrtf(c);
  float nraw = sqrtf(x2);
  float n = fmaxf(nraw, RT_MIN_NORM);
  bool nclamped = nraw < RT_MIN_NORM;
  MapCoef r{1.0f, 0.0f};
  if (op == kExpmap0) {
    float t = sc * n, tc = fminf(t, RT_TANH_CLAMP), th = tanhf(tc);
    r.f = th / t;
    float dth = t < RT_TANH_CLAMP ? (1.0f - th * th) : 0.0f;  // d tanh / dt
    r.fp = nclamped ? 0.0f : sc * (dth * t - th) / (t * t);
  } else if (op == kLogmap0) {
    float t = sc * n, tc = fminf(t, RT_ARTANH_CLAMP), at = atanhf(tc);
    r.f = at / t;
    float dat = t < RT_ARTANH_CLAMP ? 1.0f / (1.0f - tc * tc) : 0.0f;
    r.fp = nclamped ? 0.0f : sc * (dat * t - at) / (t * t);
  } else {
    float maxnorm = (1.0f - RT_PROJ_EPS) / sc;
    if (n > maxnorm) {
      r.f = maxnorm / n;
      r.fp = -maxnorm / (n * n);
    }
  }
  return r;
}

// ---- mobius_matvec row: out = h mx with h = tanh(|mx|/|x| artanh(sc|x|)) / (|mx| sc) -----------------
struct MatvecCoef {
  float h;      // out = h * mx (0 when mx == 0)
  float dmx_m;  // backward: dmx = h g + dmx_m mx
  float dx_x;   //           dx = M^T dmx + dx_x x
};
// x2 = |x|^2, m2 = |mx|^2, gm = <g, mx> (only for the backward)
__host__ __device__ inline MatvecCoef matvec_coef(float x2, float m2, float gm, float c) {
  float sc = sqrtf(c);
  MatvecCoef r{0.0f, 0.0f, 0.0f};
  if (m2 == 0.0f) return r;  // Mx == 0: out = 0, no gradient
  float xraw = sqrtf(x2), xn = fmaxf(xraw, RT_MIN_NORM);
  float mraw = sqrtf(m2), mn = fmaxf(mraw, RT_MIN_NORM);
  float z = sc * xn, zc = fminf(z, RT_ARTANH_CLAMP), a = atanhf(zc);
  float dadxn = (z < RT_ARTANH_CLAMP && xraw >= RT_MIN_NORM) ? sc / (1.0f - zc * zc) : 0.0f;
  float t = mn / xn * a, tc = fminf(t, RT_TANH_CLAMP), th = tanhf(tc);
  float sech2 = t < RT_TANH_CLAMP ? 1.0f - th * th : 0.0f;
  r.h = th / (mn * sc);
  float dL_dmn = mraw >= RT_MIN_NORM ? gm * (sech2 * a / xn / (mn * sc) - th / (mn * mn * sc)) : 0.0f;
  r.dmx_m = dL_dmn / mn;
  float dL_dxn = xraw >= RT_MIN_NORM ? gm * sech2 / sc * (-a / (xn * xn) + dadxn / xn) : 0.0f;
  r.dx_x = dL_dxn / xn;
  return r;
}

// ---- pairwise distance from s = <x,y>, a = |x|^2, b = |y|^2 -------------------------------------------
// (-x) (+) y with the additive 1e-5 denominator: num = A(-x) + B y, A = 1-2cs+cb, B = 1-ca,
// |num|^2 = A^2 a - 2AB s + B^2 b, den = 1-2cs+c^2ab+1e-5, z = |num|/den,
// dist = (2/sc) artanh(min(sc z, 1-1e-5))
struct DistGrad {
  float dist, ds, da, db;  // value and partial derivatives
};
__host__ __device__ inline DistGrad poincare_dist_grad(float s, float a, float b, float c) {
  float sc = sqrtf(c);
  float A = 1.0f - 2.0f * c * s + c * b, B = 1.0f - c * a;
  float N2 = fmaxf(A * A * a - 2.0f * A * B * s + B * B * b, 0.0f);
  float den = 1.0f - 2.0f * c * s + c * c * a * b + RT_DIST_DEN_EPS;
  float N = sqrtf(N2);
  float z = N / den;
  float w = sc * z, wc = fminf(w, RT_DIST_ARTANH_CLAMP);
  DistGrad r;
  r.dist = 2.0f / sc * atanhf(wc);
  float ddz = w < RT_DIST_ARTANH_CLAMP ? 2.0f / (1.0f - wc * wc) : 0.0f;  // d dist / dz
  float dN2_ds = -4.0f * c * A * a + 4.0f * c * B * s - 2.0f * A * B;
  float dN2_da = A * A + 2.0f * c * A * s - 2.0f * c * B * b;
  float dN2_db = 2.0f * c * A * a - 2.0f * c * B * s + B * B;
  float inv2N = N > 0.0f ? 0.5f / N : 0.0f;
  float zN = ddz / den, zden = -ddz * z / den;  // d dist/dN and d dist/dden
  r.ds = zN * dN2_ds * inv2N + zden * (-2.0f * c);
  r.da = zN * dN2_da * inv2N + zden * (c * c * b);
  r.db = zN * dN2_db * inv2N + zden * (c * c * a);
  return r;
}
