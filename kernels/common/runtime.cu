// runtime.cu - the C ABI's runtime part: errors, device memory, copies, sync.
// defines: rt_last_error rt_is_emulated rt_device_count rt_malloc rt_free rt_memcpy_h2d rt_memcpy_d2h
//          rt_synchronize rt_memcpy_d2d rt_memset rt_device_info rt_stream_* rt_event_* rt_nvtx_*
#include "../emu/cuda_emu.h"
#include "rt_check.cuh"
#if CUDA_EMU
#include <chrono>
#include <thread>
#else
#include <nvtx3/nvToolsExt.h>
#endif

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

extern "C" int rt_memcpy_d2d(void* dst, const void* src, int64_t bytes) {
  RT_REQUIRE(bytes >= 0, "rt_memcpy_d2d", "negative size");
  RT_CUDA(cudaMemcpy(dst, src, (size_t)bytes, cudaMemcpyDeviceToDevice), "rt_memcpy_d2d");
  return 0;
}

extern "C" int rt_memset(void* dst, int value, int64_t bytes) {
  RT_REQUIRE(bytes >= 0, "rt_memset", "negative size");
  RT_CUDA(cudaMemset(dst, value, (size_t)bytes), "rt_memset");
  return 0;
}

extern "C" int rt_device_info(char* name, int64_t cap, int* sms, int* cc_major, int* cc_minor, double* mem_gbps,
                              double* fp32_gflops) {
  RT_REQUIRE(name && cap > 0 && sms && cc_major && cc_minor && mem_gbps && fp32_gflops, "rt_device_info", "null argument");
#if CUDA_EMU
  std::snprintf(name, (size_t)cap, "host emulation (%u CPU threads; timings are not GPU performance)",
                std::thread::hardware_concurrency());
  *sms = (int)std::thread::hardware_concurrency();
  *cc_major = 0;
  *cc_minor = 0;
  *mem_gbps = 0;
  *fp32_gflops = 0;
#else
  int dev = 0;
  RT_CUDA(cudaGetDevice(&dev), "rt_device_info");
  cudaDeviceProp prop;
  RT_CUDA(cudaGetDeviceProperties(&prop, dev), "rt_device_info");
  std::snprintf(name, (size_t)cap, "%s", prop.name);
  *sms = prop.multiProcessorCount;
  *cc_major = prop.major;
  *cc_minor = prop.minor;
  int mem_khz = 0, bus_bits = 0, clock_khz = 0;
  if (cudaDeviceGetAttribute(&mem_khz, cudaDevAttrMemoryClockRate, dev) != cudaSuccess) mem_khz = 0;
  if (cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, dev) != cudaSuccess) bus_bits = 0;
  if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, dev) != cudaSuccess) clock_khz = 0;
  cudaGetLastError();
  *mem_gbps = 2.0 * mem_khz * 1e3 * (bus_bits / 8.0) / 1e9;  // double data rate
  int fp32_per_sm = prop.major == 8 && prop.minor == 0 ? 64 : 128;  // A100: 64, sm_86/89/90: 128
  *fp32_gflops = 2.0 * fp32_per_sm * prop.multiProcessorCount * (clock_khz * 1e3) / 1e9;
#endif
  return 0;
}

extern "C" int rt_stream_create(void** stream) {
  RT_REQUIRE(stream != nullptr, "rt_stream_create", "stream is null");
  cudaStream_t s = nullptr;
  RT_CUDA(cudaStreamCreate(&s), "rt_stream_create");
  *stream = (void*)s;
  return 0;
}

extern "C" int rt_stream_destroy(void* stream) {
  RT_CUDA(cudaStreamDestroy((cudaStream_t)stream), "rt_stream_destroy");
  return 0;
}

extern "C" int rt_stream_synchronize(void* stream) {
  RT_CUDA(cudaStreamSynchronize((cudaStream_t)stream), "rt_stream_synchronize");
  return 0;
}

