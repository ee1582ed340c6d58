// poincare_math.cuh - the scalar math of the Poincare-ball kernels, shared by every version so that
// versions differ only in how they parallelise (row reductions), never in the formula. A line-by-line
// port of org.revtaf.engine.backend.PoincareScalar (the Java contract): row statistics (dot
// products, squared norms) are accumulated in fp32 by the kernels, the per-row / per-pair scalar
// math runs in double so the 1e-15 clamps of the public code mean what they say.
// Clamps: norms >= 1e-15 (no gradient below); tanh input in [-15, 15] (zero gradient outside);
// artanh input in [-1+eps, 1-eps] with the straight-through gradient 1/(1 - xc^2); manifold
// eps 1e-15, distance eps 1e-5 with an additive 1e-5 on the Mobius denominator; proj to
// (1 - 4e-3)/sqrt(c).
#pragma once
#include "../emu/cuda_emu.h"

#define RT_MIN_NORM 1e-15
#define RT_TANH_CLAMP 15.0
#define RT_ARTANH_EPS_MANIFOLD 1e-15
#define RT_ARTANH_EPS_DIST 1e-5
#define RT_PROJ_EPS 4e-3
#define RT_DIST_DEN_EPS 1e-5

__host__ __device__ inline double pm_clamp_artanh(double x, double eps) { return fmax(-1.0 + eps, fmin(1.0 - eps, x)); }
__host__ __device__ inline double pm_artanh(double x, double eps) {
  double xc = pm_clamp_artanh(x, eps);
  return 0.5 * (log1p(xc) - log1p(-xc));
}
__host__ __device__ inline double pm_artanh_grad(double x, double eps) {
  double xc = pm_clamp_artanh(x, eps);
  return 1.0 / (1.0 - xc * xc);
}
__host__ __device__ inline double pm_tanh(double x) { return tanh(fmax(-RT_TANH_CLAMP, fmin(RT_TANH_CLAMP, x))); }
__host__ __device__ inline double pm_tanh_grad(double x) {
  if (x < -RT_TANH_CLAMP || x > RT_TANH_CLAMP) return 0.0;
  double t = tanh(x);
  return 1.0 - t * t;
}

// ---- mobius_add: out = ax x + ay y --------------------------------------------------------------------
struct MobiusCoef {
  float ax, ay;
};
__host__ __device__ inline MobiusCoef mobius_add_coef(double xy, double x2, double y2, double c) {
  double a = 1 + 2 * c * xy + c * y2, b = 1 - c * x2;
  double den = fmax(1 + 2 * c * xy + c * c * x2 * y2, RT_MIN_NORM);
  return {(float)(a / den), (float)(b / den)};
}
// dx = dx_g g + dx_y y + dx_x x; dy = dy_g g + dy_x x + dy_y y; gx = <g,x>, gy = <g,y>
struct MobiusGrad {
  float dx_g, dx_x, dx_y, dy_g, dy_x, dy_y;
};
__host__ __device__ inline MobiusGrad mobius_add_grad(double xy, double x2, double y2, double gx, double gy, double c) {
  double a = 1 + 2 * c * xy + c * y2, b = 1 - c * x2;
  double den_raw = 1 + 2 * c * xy + c * c * x2 * y2;
  double den = fmax(den_raw, RT_MIN_NORM);
  double go = (a * gx + b * gy) / den;
  double dden = den_raw > RT_MIN_NORM ? -go / den : 0.0;
  double da = gx / den, db = gy / den;
  MobiusGrad r;
  r.dx_g = (float)(a / den);
  r.dx_y = (float)(2 * c * da + 2 * c * dden);
  r.dx_x = (float)(-2 * c * db + 2 * c * c * y2 * dden);
  r.dy_g = (float)(b / den);
  r.dy_x = (float)(2 * c * da + 2 * c * dden);
  r.dy_y = (float)(2 * c * da + 2 * c * c * x2 * dden);
  return r;
}

