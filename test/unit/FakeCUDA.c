//===- FakeCUDA.c - a CUDA (or HIP) driver API on host memory, for tests --===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// libcuda.so.1, or with FAKE_HIP libamdhip64.so, for the runtime's cuda and
// hip devices on a machine without a GPU (test/unit/FakeCUDATest.cpp loads
// them before the runtime looks for the real ones). One device; device
// memory is host memory; copies are memcpy; streams run everything at
// once. A module is accepted when it starts with ".version" (PTX; else the
// JIT log says why not) or, for HIP, with an ELF header. A kernel copies
// its first buffer into its second, so that a launch's staging, bindings
// and copies can be checked; its params buffer (binding 0) holds the byte
// count to copy. The calls are counted (fakeCudaCounts).
//
//===----------------------------------------------------------------------===//
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef uint64_t CUdeviceptr;
enum { OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, INVALID_IMAGE = 200 };

/// What the test reads: driver allocations and frees, pinned allocations,
/// copies to the device, kernel launches; the dynamic shared memory the
/// last kernel opted in to (CUDA) and the last launch gave.
struct FakeCudaCounts {
  long memAlloc, memFree, hostAlloc, htod, launches, sharedOptIn, launchShared;
};
static struct FakeCudaCounts counts;
__attribute__((visibility("default"))) struct FakeCudaCounts *fakeCudaCounts(void) {
  return &counts;
}
/// Allocations fail from this many on (-1: never): the out-of-memory path.
static long allocLimit = -1;
__attribute__((visibility("default"))) void fakeCudaAllocLimit(long n) {
  allocLimit = n;
}

#define API __attribute__((visibility("default"))) CUresult
/// The entry point's name in the CUDA driver API, or in HIP's.
#ifdef FAKE_HIP
#define N(cuda, hip) hip
#else
#define N(cuda, hip) cuda
#endif

API N(cuInit, hipInit)(unsigned flags) { (void)flags; return OK; }
API N(cuDeviceGetCount, hipGetDeviceCount)(int *n) { *n = 1; return OK; }
API N(cuDeviceGet, hipDeviceGet)(int *d, int ordinal) { *d = ordinal; return ordinal == 0 ? OK : INVALID_VALUE; }
API N(cuDeviceGetName, hipDeviceGetName)(char *name, int len, int d) {
  (void)d;
  strncpy(name, "Fake GPU", (size_t)len);
  return OK;
}
API N(cuDeviceTotalMem_v2, hipDeviceTotalMem)(size_t *bytes, int d) { (void)d; *bytes = (size_t)1 << 30; return OK; }
API N(cuDeviceGetAttribute, hipDeviceGetAttribute)(int *v, int attr, int d) {
  (void)d;
  *v = attr == 75 ? 9 : 0; // sm_90
  return OK;
}
API N(cuDevicePrimaryCtxRetain, hipDevicePrimaryCtxRetain)(void **ctx, int d) { (void)d; *ctx = &counts; return OK; }
API N(cuCtxSetCurrent, hipCtxSetCurrent)(void *ctx) { (void)ctx; return OK; }

#ifdef FAKE_HIP
API hipModuleLoadData(void **module, const void *image) {
  if (memcmp(image, "\x7f" "ELF", 4) != 0)
    return INVALID_IMAGE;
  *module = malloc(1);
  return OK;
}
#else
API cuModuleLoadDataEx(void **module, const void *image, unsigned n, int *options, void **values) {
  if (strncmp((const char *)image, ".version", 8) != 0) {
    for (unsigned i = 0; i < n; ++i)
      if (options[i] == 5) // CU_JIT_ERROR_LOG_BUFFER
        strcpy((char *)values[i], "ptxas fatal: not PTX");
    return INVALID_IMAGE;
  }
  *module = malloc(1);
  return OK;
}
#endif
API N(cuModuleUnload, hipModuleUnload)(void *module) { free(module); return OK; }
API N(cuModuleGetFunction, hipModuleGetFunction)(void **fn, void *module, const char *name) {
  (void)name;
  *fn = module;
  return OK;
}