#if CUDA_EMU
// emulated launches are synchronous: an event is the host time at which it was recorded
struct RtEmuEvent {
  std::chrono::steady_clock::time_point t;
};
extern "C" int rt_event_create(void** event) {
  RT_REQUIRE(event != nullptr, "rt_event_create", "event is null");
  *event = new RtEmuEvent{std::chrono::steady_clock::now()};
  return 0;
}
extern "C" int rt_event_destroy(void* event) {
  delete static_cast<RtEmuEvent*>(event);
  return 0;
}
extern "C" int rt_event_record(void* event, void*) {
  RT_REQUIRE(event != nullptr, "rt_event_record", "event is null");
  static_cast<RtEmuEvent*>(event)->t = std::chrono::steady_clock::now();
  return 0;
}
extern "C" int rt_event_elapsed_ms(float* ms, void* start, void* end) {
  RT_REQUIRE(ms && start && end, "rt_event_elapsed_ms", "null argument");
  *ms = std::chrono::duration<float, std::milli>(static_cast<RtEmuEvent*>(end)->t - static_cast<RtEmuEvent*>(start)->t)
            .count();
  return 0;
}
extern "C" int rt_nvtx_push(const char*) { return 0; }
extern "C" int rt_nvtx_pop(void) { return 0; }
#else
extern "C" int rt_event_create(void** event) {
  RT_REQUIRE(event != nullptr, "rt_event_create", "event is null");
  cudaEvent_t e = nullptr;
  RT_CUDA(cudaEventCreate(&e), "rt_event_create");
  *event = (void*)e;
  return 0;
}
extern "C" int rt_event_destroy(void* event) {
  RT_CUDA(cudaEventDestroy((cudaEvent_t)event), "rt_event_destroy");
  return 0;
}
extern "C" int rt_event_record(void* event, void* stream) {
  RT_CUDA(cudaEventRecord((cudaEvent_t)event, (cudaStream_t)stream), "rt_event_record");
  return 0;
}
extern "C" int rt_event_elapsed_ms(float* ms, void* start, void* end) {
  RT_REQUIRE(ms != nullptr, "rt_event_elapsed_ms", "ms is null");
  RT_CUDA(cudaEventSynchronize((cudaEvent_t)end), "rt_event_elapsed_ms");
  RT_CUDA(cudaEventElapsedTime(ms, (cudaEvent_t)start, (cudaEvent_t)end), "rt_event_elapsed_ms");
  return 0;
}
extern "C" int rt_nvtx_push(const char* name) {
  nvtxRangePushA(name ? name : "revtaf");
  return 0;
}
extern "C" int rt_nvtx_pop(void) {
  nvtxRangePop();
  return 0;
}
#endif

// ---- issue 17 (branch cuda): pinned host memory and stream-ordered copies ---------------------------
extern "C" int rt_malloc_host(void** ptr, int64_t bytes) {
  RT_REQUIRE(ptr != nullptr && bytes >= 0, "rt_malloc_host", "bad arguments");
  RT_CUDA(cudaMallocHost(ptr, (size_t)(bytes > 0 ? bytes : 1)), "rt_malloc_host");
  return 0;
}

extern "C" int rt_free_host(void* ptr) {
  RT_CUDA(cudaFreeHost(ptr), "rt_free_host");
  return 0;
}

static int rt_copy_async(void* dst, const void* src, int64_t bytes, void* stream, cudaMemcpyKind kind, const char* op) {
  RT_REQUIRE(bytes >= 0, op, "negative size");
  if (bytes == 0) return 0;
  RT_REQUIRE(dst != nullptr && src != nullptr, op, "null pointer");
  RT_CUDA(cudaMemcpyAsync(dst, src, (size_t)bytes, kind, (cudaStream_t)stream), op);
  return 0;
}

extern "C" int rt_memcpy_h2d_async(void* dst, const void* src, int64_t bytes, void* stream) {
  return rt_copy_async(dst, src, bytes, stream, cudaMemcpyHostToDevice, "rt_memcpy_h2d_async");
}

extern "C" int rt_memcpy_d2h_async(void* dst, const void* src, int64_t bytes, void* stream) {
  return rt_copy_async(dst, src, bytes, stream, cudaMemcpyDeviceToHost, "rt_memcpy_d2h_async");
}

extern "C" int rt_memcpy_d2d_async(void* dst, const void* src, int64_t bytes, void* stream) {
  return rt_copy_async(dst, src, bytes, stream, cudaMemcpyDeviceToDevice, "rt_memcpy_d2d_async");
}

extern "C" int rt_memset_async(void* dst, int value, int64_t bytes, void* stream) {
  RT_REQUIRE(bytes >= 0, "rt_memset_async", "negative size");
  if (bytes == 0) return 0;
  RT_CUDA(cudaMemsetAsync(dst, value, (size_t)bytes, (cudaStream_t)stream), "rt_memset_async");
  return 0;
}
