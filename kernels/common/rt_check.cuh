// rt_check.cuh - error recording shared by every kernel family. Never exits the process.
// RT_REQUIRE(cond, op, msg)   argument check -> status 1
// RT_CUDA(call, op)           CUDA runtime call -> status 100 + cudaError_t (2 for out of memory)
// RT_LAUNCHED(op)             after RT_LAUNCH: launch error -> status 4 (GPU) / 5 (emulator fault,
//                             message = the emulator's report with the kernel's file:line)
#pragma once
#include <cstdio>
#include <cstring>
#include "../emu/cuda_emu.h"
#include "../include/revtaf_kernels.h"

namespace rt {
// Records the last error (thread-local); returns the status so launchers can `return rt::fail(...)`.
int fail(int status, const char* op, const char* file, int line, const char* msg);
// status + message for an error after a launch
int launch_failed(cudaError_t e, const char* op, const char* file, int line);
}  // namespace rt

#define RT_FAIL(status, op, msg) ::rt::fail((status), (op), __FILE__, __LINE__, (msg))
#define RT_REQUIRE(cond, op, msg)                  \
  do {                                             \
    if (!(cond)) return RT_FAIL(1, (op), (msg));   \
  } while (0)
#define RT_CUDA(call, op)                                                                 \
  do {                                                                                    \
    cudaError_t e_ = (call);                                                              \
    if (e_ != cudaSuccess)                                                                \
      return RT_FAIL(e_ == cudaErrorMemoryAllocation ? 2 : 100 + (int)e_, (op), cudaGetErrorString(e_)); \
  } while (0)
#define RT_LAUNCHED(op)                                                    \
  do {                                                                     \
    cudaError_t e_ = cudaGetLastError();                                   \
    if (e_ != cudaSuccess) return ::rt::launch_failed(e_, (op), __FILE__, __LINE__); \
  } while (0)
// ceil(a / b) for launch math
#define RT_CEIL_DIV(a, b) (((a) + (b) - 1) / (b))
