// gpu_check.cpp - the standalone GPU check: needs neither Java nor nvcc at run time, only g++ to
// build it and one kernel library to dlopen (librevtaf_cuda.so on a GPU, librevtaf_emu.so here).
//   gpu_check LIB [--fixtures FILE] [--bench] [--quick] [--only OP]
// 1. correctness: every case of FILE (written by org.revtaf.engine.kernels.GpuCheckFixtures from the
//    double references of org.revtaf.engine.backend.reference), every version of its kernel family,
//    forward and backward, |got - want| <= atol + rtol |want| (non-finite values must match)
// 2. --bench: ms per launch (CUDA events), GB/s and GFLOP/s with the share of the device's peak
//    (rt_device_info) per kernel and version; --quick: tiny shapes, one repetition (emulator);
//    --cublas: cuBLAS GEMMs (fp32, TF32, BF16) as the yardstick of the device's attainable peak
// Exit status: 0 all passed; 1 a check failed; 2 bad usage or unreadable fixtures; 3 no usable
// device (prints "no usable NVIDIA GPU"). Built by `make -C kernels check` (no kernel code inside:
// it calls the C ABI of include/revtaf_kernels.h through dlsym).
#include <dlfcn.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../include/revtaf_kernels.h"


namespace {

// ---- the library -------------------------------------------------------------------------------
#define GC_FUNCS(X)                                                                                       \
  X(rt_last_error) X(rt_is_emulated) X(rt_device_count) X(rt_malloc) X(rt_free) X(rt_memcpy_h2d)        \
  X(rt_memcpy_d2h) X(rt_memset) X(rt_synchronize) X(rt_device_info) X(rt_event_create) X(rt_event_destroy) \
  X(rt_event_record) X(rt_event_elapsed_ms) X(rt_nvtx_push) X(rt_nvtx_pop) X(rt_mobius_add_fwd)         \
  X(rt_mobius_add_bwd) X(rt_poincare_map_fwd) X(rt_poincare_map_bwd) X(rt_mobius_matvec_fwd)           \
  X(rt_mobius_matvec_bwd) X(rt_poincare_dist_fwd) X(rt_poincare_dist_bwd) X(rt_sinkhorn_fwd)            \
  X(rt_sinkhorn_bwd) X(rt_soft_iou_fwd) X(rt_soft_iou_bwd) X(rt_attention_fwd) X(rt_attention_bwd)            \
  X(rt_copy) X(rt_attention_fwd_bf16) X(rt_attention_bwd_bf16)
struct Api {
#define GC_FIELD(f) decltype(&::f) f = nullptr;
  GC_FUNCS(GC_FIELD)
#undef GC_FIELD
};
Api K;

// a failed runtime call or launch: the library's own message, then the check goes on with the next case
struct Failure {
  std::string what;
};
std::string last_error() {
  char buf[2048] = {0};
  K.rt_last_error(buf, sizeof buf);
  return buf;
}
void ok(int status, const std::string& what) {
  if (status != 0) throw Failure{what + ": status " + std::to_string(status) + ": " + last_error()};
}

struct Dev {  // one device buffer, freed at scope end
  void* p = nullptr;
  size_t bytes = 0;
  explicit Dev(size_t n) : bytes(n ? n : 4) { ok(K.rt_malloc(&p, (int64_t)bytes), "rt_malloc"); ok(K.rt_memset(p, 0, (int64_t)bytes), "rt_memset"); }
  Dev(const void* host, size_t n) : Dev(n) { ok(K.rt_memcpy_h2d(p, host, (int64_t)n), "rt_memcpy_h2d"); }
  ~Dev() { K.rt_free(p); }
  Dev(const Dev&) = delete;
  Dev& operator=(const Dev&) = delete;
  float* f() const { return (float*)p; }
  template <typename T>
  std::vector<T> get(size_t n) const {
    std::vector<T> h(n);
    ok(K.rt_memcpy_d2h(h.data(), p, (int64_t)(n * sizeof(T))), "rt_memcpy_d2h");
    return h;
  }
};

// ---- fixtures (format: org.revtaf.engine.kernels.GpuCheckFixtures) ------------------------------------------
struct Arr {
  int kind = 0;  // 0 f32 input, 1 u8 input, 2 f32 expected
  std::vector<float> f;
  std::vector<uint8_t> u;
  float atol = 0, rtol = 0;
};
struct Case {
  std::string name, op;
  std::map<std::string, double> s;
  std::map<std::string, Arr> a;
  double sc(const char* k) const {
    auto it = s.find(k);
    if (it == s.end()) throw Failure{"fixture has no scalar '" + std::string(k) + "'"};
    return it->second;
  }
  int64_t i(const char* k) const { return (int64_t)sc(k); }
  const Arr& arr(const char* k) const {
    auto it = a.find(k);
    if (it == a.end()) throw Failure{"fixture has no array '" + std::string(k) + "'"};
    return it->second;
  }
  bool has(const char* k) const { return a.count(k) != 0; }
};

struct Reader {
  FILE* fp;
  const char* path;
  void raw(void* p, size_t n) {
    if (std::fread(p, 1, n, fp) != n) {
      std::fprintf(stderr, "gpu_check: %s: truncated fixture file\n", path);
      std::exit(2);
    }
  }
  template <typename T>
  T get() {
    T v;
    raw(&v, sizeof v);
    return v;
  }
  std::string str() {
    std::string s(get<uint32_t>(), '\0');
    raw(s.data(), s.size());
    return s;
  }
};

std::vector<Case> read_fixtures(const char* path) {
  FILE* fp = std::fopen(path, "rb");
  if (!fp) {
    std::fprintf(stderr, "gpu_check: cannot open fixtures %s: %s\n", path, std::strerror(errno));
    std::exit(2);
  }
  Reader r{fp, path};
  char magic[4];
  r.raw(magic, 4);
  if (std::memcmp(magic, "RTGC", 4) != 0 || r.get<uint32_t>() != 1) {
    std::fprintf(stderr, "gpu_check: %s is not a gpu-check fixture file (RTGC version 1)\n", path);
    std::exit(2);
  }
  std::vector<Case> cs(r.get<uint32_t>());
  for (Case& c : cs) {
    c.name = r.str();
    c.op = r.str();
    for (uint32_t n = r.get<uint32_t>(); n > 0; n--) {
      std::string k = r.str();
      c.s[k] = r.get<double>();
    }
    for (uint32_t n = r.get<uint32_t>(); n > 0; n--) {
      std::string k = r.str();
      Arr& a = c.a[k];
      a.kind = r.get<uint8_t>();
      uint64_t count = r.get<uint64_t>();
      a.atol = r.get<float>();
      a.rtol = r.get<float>();
      if (a.kind == 1) {
        a.u.resize(count);
        r.raw(a.u.data(), count);
      } else {
        a.f.resize(count);
        r.raw(a.f.data(), count * 4);
      }
    }
  }
  std::fclose(fp);
  return cs;
}

// ---- correctness ---------------------------------------------------------------------------------
struct Checker {
  const Case& c;
  int version;
  double slack;  // extra absolute tolerance, relative to the largest |expected value|
  std::vector<std::string> bad;
  double worst = 0;  // largest |got - want| / threshold over every checked value