#ifndef FAKE_HIP
/// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES (8) up to sm_90's 227 KiB.
API cuFuncSetAttribute(void *fn, int attr, int value) {
  (void)fn;
  if (attr != 8 || value < 0 || value > 227 * 1024)
    return INVALID_VALUE;
  counts.sharedOptIn = value;
  return OK;
}
#endif

API N(cuMemAlloc_v2, hipMalloc)(CUdeviceptr *p, size_t bytes) {
  if (allocLimit >= 0 && counts.memAlloc >= allocLimit)
    return OUT_OF_MEMORY;
  ++counts.memAlloc;
  *p = (CUdeviceptr)(uintptr_t)malloc(bytes);
  return OK;
}
API N(cuMemFree_v2, hipFree)(CUdeviceptr p) { ++counts.memFree; free((void *)(uintptr_t)p); return OK; }
#ifdef FAKE_HIP
API hipHostMalloc(void **p, size_t bytes, unsigned flags) {
  (void)flags;
#else
API cuMemAllocHost_v2(void **p, size_t bytes) {
#endif
  ++counts.hostAlloc;
  *p = malloc(bytes);
  return OK;
}
API N(cuMemFreeHost, hipHostFree)(void *p) { free(p); return OK; }
API N(cuMemcpyHtoDAsync_v2, hipMemcpyHtoDAsync)(CUdeviceptr dst, const void *src, size_t n, void *s) {
  (void)s;
  ++counts.htod;
  memcpy((void *)(uintptr_t)dst, src, n);
  return OK;
}
API N(cuMemcpyDtoHAsync_v2, hipMemcpyDtoHAsync)(void *dst, CUdeviceptr src, size_t n, void *s) {
  (void)s;
  memcpy(dst, (const void *)(uintptr_t)src, n);
  return OK;
}
API N(cuStreamCreate, hipStreamCreateWithFlags)(void **s, unsigned flags) { (void)flags; *s = malloc(1); return OK; }
API N(cuStreamSynchronize, hipStreamSynchronize)(void *s) { (void)s; return OK; }
API N(cuStreamDestroy_v2, hipStreamDestroy)(void *s) { free(s); return OK; }
API N(cuEventCreate, hipEventCreateWithFlags)(void **e, unsigned flags) { (void)flags; *e = malloc(1); return OK; }
API N(cuEventRecord, hipEventRecord)(void *e, void *s) { (void)e; (void)s; return OK; }
API N(cuEventElapsedTime, hipEventElapsedTime)(float *ms, void *a, void *b) { (void)a; (void)b; *ms = 0.5f; return OK; }
API N(cuEventDestroy_v2, hipEventDestroy)(void *e) { free(e); return OK; }

/// Each buffer is a memref descriptor of 5 words (allocated and aligned
/// pointers, offset, size, stride), one kernel param per word.
API N(cuLaunchKernel, hipModuleLaunchKernel)(void *fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                   unsigned bz, unsigned shared, void *stream, void **params, void **extra) {
  (void)fn; (void)gx; (void)gy; (void)gz; (void)bx; (void)by; (void)bz;
  (void)stream; (void)extra;
  ++counts.launches;
  counts.launchShared = shared;
  const int32_t *p = (const int32_t *)(uintptr_t)*(uint64_t *)params[1];
  void *from = (void *)(uintptr_t)*(uint64_t *)params[5 + 1];
  void *to = (void *)(uintptr_t)*(uint64_t *)params[10 + 1];
  memcpy(to, from, (size_t)p[0]);
  return OK;
}

static const char *errorName(CUresult r) {
  return r == OUT_OF_MEMORY ? N("CUDA_ERROR_OUT_OF_MEMORY", "hipErrorOutOfMemory")
         : r == INVALID_IMAGE ? N("CUDA_ERROR_INVALID_IMAGE", "hipErrorInvalidImage")
                              : N("CUDA_ERROR_INVALID_VALUE", "hipErrorInvalidValue");
}
#ifdef FAKE_HIP
__attribute__((visibility("default"))) const char *hipGetErrorName(CUresult r) { return errorName(r); }
#else
API cuGetErrorName(CUresult r, const char **name) {
  *name = errorName(r);
  return OK;
}
#endif
