// revtaf_kernels.h - THE C ABI of the revtaf kernel library; the only thing Java calls.
//
// Rules: extern "C"; plain pointers; int64_t sizes; the stream is an opaque handle (void*);
// every function returns an int status (0 = ok); rt_last_error() gives op, file and line.
// The same symbols are exported by librevtaf_cuda.so (nvcc) and librevtaf_emu.so (host emulation).
#ifndef REVTAF_KERNELS_H
#define REVTAF_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RT_API __attribute__((visibility("default")))

// ---- status and errors ---------------------------------------------------------------------
// status codes: 0 ok; 1 invalid argument; 2 out of memory; 3 no device / driver; 4 launch failed;
// 5 emulator fault (divergent barrier, deadlock); 100+ CUDA runtime error (100 + cudaError_t).
RT_API int rt_last_error(char* buf, int64_t cap);  // copies "op: message at file:line"; returns length
RT_API int rt_is_emulated(void);                   // 1 for the host-emulated library, 0 for nvcc

// ---- runtime (device memory, copies, sync) ---------------------------------------------------
RT_API int rt_device_count(int* count);
RT_API int rt_malloc(void** ptr, int64_t bytes);
RT_API int rt_free(void* ptr);
RT_API int rt_memcpy_h2d(void* dst, const void* src, int64_t bytes);
RT_API int rt_memcpy_d2h(void* dst, const void* src, int64_t bytes);
RT_API int rt_synchronize(void);

// ---- elementwise ----------------------------------------------------------------------------
// y[i] = a * x[i] + y[i]; x RO, y RW; n elements.
RT_API int rt_saxpy(void* stream, float* y, const float* x, float a, int64_t n);

#ifdef __cplusplus
}
#endif
#endif  // REVTAF_KERNELS_H