  void compare(const char* key, const std::vector<float>& got) {
    const Arr& e = c.arr(key);
    if (got.size() != e.f.size()) throw Failure{std::string(key) + ": size mismatch"};
    int nbad = 0;
    std::string first;
    double big = 0;
    for (float w : e.f)
      if (std::isfinite(w)) big = std::max(big, (double)std::fabs(w));
    double atol = e.atol + slack * big;
    for (size_t i = 0; i < got.size(); i++) {
      double g = got[i], w = e.f[i];
      bool good;
      if (!std::isfinite(w)) {
        good = g == w || (std::isnan(g) && std::isnan(w));
      } else {
        double d = std::fabs(g - w), t = atol + e.rtol * std::fabs(w);
        good = d <= t;  // NaN fails
        if (!std::isnan(d) && t > 0) worst = std::max(worst, d / t);
        if (t == 0 && d > 0) worst = INFINITY;
      }
      if (!good && nbad++ < 3) {
        char b[160];
        std::snprintf(b, sizeof b, " [%zu] got %.9g want %.9g;", i, g, w);
        first += b;
      }
    }
    if (nbad) {
      char b[200];
      std::snprintf(b, sizeof b, "%s: %d of %zu values off (atol %.1e rtol %.1e):", key, nbad, got.size(), atol, e.rtol);
      bad.push_back(b + first);
    }
  }
};

Dev in(const Case& c, const char* k) {
  const Arr& a = c.arr(k);
  return a.kind == 1 ? Dev(a.u.data(), a.u.size()) : Dev(a.f.data(), a.f.size() * 4);
}
size_t count(const Case& c, const char* k) { return c.arr(k).f.size(); }

void run_case(const Case& c, int v, Checker& ck) {
  const std::string& op = c.op;
  if (op == "mobius_add") {
    int64_t n = c.i("n"), d = c.i("d"), ys = c.i("y_stride");
    float cc = (float)c.sc("c");
    Dev x = in(c, "x"), y = in(c, "y"), g = in(c, "dout"), out(n * d * 4), dx(n * d * 4), dy(count(c, "dy") * 4);
    ok(K.rt_mobius_add_fwd(nullptr, out.f(), x.f(), y.f(), ys, n, d, cc, v), "rt_mobius_add_fwd");
    ck.compare("out", out.get<float>(n * d));
    ok(K.rt_mobius_add_bwd(nullptr, dx.f(), dy.f(), g.f(), x.f(), y.f(), ys, n, d, cc, v), "rt_mobius_add_bwd");
    ck.compare("dx", dx.get<float>(n * d));
    ck.compare("dy", dy.get<float>(count(c, "dy")));
  } else if (op == "poincare_map") {
    int64_t n = c.i("n"), d = c.i("d");
    int map = (int)c.i("map");
    float cc = (float)c.sc("c");
    Dev x = in(c, "x"), g = in(c, "dout"), out(n * d * 4), dx(n * d * 4);
    ok(K.rt_poincare_map_fwd(nullptr, out.f(), x.f(), n, d, cc, map, v), "rt_poincare_map_fwd");
    ck.compare("out", out.get<float>(n * d));
    ok(K.rt_poincare_map_bwd(nullptr, dx.f(), g.f(), x.f(), n, d, cc, map, v), "rt_poincare_map_bwd");
    ck.compare("dx", dx.get<float>(n * d));
  } else if (op == "mobius_matvec" || op == "poincare_dist") {
    // pairwise: out [n, m] from a and b (matvec: w [m, d], x [n, d]; distance: x [n, d], y [m, d])
    bool mv = op == "mobius_matvec";
    std::string an = mv ? "w" : "x", bn = mv ? "x" : "y", da_n = "d" + an, db_n = "d" + bn;
    auto fwd = mv ? K.rt_mobius_matvec_fwd : K.rt_poincare_dist_fwd;
    auto bwd = mv ? K.rt_mobius_matvec_bwd : K.rt_poincare_dist_bwd;
    int64_t n = c.i("n"), m = c.i("m"), d = c.i("d");
    float cc = (float)c.sc("c");
    Dev a = in(c, an.c_str()), b = in(c, bn.c_str()), g = in(c, "dout"), out(n * m * 4);
    Dev da(count(c, an.c_str()) * 4), db(count(c, bn.c_str()) * 4);
    ok(fwd(nullptr, out.f(), a.f(), b.f(), n, m, d, cc, v), "rt_" + op + "_fwd");
    ck.compare("out", out.get<float>(n * m));
    ok(bwd(nullptr, da.f(), db.f(), g.f(), a.f(), b.f(), n, m, d, cc, v), "rt_" + op + "_bwd");
    ck.compare(da_n.c_str(), da.get<float>(count(c, an.c_str())));
    ck.compare(db_n.c_str(), db.get<float>(count(c, bn.c_str())));
  } else if (op == "sinkhorn") {
    int64_t b = c.i("b"), p = c.i("p"), t = c.i("t");
    int it = (int)c.i("max_iter");
    float eps = (float)c.sc("eps"), tol = (float)c.sc("tol");
    Dev cost = in(c, "cost"), rm = in(c, "pixel_mask"), cm = in(c, "token_mask");
    Dev plan(b * p * t * 4), iters(4), uh((it + 1) * b * p * 4), vh((it + 1) * b * t * 4);
    auto* rmp = (const uint8_t*)rm.p;
    auto* cmp = (const uint8_t*)cm.p;
    ok(K.rt_sinkhorn_fwd(nullptr, plan.f(), (int32_t*)iters.p, uh.f(), vh.f(), cost.f(), rmp, cmp, b, p, t, eps, it,
                         tol, v),
       "rt_sinkhorn_fwd");
    ck.compare("plan", plan.get<float>(b * p * t));
    ck.compare("iters", {(float)iters.get<int32_t>(1)[0]});
    if (c.has("dcost")) {
      Dev g = in(c, "dplan"), dcost(b * p * t * 4);
      ok(K.rt_sinkhorn_bwd(nullptr, dcost.f(), g.f(), plan.f(), uh.f(), vh.f(), (const int32_t*)iters.p, cost.f(), rmp,
                           cmp, b, p, t, eps, it, v),
         "rt_sinkhorn_bwd");
      ck.compare("dcost", dcost.get<float>(b * p * t));
    }
  } else if (op == "soft_iou") {
    int64_t b = c.i("b"), n = c.i("n"), m = c.i("m"), p = c.i("p");
    Dev a = in(c, "a"), g = in(c, "g"), d = in(c, "dout"), out(b * n * m * 4), da(b * n * p * 4), dg(b * m * p * 4);
    ok(K.rt_soft_iou_fwd(nullptr, out.f(), a.f(), g.f(), b, n, m, p, v), "rt_soft_iou_fwd");
    ck.compare("out", out.get<float>(b * n * m));
    ok(K.rt_soft_iou_bwd(nullptr, da.f(), dg.f(), d.f(), a.f(), g.f(), b, n, m, p, v), "rt_soft_iou_bwd");
    ck.compare("da", da.get<float>(b * n * p));
    ck.compare("dg", dg.get<float>(b * m * p));
  } else if (op == "attention") {
    int64_t b = c.i("b"), h = c.i("h"), n = c.i("n"), s = c.i("s"), d = c.i("d");
    float scale = (float)c.sc("scale");
    int causal = (int)c.i("causal");
    Dev q = in(c, "q"), k = in(c, "k"), vv = in(c, "v"), km = in(c, "key_mask"), g = in(c, "dout");
    int64_t nq = b * h * n * d, nk = b * h * s * d;
    Dev out(nq * 4), lse(b * h * n * 4), dq(nq * 4), dk(nk * 4), dv(nk * 4);
    auto* kmp = (const uint8_t*)km.p;
    int fv = v >= 7 ? v - 2 : v;  // backward 7 (TF32) / 8 (BF16) after the tensor-core forward 5 / 6
    ok(K.rt_attention_fwd(nullptr, out.f(), lse.f(), q.f(), k.f(), vv.f(), kmp, b, h, n, s, d, scale, causal, fv),
       "rt_attention_fwd");
    ck.compare("out", out.get<float>(nq));
    ck.compare("lse", lse.get<float>(b * h * n));
    ok(K.rt_attention_bwd(nullptr, dq.f(), dk.f(), dv.f(), g.f(), out.f(), lse.f(), q.f(), k.f(), vv.f(), kmp, b, h,
                          n, s, d, scale, causal, v),
       "rt_attention_bwd");
    ck.compare("dq", dq.get<float>(nq));
    ck.compare("dk", dk.get<float>(nk));
    ck.compare("dv", dv.get<float>(nk));
  } else {
    throw Failure{"unknown op '" + op + "' in the fixtures (older harness?)"};
  }
}

// the versions of each family (0 = the promoted default; see each .cu header)
std::vector<int> versions(const std::string& op) {
  if (op == "attention") return {0, 1, 2, 3, 4, 5, 6, 7, 8};  // 7, 8: backward only (forward 5, 6)
  if (op == "sinkhorn" || op == "mobius_matvec" || op == "poincare_dist") return {0, 1, 2, 3};
  return {0, 1, 2};
}
// versions on tensor cores: TF32 (10-bit mantissa) or BF16 (7-bit) operands instead of fp32, so the
// fixtures' fp32 tolerances are widened by this share of the largest |expected value| of each array
// (AttentionParity.TF32_SLACK / BF16_SLACK: the same numbers)
double tf32_slack(const std::string& op, int version) {
  if (op != "attention") return 0.0;
  // 5, 6: double-buffered 3, 4; 7, 8: the tensor-core backwards (after the forwards 5, 6)
  bool tf32 = version == 3 || version == 5 || version == 7, bf16 = version == 4 || version == 6 || version == 8;
  return tf32 ? 4e-3 : bf16 ? 2e-2 : 0.0;
}

int check_all(const std::vector<Case>& cases, const std::string& only) {
  int failed = 0, passed = 0;
  for (const Case& c : cases) {
    if (!only.empty() && c.op != only) continue;
    for (int v : versions(c.op)) {
      Checker ck{c, v, tf32_slack(c.op, v)};
      std::string err;
      try {
        run_case(c, v, ck);
      } catch (const Failure& f) {
        err = f.what;
      }
      if (err.empty() && ck.bad.empty()) {
        passed++;
        std::printf("PASS %-44s v%d  (worst %3.0f%% of tolerance)\n", c.name.c_str(), v, 100 * ck.worst);
      } else {
        failed++;
        std::printf("FAIL %-44s v%d  %s\n", c.name.c_str(), v, err.c_str());
        for (const auto& b : ck.bad) std::printf("       %s\n", b.c_str());
      }
      std::fflush(stdout);
    }
  }
  std::printf("correctness: %d passed, %d failed\n", passed, failed);
  return failed;
}

// ---- benchmark -------------------------------------------------------------------------------------
struct Bench {
  bool quick;
  std::mt19937 rng{1};
  std::vector<std::unique_ptr<Dev>> keep;
  float* buf(size_t n, float scale, float lo = -0.5f) {  // values scale * U[lo, lo + 1)
    std::vector<float> h(n);
    std::uniform_real_distribution<float> u(lo, lo + 1);
    for (auto& x : h) x = scale * u(rng);
    keep.push_back(std::make_unique<Dev>(h.data(), n * 4));
    return keep.back()->f();
  }
  struct Row {
    std::string name;
    std::function<int()> launch;
    double flops, bytes;
    int tc = 0;  // 1 / 2: runs on tensor cores in TF32 / BF16: its share is of that peak
  };
  std::vector<Row> rows();
};

std::vector<Bench::Row> Bench::rows() {
  std::vector<Row> rs;
  auto add = [&](std::string name, std::function<int()> f, double flops, double bytes) {
    int tc = name.find("(tf32)") != std::string::npos ? 1 : name.find("(bf16)") != std::string::npos ? 2 : 0;
    rs.push_back({std::move(name), std::move(f), flops, bytes, tc});
  };
  int64_t n = quick ? 64 : 16384, d = quick ? 64 : 512;
  float *x = buf(n * d, 0.05f), *y = buf(n * d, 0.05f), *g = buf(n * d, 1), *o1 = buf(n * d, 0), *o2 = buf(n * d, 0);
  int64_t mv = quick ? 32 : 512, mn = quick ? 32 : 2048;
  float *w = buf(mv * d, 0.05f), *mo = buf(mn * mv, 0), *mg = buf(mn * mv, 1);
  int64_t dn = quick ? 32 : 1024, dm = quick ? 48 : 8192;
  float *dd = buf(dn * dm, 0), *dg = buf(dn * dm, 1);
  for (int v : {1, 2}) {
    std::string sv = " v" + std::to_string(v);
    add("mobius_add_fwd" + sv, [=] { return K.rt_mobius_add_fwd(nullptr, o1, x, y, d, n, d, 1, v); }, 12.0 * n * d, 12.0 * n * d);
    add("mobius_add_bwd" + sv, [=] { return K.rt_mobius_add_bwd(nullptr, o1, o2, g, x, y, d, n, d, 1, v); }, 22.0 * n * d,
        20.0 * n * d);
    add("expmap0_fwd" + sv, [=] { return K.rt_poincare_map_fwd(nullptr, o1, x, n, d, 1, 0, v); }, 3.0 * n * d, 8.0 * n * d);
    add("expmap0_bwd" + sv, [=] { return K.rt_poincare_map_bwd(nullptr, o1, g, x, n, d, 1, 0, v); }, 6.0 * n * d,
        12.0 * n * d);
    add("mobius_matvec_fwd" + sv, [=] { return K.rt_mobius_matvec_fwd(nullptr, mo, w, x, mn, mv, d, 1, v); },
        2.0 * mn * mv * d, 4.0 * (mv * d + mn * d + mn * mv));
    add("mobius_matvec_bwd" + sv, [=] { return K.rt_mobius_matvec_bwd(nullptr, o2, o1, mg, w, x, mn, mv, d, 1, v); },
        8.0 * mn * mv * d, 4.0 * (2 * mv * d + 2 * mn * d + mn * mv));
    add("poincare_dist_fwd" + sv, [=] { return K.rt_poincare_dist_fwd(nullptr, dd, x, y, dn, dm, d, 1, v); },
        6.0 * dn * dm * d, 4.0 * (dn * d + dm * d + dn * dm));
    add("poincare_dist_bwd" + sv, [=] { return K.rt_poincare_dist_bwd(nullptr, o1, o2, dg, x, y, dn, dm, d, 1, v); },
        16.0 * dn * dm * d, 4.0 * (2 * dn * d + 2 * dm * d + 2 * dn * dm));
  }
  // version 3 of mobius_matvec (both passes) and of the distance backward: GEMM-shaped
  add("mobius_matvec_fwd v3", [=] { return K.rt_mobius_matvec_fwd(nullptr, mo, w, x, mn, mv, d, 1, 3); },
      2.0 * mn * mv * d, 4.0 * (mv * d + mn * d + mn * mv));
  add("mobius_matvec_bwd v3", [=] { return K.rt_mobius_matvec_bwd(nullptr, o2, o1, mg, w, x, mn, mv, d, 1, 3); },
      6.0 * mn * mv * d, 4.0 * (2 * mv * d + 2 * mn * d + mn * mv));
  add("poincare_dist_bwd v3", [=] { return K.rt_poincare_dist_bwd(nullptr, o1, o2, dg, x, y, dn, dm, d, 1, 3); },
      6.0 * dn * dm * d, 4.0 * (2 * dn * d + 2 * dm * d + 2 * dn * dm));
  int64_t sb = quick ? 2 : 64, sp = 49, st = quick ? 16 : 64;
  int iters = quick ? 5 : 50;
  float *cost = buf(sb * sp * st, 1, 0), *plan = buf(sb * sp * st, 0), *gplan = buf(sb * sp * st, 1);
  float *uh = buf((iters + 1) * sb * sp, 0), *vh = buf((iters + 1) * sb * st, 0), *dcost = buf(sb * sp * st, 0);
  auto* it = (int32_t*)buf(1, 0);
  double sk = 2.0 * iters * sb * sp * st;
  int64_t ib = quick ? 2 : 16, in_ = quick ? 8 : 75, im = quick ? 8 : 64, ip = quick ? 49 : 3136;
  float *ia = buf(ib * in_ * ip, 1, 0), *ig = buf(ib * im * ip, 1, 0), *iou = buf(ib * in_ * im, 0);
  float *giou = buf(ib * in_ * im, 1), *ida = buf(ib * in_ * ip, 0), *idg = buf(ib * im * ip, 0);
  // REVTAF shapes: batch 64 x 49 pixels x 64 tokens for 50 iterations, and a small batch (18 x 49 x
  // 18, 7 iterations) where launch latency dominates (version 3: one launch)
  int64_t sb2 = quick ? 2 : 18, st2 = quick ? 8 : 18;
  int it2 = quick ? 3 : 7;
  float *cost2 = buf(sb2 * sp * st2, 1, 0), *plan2 = buf(sb2 * sp * st2, 0), *uh2 = buf((it2 + 1) * sb2 * sp, 0);
  float* vh2 = buf((it2 + 1) * sb2 * st2, 0);
  double sk2 = 2.0 * it2 * sb2 * sp * st2;
  for (int v : {1, 2, 3}) {
    std::string sv = " v" + std::to_string(v);
    add("sinkhorn_fwd" + sv + " (" + std::to_string(iters) + " it)",
        [=] { return K.rt_sinkhorn_fwd(nullptr, plan, it, uh, vh, cost, nullptr, nullptr, sb, sp, st, 0.05f, iters, 0, v); },
        4 * sk, 4 * sk);
    add("sinkhorn_fwd small" + sv + " (" + std::to_string(it2) + " it)",
        [=] {
          return K.rt_sinkhorn_fwd(nullptr, plan2, it, uh2, vh2, cost2, nullptr, nullptr, sb2, sp, st2, 0.05f, it2, 0, v);
        },
        4 * sk2, 4 * sk2);
  }
  for (int v : {1, 2}) {
    std::string sv = " v" + std::to_string(v);
    add("sinkhorn_bwd" + sv + " (" + std::to_string(iters) + " it)",
        [=] {
          return K.rt_sinkhorn_bwd(nullptr, dcost, gplan, plan, uh, vh, it, cost, nullptr, nullptr, sb, sp, st, 0.05f,
                                   iters, v);
        },
        6 * sk, 4 * sk);
    add("soft_iou_fwd" + sv, [=] { return K.rt_soft_iou_fwd(nullptr, iou, ia, ig, ib, in_, im, ip, v); },
        4.0 * ib * in_ * im * ip, 4.0 * (ib * in_ * ip + ib * im * ip));
    add("soft_iou_bwd" + sv, [=] { return K.rt_soft_iou_bwd(nullptr, ida, idg, giou, ia, ig, ib, in_, im, ip, v); },
        8.0 * ib * in_ * im * ip, 8.0 * (ib * in_ * ip + ib * im * ip));
  }
  int64_t ab = quick ? 1 : 4, ah = quick ? 2 : 16, an = quick ? 64 : 1024;
  for (int64_t hd : {32, 64, 128}) {
    int64_t e = ab * ah * an * hd;
    float *q = buf(e, 1), *k = buf(e, 1), *vv = buf(e, 1), *out = buf(e, 0), *lse = buf(ab * ah * an, 0);
    float *gout = buf(e, 1), *gq = buf(e, 0), *gk = buf(e, 0), *gv = buf(e, 0);
    float scale = 1 / std::sqrt((float)hd);
    double fl = 4.0 * ab * ah * an * an * hd, by = 4.0 * 4 * e;
    for (int v : {1, 2, 3, 4, 5, 6}) {
      std::string sv = " d" + std::to_string(hd) + " v" + std::to_string(v);
      const char* kind[] = {"", "", "", " (tf32)", " (bf16)", " dbuf (tf32)", " dbuf (bf16)"};  // (unit): its peak
      add("attention_fwd" + sv + kind[v],
          [=] { return K.rt_attention_fwd(nullptr, out, lse, q, k, vv, nullptr, ab, ah, an, an, hd, scale, 0, v); }, fl, by);
      if (v < 4)  // the backward of versions 4, 5, 6 is version 3's
        add("attention_bwd" + sv,
          [=] {
            return K.rt_attention_bwd(nullptr, gq, gk, gv, gout, out, lse, q, k, vv, nullptr, ab, ah, an, an, hd, scale, 0,
                                      v);
          },
          2.5 * fl, 2 * by);
    }
    for (int v : {7, 8}) {  // the tensor-core backwards (the forward's out and lse serve any version)
      add("attention_bwd d" + std::to_string(hd) + " v" + std::to_string(v) + (v == 7 ? " (tf32)" : " (bf16)"),
          [=] {
            return K.rt_attention_bwd(nullptr, gq, gk, gv, gout, out, lse, q, k, vv, nullptr, ab, ah, an, an, hd, scale, 0,
                                      v);
          },
          2.5 * fl, 2 * by);
    }
    // bf16 q, k, v through the ABI (rt_attention_*_bf16, cast once here with rt_copy): versions 4, 6, 8
    // read 2 bytes per input element instead of 4 (out, lse, dout and the gradients stay fp32)
    auto* qh = (uint16_t*)buf((e + 1) / 2, 0);
    auto* kh = (uint16_t*)buf((e + 1) / 2, 0);
    auto* vh16 = (uint16_t*)buf((e + 1) / 2, 0);
    const int64_t flat[3] = {e, 1, 1};
    ok(K.rt_copy(nullptr, qh, 4, q, 0, flat, 1), "rt_copy fp32 -> bf16");
    ok(K.rt_copy(nullptr, kh, 4, k, 0, flat, 1), "rt_copy fp32 -> bf16");
    ok(K.rt_copy(nullptr, vh16, 4, vv, 0, flat, 1), "rt_copy fp32 -> bf16");
    double by16 = 2.0 * 3 * e + 4.0 * e;  // q, k, v in bf16, out in fp32
    for (int v : {4, 6}) {
      add("attention_fwd d" + std::to_string(hd) + " v" + std::to_string(v) + (v == 6 ? " dbuf" : "") +
              " bf16-in (bf16)",
          [=] {
            return K.rt_attention_fwd_bf16(nullptr, out, lse, qh, kh, vh16, nullptr, ab, ah, an, an, hd, scale, 0, v);
          },
          fl, by16);
    }
    add("attention_bwd d" + std::to_string(hd) + " v8 bf16-in (bf16)",
        [=] {
          return K.rt_attention_bwd_bf16(nullptr, gq, gk, gv, gout, out, lse, qh, kh, vh16, nullptr, ab, ah, an, an, hd,
                                         scale, 0, 8);
        },
        2.5 * fl, 2 * by - 2.0 * 3 * e);
  }
  return rs;
}

std::string pct(double v, double peak) {
  if (peak <= 0) return "n/a";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * v / peak);
  return b;
}

