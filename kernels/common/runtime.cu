// runtime.cu - the C ABI's runtime part: errors, device memory, copies, sync.
// defines: rt_last_error rt_is_emulated rt_device_count rt_malloc rt_free rt_memcpy_h2d rt_memcpy_d2h rt_synchronize
#include "../emu/cuda_emu.h"
#include "rt_check.cuh"

namespace rt {
static thread_local char g_error[1600] = "";
int fail(int status, const char* op, const char* file, int line, const char* msg) {
  const char* base = std::strrchr(file, '/');
  std::snprintf(g_error, sizeof g_error, "%s: %s at %s:%d", op, msg, base ? base + 1 : file, line);
  return status;
}
int launch_failed(cudaError_t e, const char* op, const char* file, int line) {
#if CUDA_EMU
  if (e == cudaErrorLaunchFailure || e == cudaErrorInvalidConfiguration || e == cudaErrorMemoryAllocation) {
    const char* detail = cuda_emu::fault_message();
    return fail(e == cudaErrorLaunchFailure ? 5 : (e == cudaErrorMemoryAllocation ? 2 : 4), op, file, line,
                detail[0] ? detail : cudaGetErrorString(e));
  }
#endif
  return fail(e == cudaErrorMemoryAllocation ? 2 : 4, op, file, line, cudaGetErrorString(e));
}
}  // namespace rt

extern "C" int rt_last_error(char* buf, int64_t cap) {
  if (buf == nullptr || cap <= 0) return 0;
  std::strncpy(buf, rt::g_error, (size_t)cap - 1);
  buf[cap - 1] = 0;
  return (int)std::strlen(buf);
}

extern "C" int rt_is_emulated(void) { return CUDA_EMU; }

extern "C" int rt_device_count(int* count) {
  RT_REQUIRE(count != nullptr, "rt_device_count", "count is null");
  *count = 0;
  cudaError_t e = cudaGetDeviceCount(count);
  if (e != cudaSuccess) {
    *count = 0;
    return RT_FAIL(3, "rt_device_count", cudaGetErrorString(e));
  }
  return 0;
}

extern "C" int rt_malloc(void** ptr, int64_t bytes) {
  RT_REQUIRE(ptr != nullptr && bytes >= 0, "rt_malloc", "bad arguments");
  cudaError_t e = cudaMalloc(ptr, (size_t)(bytes > 0 ? bytes : 1));
  if (e != cudaSuccess) return RT_FAIL(e == cudaErrorMemoryAllocation ? 2 : 100 + (int)e, "rt_malloc", cudaGetErrorString(e));
  return 0;
}

extern "C" int rt_free(void* ptr) {
  RT_CUDA(cudaFree(ptr), "rt_free");
  return 0;
}

extern "C" int rt_memcpy_h2d(void* dst, const void* src, int64_t bytes) {
  RT_REQUIRE(bytes >= 0, "rt_memcpy_h2d", "negative size");
  RT_CUDA(cudaMemcpy(dst, src, (size_t)bytes, cudaMemcpyHostToDevice), "rt_memcpy_h2d");
  return 0;
}

extern "C" int rt_memcpy_d2h(void* dst, const void* src, int64_t bytes) {
  RT_REQUIRE(bytes >= 0, "rt_memcpy_d2h", "negative size");
  RT_CUDA(cudaMemcpy(dst, src, (size_t)bytes, cudaMemcpyDeviceToHost), "rt_memcpy_d2h");
  return 0;
}

extern "C" int rt_synchronize(void) {
  RT_CUDA(cudaDeviceSynchronize(), "rt_synchronize");
  return 0;
}