// ---- row maps: out = s(|x|) x; backward dx = s g + k x ----------------------------------------------------
enum PoincareMap { kExpmap0 = 0, kLogmap0 = 1, kProj = 2 };
struct MapCoef {
  float s, k;
};
// x2 = |x|^2, gx = <g, x> (0 for the forward)
__host__ __device__ inline MapCoef poincare_map_coef(int op, double x2, double gx, double c) {
  double sc = sqrt(c), norm = sqrt(x2);
  double n = fmax(norm, RT_MIN_NORM);
  MapCoef r{1.0f, 0.0f};
  if (op == kExpmap0) {
    double z = sc * n;
    r.s = (float)(pm_tanh(z) / z);
    if (norm > RT_MIN_NORM) r.k = (float)(gx * (sc * (pm_tanh_grad(z) * z - pm_tanh(z)) / (z * z)) / norm);
  } else if (op == kLogmap0) {
    double z = sc * n;
    double at = pm_artanh(z, RT_ARTANH_EPS_MANIFOLD);
    r.s = (float)(at / z);
    if (norm > RT_MIN_NORM)
      r.k = (float)(gx * (sc * (pm_artanh_grad(z, RT_ARTANH_EPS_MANIFOLD) * z - at) / (z * z)) / norm);
  } else {
    double maxn = (1 - RT_PROJ_EPS) / sc;
    if (n > maxn) {
      r.s = (float)(maxn / n);
      r.k = (float)(-maxn * gx / (n * n * n));
    }
  }
  return r;
}

// ---- mobius_matvec row: out = s mx; backward dmx = s g + cm mx, dx = M^T dmx + cx x -------------------
struct MatvecCoef {
  float s, cm, cx;
};
// x2 = |x|^2, m2 = |mx|^2, gm = <g, mx> (0 for the forward); s = 0 where mx is the zero vector
__host__ __device__ inline MatvecCoef matvec_coef(double x2, double m2, double gm, double c) {
  MatvecCoef r{0.0f, 0.0f, 0.0f};
  if (m2 == 0.0) return r;
  double sc = sqrt(c), x_norm = sqrt(x2), mx_norm = sqrt(m2);
  double xn = fmax(x_norm, RT_MIN_NORM), mxn = fmax(mx_norm, RT_MIN_NORM);
  double a = pm_artanh(sc * xn, RT_ARTANH_EPS_MANIFOLD);
  double da = pm_artanh_grad(sc * xn, RT_ARTANH_EPS_MANIFOLD) * sc;
  double arg = mxn / xn * a, t = pm_tanh(arg), dt = pm_tanh_grad(arg);
  double s = t / (mxn * sc);
  double ds_dmxn = (dt * (a / xn) * mxn - t) / (sc * mxn * mxn);
  double darg_dxn = mxn * (da * xn - a) / (xn * xn);
  double ds_dxn = dt * darg_dxn / (sc * mxn);
  r.s = (float)s;
  r.cm = mx_norm > RT_MIN_NORM ? (float)(gm * ds_dmxn / mx_norm) : 0.0f;
  r.cx = x_norm > RT_MIN_NORM ? (float)(gm * ds_dxn / x_norm) : 0.0f;
  return r;
}

// ---- pairwise distance from xy = <x,y>, x2 = |x|^2, y2 = |y|^2 -----------------------------------------------
__host__ __device__ inline float poincare_dist(double xy, double x2, double y2, double c) {
  double sc = sqrt(c);
  double a = 1 - 2 * c * xy + c * y2, b = 1 - c * x2;
  double n2 = fmax(a * a * x2 - 2 * a * b * xy + b * b * y2, 0.0);
  double den = 1 - 2 * c * xy + c * c * x2 * y2 + RT_DIST_DEN_EPS;
  return (float)(2 / sc * pm_artanh(sc * sqrt(n2) / den, RT_ARTANH_EPS_DIST));
}
// gradient of g * dist w.r.t. (xy, x2, y2); zero where |num| = 0
struct DistGrad {
  float dxy, dx2, dy2;
};
__host__ __device__ inline DistGrad poincare_dist_grad(double xy, double x2, double y2, double c, double g) {
  double sc = sqrt(c);
  double a = 1 - 2 * c * xy + c * y2, b = 1 - c * x2;
  double n2 = a * a * x2 - 2 * a * b * xy + b * b * y2;
  if (!(n2 > 0.0)) return {0.0f, 0.0f, 0.0f};
  double num = sqrt(n2);
  double den = 1 - 2 * c * xy + c * c * x2 * y2 + RT_DIST_DEN_EPS;
  double nrm = num / den;
  double dnrm = g * 2 * pm_artanh_grad(sc * nrm, RT_ARTANH_EPS_DIST);
  double gn2 = dnrm / (2 * num * den);
  double gden = -dnrm * nrm / den;
  double ga = gn2 * (2 * a * x2 - 2 * b * xy);
  double gb = gn2 * (2 * b * y2 - 2 * a * xy);
  return {(float)(gn2 * (-2 * a * b) - 2 * c * ga - 2 * c * gden), (float)(gn2 * a * a - c * gb + gden * c * c * y2),
          (float)(gn2 * b * b + c * ga + gden * c * c * x2)};
}