int bench(bool quick) {
  char name[256] = {0};
  int sms = 0, ma = 0, mi = 0;
  double gbps = 0, gflops = 0;
  ok(K.rt_device_info(name, sizeof name, &sms, &ma, &mi, &gbps, &gflops), "rt_device_info");
  bool emu = K.rt_is_emulated() != 0;
  std::printf("device: %s, %d SMs, sm_%d%d, peak %.0f GB/s, %.0f GFLOP/s fp32 (CUDA cores)\n", name, sms, ma, mi, gbps,
              gflops);
  if (emu) std::printf("EMULATED: these timings are NOT performance claims (CUDA threads run as CPU fibers)\n");
  Bench b{quick};
  std::vector<Bench::Row> rows = b.rows();
  void *e0 = nullptr, *e1 = nullptr;
  ok(K.rt_event_create(&e0), "rt_event_create");
  ok(K.rt_event_create(&e1), "rt_event_create");
  int reps = quick ? 1 : 10, failed = 0;
  // dense TF32 tensor-core peak from the FP32 peak: x8 on sm_80 (A100: 156 vs 19.5 TFLOP/s), x7.4 on
  // sm_90 (H100 SXM: 495 vs 67), BF16 twice that; rows marked (tf32) / (bf16) are shared against
  // those, the others against FP32
  double tf32_peak = gflops * (ma >= 9 ? 7.4 : 8.0), bf16_peak = 2 * tf32_peak;
  std::printf("%-40s %10s %10s %7s %10s %7s\n", "kernel", "ms", "GB/s", "%peak", "GFLOP/s", "%peak");
  for (auto& r : rows) {
    try {
      K.rt_nvtx_push((r.name + " warmup").c_str());
      ok(r.launch(), r.name);
      K.rt_nvtx_pop();
      ok(K.rt_synchronize(), "rt_synchronize");
      ok(K.rt_event_record(e0, nullptr), "rt_event_record");
      for (int i = 0; i < reps; i++) {
        K.rt_nvtx_push(r.name.c_str());
        ok(r.launch(), r.name);
        K.rt_nvtx_pop();
      }
      ok(K.rt_event_record(e1, nullptr), "rt_event_record");
      float ms = 0;
      ok(K.rt_event_elapsed_ms(&ms, e0, e1), "rt_event_elapsed_ms");
      double t = ms / reps, gb = r.bytes / (t * 1e6), gf = r.flops / (t * 1e6);
      std::printf("%-40s %10.4f %10.1f %7s %10.1f %7s%s\n", r.name.c_str(), t, gb, pct(gb, gbps).c_str(), gf,
                  pct(gf, r.tc == 1 ? tf32_peak : r.tc == 2 ? bf16_peak : gflops).c_str(),
                  r.tc == 1 ? " of the TF32 tensor-core peak (est.)" : r.tc == 2 ? " of the BF16 tensor-core peak (est.)" : "");
    } catch (const Failure& f) {
      failed++;
      std::printf("FAIL %-29s %s\n", r.name.c_str(), f.what.c_str());
    }
    std::fflush(stdout);
  }
  K.rt_event_destroy(e0);
  K.rt_event_destroy(e1);
  if (emu) std::printf("EMULATED: timings above are NOT performance claims\n");
  return failed;
}

