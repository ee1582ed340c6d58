// index.cu - index_select / index_add (embedding and its backward) and gather / scatter_add over
// (outer, size, inner) layouts (issue 17). Bad indices are recorded in the device error word `err`
// (rt_geom.cuh: {1, position, value, bound}) and clamped, so the op never reads out of bounds and the
// host learns of it at its next synchronisation, without a sync inside the op.
// defines: rt_index_select rt_index_add rt_gather rt_scatter_add
// versions: 1 (one thread per element; the adds use atomicAdd; the only version)
// Contract: org.revtaf.engine.backend.IndexKernels (reference: org.revtaf.engine.backend.reference.RefIndex).
#include "../common/rt_geom.cuh"

#define RT_IDX_BLOCK 256

template <typename T>
__global__ void index_select_kernel(T* out, const T* x, const void* idx, int idx_type, int64_t outer, int64_t size,
                                    int64_t inner, int64_t n_idx, int64_t* err) {
  RT_GRID_STRIDE(e, outer * n_idx * inner) {
    int64_t i = e % inner, j = e / inner % n_idx, o = e / (inner * n_idx);
    int64_t s = rt_checked(err, j, rt_index(idx, idx_type, j), size);
    out[e] = x[(o * size + s) * inner + i];
  }
}

__global__ void index_add_kernel(float* dx, const float* dy, const void* idx, int idx_type, int64_t outer,
                                 int64_t size, int64_t inner, int64_t n_idx, int64_t skip, int64_t* err) {
  RT_GRID_STRIDE(e, outer * n_idx * inner) {
    int64_t i = e % inner, j = e / inner % n_idx, o = e / (inner * n_idx);
    int64_t v = rt_index(idx, idx_type, j);
    if (v == skip) continue;
    int64_t s = rt_checked(err, j, v, size);
    atomicAdd(dx + (o * size + s) * inner + i, dy[e]);
  }
}

template <typename T>
__global__ void gather_kernel(T* out, const T* x, const void* idx, int idx_type, int64_t outer, int64_t size,
                              int64_t inner, int64_t n_idx, int64_t* err) {
  RT_GRID_STRIDE(e, outer * n_idx * inner) {
    int64_t i = e % inner, o = e / (inner * n_idx);
    int64_t s = rt_checked(err, e, rt_index(idx, idx_type, e), size);
    out[e] = x[(o * size + s) * inner + i];
  }
}

__global__ void scatter_add_kernel(float* dx, const float* dy, const void* idx, int idx_type, int64_t outer,
                                   int64_t size, int64_t inner, int64_t n_idx, int64_t* err) {
  RT_GRID_STRIDE(e, outer * n_idx * inner) {
    int64_t i = e % inner, o = e / (inner * n_idx);
    int64_t s = rt_checked(err, e, rt_index(idx, idx_type, e), size);
    atomicAdd(dx + (o * size + s) * inner + i, dy[e]);
  }
}

#define RT_IDX_CHECK(op, out, in)                                                                         \
  RT_REQUIRE(outer >= 0 && size > 0 && inner >= 0 && n_idx >= 0 && (idx_type == RT_I32 || idx_type == RT_I64), \
             op, "bad arguments");                                                                        \
  if (outer * n_idx * inner == 0) return 0;                                                               \
  RT_REQUIRE((out) != nullptr && (in) != nullptr && idx != nullptr, op, "null pointer")

extern "C" int rt_index_select(void* stream, void* out, const void* x, int elem_bytes, const void* idx, int idx_type,
                               int64_t outer, int64_t size, int64_t inner, int64_t n_idx, int64_t* err) {
  RT_REQUIRE(elem_bytes == 4 || elem_bytes == 8, "rt_index_select", "element size must be 4 or 8");
  RT_IDX_CHECK("rt_index_select", out, x);
  unsigned grid = rt_grid(outer * n_idx * inner, RT_IDX_BLOCK);
  if (elem_bytes == 4)
    RT_LAUNCH(index_select_kernel<uint32_t>, grid, RT_IDX_BLOCK, 0, stream, (uint32_t*)out, (const uint32_t*)x, idx,
              idx_type, outer, size, inner, n_idx, err);
  else
    RT_LAUNCH(index_select_kernel<unsigned long long>, grid, RT_IDX_BLOCK, 0, stream, (unsigned long long*)out,
              (const unsigned long long*)x, idx, idx_type, outer, size, inner, n_idx, err);
  RT_LAUNCHED("rt_index_select");
  return 0;
}

extern "C" int rt_index_add(void* stream, float* dx, const float* dy, const void* idx, int idx_type, int64_t outer,
                            int64_t size, int64_t inner, int64_t n_idx, int64_t skip, int64_t* err) {
  RT_IDX_CHECK("rt_index_add", dx, dy);
  RT_LAUNCH(index_add_kernel, rt_grid(outer * n_idx * inner, RT_IDX_BLOCK), RT_IDX_BLOCK, 0, stream, dx, dy, idx,
            idx_type, outer, size, inner, n_idx, skip, err);
  RT_LAUNCHED("rt_index_add");
  return 0;
}

extern "C" int rt_gather(void* stream, void* out, const void* x, int elem_bytes, const void* idx, int idx_type,
                         int64_t outer, int64_t size, int64_t inner, int64_t n_idx, int64_t* err) {
  RT_REQUIRE(elem_bytes == 4 || elem_bytes == 8, "rt_gather", "element size must be 4 or 8");
  RT_IDX_CHECK("rt_gather", out, x);
  unsigned grid = rt_grid(outer * n_idx * inner, RT_IDX_BLOCK);
  if (elem_bytes == 4)
    RT_LAUNCH(gather_kernel<uint32_t>, grid, RT_IDX_BLOCK, 0, stream, (uint32_t*)out, (const uint32_t*)x, idx, idx_type,
              outer, size, inner, n_idx, err);
  else
    RT_LAUNCH(gather_kernel<unsigned long long>, grid, RT_IDX_BLOCK, 0, stream, (unsigned long long*)out,
              (const unsigned long long*)x, idx, idx_type, outer, size, inner, n_idx, err);
  RT_LAUNCHED("rt_gather");
  return 0;
}

extern "C" int rt_scatter_add(void* stream, float* dx, const float* dy, const void* idx, int idx_type, int64_t outer,
                              int64_t size, int64_t inner, int64_t n_idx, int64_t* err) {
  RT_IDX_CHECK("rt_scatter_add", dx, dy);
  RT_LAUNCH(scatter_add_kernel, rt_grid(outer * n_idx * inner, RT_IDX_BLOCK), RT_IDX_BLOCK, 0, stream, dx, dy, idx,
            idx_type, outer, size, inner, n_idx, err);
  RT_LAUNCHED("rt_scatter_add");
  return 0;
}
