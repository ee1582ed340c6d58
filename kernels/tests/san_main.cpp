// san_main.cpp - sanitizer driver: runs every kernel family once on small shapes through the C ABI,
// for `make san` (OS-thread engine + ThreadSanitizer, or fibers + ASan/UBSan). Exit 0 when every
// call returned 0 and the sanitizer stayed quiet. Not part of any library.
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "../include/revtaf_kernels.h"

static int fails = 0;
static void ok(int st, const char* what) {
  if (st != 0) {
    char buf[1024];
    rt_last_error(buf, sizeof buf);
    std::printf("FAIL %s: status %d: %s\n", what, st, buf);
    fails++;
  }
}
static std::vector<float> rnd(size_t n, float scale, unsigned seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    v[i] = scale * ((float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f);
  }
  return v;
}

int main() {
  const int n = 37, m = 21, d = 64;
  auto x = rnd(n * d, 0.1f, 1), y = rnd(m * d, 0.1f, 2), g = rnd(n * m * 4, 1.0f, 3);
  std::vector<float> o1(n * d * 4), o2(n * d * 4), o3(n * m * 4);
  for (int v = 1; v <= 2; v++) {
    ok(rt_mobius_add_fwd(nullptr, o1.data(), x.data(), x.data(), d, n, d, 1.0f, v), "mobius_add_fwd");
    ok(rt_mobius_add_bwd(nullptr, o1.data(), o2.data(), x.data(), x.data(), x.data(), 0, n, d, 1.0f, v), "mobius_add_bwd");
    ok(rt_poincare_map_bwd(nullptr, o1.data(), x.data(), x.data(), n, d, 1.0f, 1, v), "logmap0_bwd");
    ok(rt_mobius_matvec_bwd(nullptr, o2.data(), o1.data(), g.data(), y.data(), x.data(), n, m, d, 1.0f, v), "matvec_bwd");
    ok(rt_poincare_dist_fwd(nullptr, o3.data(), x.data(), y.data(), n, m, d, 1.0f, v), "dist_fwd");
    ok(rt_poincare_dist_bwd(nullptr, o1.data(), o2.data(), g.data(), x.data(), y.data(), n, m, d, 1.0f, v), "dist_bwd");
    ok(rt_soft_iou_bwd(nullptr, o1.data(), o2.data(), g.data(), x.data(), y.data(), 1, n, m, d, v), "soft_iou_bwd");
    int b = 2, p = 9, t = 5, it = 8;
    auto cost = rnd(b * p * t, 2.0f, 4);
    std::vector<float> plan(b * p * t), uh((it + 1) * b * p), vh((it + 1) * b * t), dc(b * p * t);
    int32_t k = 0;
    ok(rt_sinkhorn_fwd(nullptr, plan.data(), &k, uh.data(), vh.data(), cost.data(), nullptr, nullptr, b, p, t, 0.1f, it,
                       0.0f, v), "sinkhorn_fwd");
    ok(rt_sinkhorn_bwd(nullptr, dc.data(), g.data(), plan.data(), uh.data(), vh.data(), &k, cost.data(), nullptr, nullptr,
                       b, p, t, 0.1f, it, v), "sinkhorn_bwd");
    int ah = 2, an = 19, as = 23, ad = 32;
    auto q = rnd(ah * an * ad, 1.0f, 5), kk = rnd(ah * as * ad, 1.0f, 6), vv = rnd(ah * as * ad, 1.0f, 7);
    std::vector<float> out(ah * an * ad), lse(ah * an), dq(ah * an * ad), dk(ah * as * ad), dv(ah * as * ad);
    ok(rt_attention_fwd(nullptr, out.data(), lse.data(), q.data(), kk.data(), vv.data(), nullptr, 1, ah, an, as, ad,
                        0.17f, 1, v), "attention_fwd");
    ok(rt_attention_bwd(nullptr, dq.data(), dk.data(), dv.data(), q.data(), out.data(), lse.data(), q.data(), kk.data(),
                        vv.data(), nullptr, 1, ah, an, as, ad, 0.17f, 1, v), "attention_bwd");
  }
  {  // bf16 q, k, v: rt_copy's cast, then the bf16-input attention (forward 4, 6; backward 8), causal
    int ah = 2, an = 19, as = 23, ad = 32;
    auto q = rnd(ah * an * ad, 1.0f, 5), kk = rnd(ah * as * ad, 1.0f, 6), vv = rnd(ah * as * ad, 1.0f, 7);
    std::vector<uint16_t> q16(q.size()), k16(kk.size()), v16(vv.size());
    int64_t gq[3] = {(int64_t)q.size(), 1, 1}, gk[3] = {(int64_t)kk.size(), 1, 1};
    ok(rt_copy(nullptr, q16.data(), 4, q.data(), 0, gq, 1), "copy fp32 -> bf16");
    ok(rt_copy(nullptr, k16.data(), 4, kk.data(), 0, gk, 1), "copy fp32 -> bf16");
    ok(rt_copy(nullptr, v16.data(), 4, vv.data(), 0, gk, 1), "copy fp32 -> bf16");
    ok(rt_copy(nullptr, q.data(), 0, q16.data(), 4, gq, 1), "copy bf16 -> fp32");
    std::vector<float> out(ah * an * ad), lse(ah * an), dq(ah * an * ad), dk(ah * as * ad), dv(ah * as * ad);
    for (int v : {4, 6})
      ok(rt_attention_fwd_bf16(nullptr, out.data(), lse.data(), q16.data(), k16.data(), v16.data(), nullptr, 1, ah, an,
                               as, ad, 0.17f, 1, v), "attention_fwd_bf16");
    ok(rt_attention_bwd_bf16(nullptr, dq.data(), dk.data(), dv.data(), q.data(), out.data(), lse.data(), q16.data(),
                             k16.data(), v16.data(), nullptr, 1, ah, an, as, ad, 0.17f, 1, 8), "attention_bwd_bf16");
  }
  std::printf("%s\n", fails ? "sanitizer driver: FAILURES" : "sanitizer driver: all calls returned 0");
  return fails ? 1 : 0;
}