// ---- cuBLAS yardstick (GPU only): dlopen'ed, so the harness builds without the cuBLAS headers ----
using CublasCreate = int (*)(void**);
using CublasDestroy = int (*)(void*);
using CublasGemmEx = int (*)(void*, int, int, int, int, int, const void*, const void*, int, int, const void*, int, int,
                             const void*, void*, int, int, int, int);
int cublas_bench() {
  void* h = nullptr;
  for (const char* lib : {"libcublas.so.13", "libcublas.so", "/usr/local/cuda/lib64/libcublas.so.13",
                          "/usr/local/cuda/lib64/libcublas.so"})
    if ((h = dlopen(lib, RTLD_NOW | RTLD_LOCAL))) break;
  if (!h) {
    std::printf("cuBLAS: not found (libcublas.so.13), yardstick skipped\n");
    return 0;
  }
  auto create = (CublasCreate)dlsym(h, "cublasCreate_v2");
  auto destroy = (CublasDestroy)dlsym(h, "cublasDestroy_v2");
  auto gemm = (CublasGemmEx)dlsym(h, "cublasGemmEx");
  if (!create || !destroy || !gemm) {
    std::printf("FAIL cuBLAS: cublasCreate_v2 / cublasGemmEx missing\n");
    return 1;
  }
  char name[256] = {0};
  int sms = 0, ma = 0, mi = 0;
  double gbps = 0, gflops = 0;
  ok(K.rt_device_info(name, sizeof name, &sms, &ma, &mi, &gbps, &gflops), "rt_device_info");
  const int n = 4096;  // C (n, n) = A (n, n) B (n, n), column-major as cuBLAS; values in [-0.5, 0.5)
  std::vector<float> hf((size_t)n * n);
  std::vector<uint16_t> hb((size_t)n * n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  for (size_t i = 0; i < hf.size(); i++) {
    hf[i] = u(rng);
    uint32_t bits;
    std::memcpy(&bits, &hf[i], 4);
    hb[i] = (uint16_t)(bits >> 16);
  }
  Dev a(hf.data(), hf.size() * 4), b(hf.data(), hf.size() * 4), c(hf.size() * 4);
  Dev ab(hb.data(), hb.size() * 2), bb(hb.data(), hb.size() * 2);
  void* handle = nullptr;
  if (create(&handle) != 0) {
    std::printf("FAIL cuBLAS: cublasCreate_v2\n");
    return 1;
  }
  const int R32F = 0, R16BF = 14, C32F = 68, C32F_TF32 = 77, ALGO_DEFAULT = -1;
  struct G {
    const char* name;
    const void *A, *B;
    int type, compute;
    double peak;
  } gs[] = {{"cuBLAS sgemm 4096^3 fp32", a.p, b.p, R32F, C32F, gflops},
            {"cuBLAS gemm 4096^3 tf32", a.p, b.p, R32F, C32F_TF32, gflops * (ma >= 9 ? 7.4 : 8.0)},
            {"cuBLAS gemm 4096^3 bf16 (fp32 acc)", ab.p, bb.p, R16BF, C32F, gflops * (ma >= 9 ? 14.8 : 16.0)}};
  float one = 1.0f, zero = 0.0f;
  void *e0 = nullptr, *e1 = nullptr;
  ok(K.rt_event_create(&e0), "rt_event_create");
  ok(K.rt_event_create(&e1), "rt_event_create");
  int failed = 0;
  for (const G& g : gs) {
    int st = gemm(handle, 0, 0, n, n, n, &one, g.A, g.type, n, g.B, g.type, n, &zero, c.p, R32F, n, g.compute,
                  ALGO_DEFAULT);  // warm-up
    ok(K.rt_synchronize(), "rt_synchronize");
    ok(K.rt_event_record(e0, nullptr), "rt_event_record");
    for (int r = 0; r < 10 && st == 0; r++)
      st = gemm(handle, 0, 0, n, n, n, &one, g.A, g.type, n, g.B, g.type, n, &zero, c.p, R32F, n, g.compute,
                ALGO_DEFAULT);
    ok(K.rt_event_record(e1, nullptr), "rt_event_record");
    float ms = 0;
    ok(K.rt_event_elapsed_ms(&ms, e0, e1), "rt_event_elapsed_ms");
    if (st != 0) {
      std::printf("FAIL %-29s cublasGemmEx status %d\n", g.name, st);
      failed++;
      continue;
    }
    double t = ms / 10, gf = 2.0 * n * n * (double)n / (t * 1e6);
    std::printf("%-40s %10.4f %10s %7s %10.1f %7s of its unit's peak (est.)\n", g.name, t, "", "", gf,
                pct(gf, g.peak).c_str());
  }
  K.rt_event_destroy(e0);
  K.rt_event_destroy(e1);
  destroy(handle);
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  const char* lib = nullptr;
  const char* fixtures = nullptr;
  bool do_bench = false, quick = false, cublas = false;
  std::string only;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--fixtures" && i + 1 < argc) fixtures = argv[++i];
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--bench") do_bench = true;
    else if (a == "--quick") quick = true;
    else if (a == "--cublas") cublas = true;
    else if (!lib && a[0] != '-') lib = argv[i];
    else {
      std::fprintf(stderr, "gpu_check: unknown argument %s\nusage: gpu_check LIB [--fixtures FILE] [--only OP] [--bench] [--quick] [--cublas]\n", argv[i]);
      return 2;
    }
  }
  if (!lib || (!fixtures && !do_bench)) {
    std::fprintf(stderr, "usage: gpu_check LIB [--fixtures FILE] [--only OP] [--bench] [--quick] [--cublas]\n");
    return 2;
  }
  void* h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    std::fprintf(stderr, "gpu_check: cannot load %s: %s\n", lib, dlerror());
    return 2;
  }
#define GC_LOAD(f)                                                               \
  K.f = (decltype(K.f))dlsym(h, #f);                                             \
  if (!K.f) {                                                                    \
    std::fprintf(stderr, "gpu_check: %s does not export %s\n", lib, #f);         \
    return 2;                                                                    \
  }
  GC_FUNCS(GC_LOAD)
#undef GC_LOAD
  int devices = 0;
  if (K.rt_device_count(&devices) != 0 || devices < 1) {
    std::printf("no usable NVIDIA GPU: %s\n", devices < 1 && last_error().empty() ? "0 devices" : last_error().c_str());
    return 3;
  }
  std::printf("library: %s (%s)\n", lib, K.rt_is_emulated() ? "host emulation" : "CUDA");
  int failed = 0;
  if (fixtures) failed += check_all(read_fixtures(fixtures), only);
  try {
    if (do_bench) failed += bench(quick);
    if (cublas && !K.rt_is_emulated()) failed += cublas_bench();
  } catch (const Failure& f) {
    std::printf("FAIL benchmark: %s\n", f.what.c_str());
    failed++;
  }
  return failed ? 1 : 0;
}
