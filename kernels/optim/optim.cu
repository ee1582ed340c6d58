// optim.cu - the fused AdamW step on the device (issue 17): one pass over param, m, v, grad.
// defines: rt_adamw
// versions: 1 (one thread per element; the only version)
// Contract: org.revtaf.engine.backend.OptimKernels (reference: org.revtaf.engine.backend.reference.RefOptim).
#include "../common/rt_geom.cuh"

#define RT_OPT_BLOCK 256

__global__ void adamw_kernel(float* param, float* m, float* v, const float* grad, int64_t n, float beta1, float beta2,
                             float eps, float decay, float step_size, float inv_bc2) {
  RT_GRID_STRIDE(i, n) {
    float g = grad[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = decay * param[i] - step_size * mi / (sqrtf(vi) * inv_bc2 + eps);
  }
}

extern "C" int rt_adamw(void* stream, float* param, float* m, float* v, const float* grad, int64_t n, float beta1,
                        float beta2, float eps, float decay, float step_size, float inv_bc2) {
  RT_REQUIRE(n >= 0, "rt_adamw", "negative size");
  if (n == 0) return 0;
  RT_REQUIRE(param && m && v && grad, "rt_adamw", "null pointer");
  RT_LAUNCH(adamw_kernel, rt_grid(n, RT_OPT_BLOCK), RT_OPT_BLOCK, 0, stream, param, m, v, grad, n, beta1, beta2, eps,
            decay, step_size, inv_bc2);
  RT_LAUNCHED("rt_adamw");
  return 0;
}
