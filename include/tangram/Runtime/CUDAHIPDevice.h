//===- CUDAHIPDevice.h - NVIDIA and AMD devices -----------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The "cuda" and "hip" drivers: the vendors' driver APIs through dlopen
// ("libcuda.so.1", "libamdhip64.so"), so the runtime builds and runs
// without them; no vendor header either. The two APIs have the same shape
// (modules, functions, device memory, streams, launches), so one device
// class serves both. A launch interprets the export's program
// (GPUProgram.h), copies the arguments through pinned staging memory to
// device memory on the device's stream, launches each dispatch, and copies
// the results back.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_CUDAHIPDEVICE_H
#define TANGRAM_RUNTIME_CUDAHIPDEVICE_H

#include "tangram/Runtime/Device.h"

namespace tangram {

/// The "cuda" driver: "ptx-kernels" code objects, JIT-compiled at load.
std::unique_ptr<Driver> createCUDADriver();
/// The "hip" driver: "hsaco-kernels" code objects.
std::unique_ptr<Driver> createHIPDriver();

} // namespace tangram

#endif // TANGRAM_RUNTIME_CUDAHIPDEVICE_H
