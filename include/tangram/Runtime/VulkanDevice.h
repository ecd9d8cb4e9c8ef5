//===- VulkanDevice.h - Vulkan compute devices ------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Runs "spirv-kernels" code objects on a Vulkan device. libvulkan.so.1 is
// dlopen'ed on first use, so the runtime builds and runs without it: then
// the driver lists no device and creating one is an error that says why.
//
// A launch interprets the export's GPU program (docs/BundleFormat.md): it
// evaluates the sizes from the argument dims, uploads the arguments into
// device-local buffers (through staging memory where the device memory is
// not host visible), allocates results and scratch, records one command
// buffer with a dispatch per kernel and a barrier between them, submits
// it with a fence and downloads the results into host memory. Compute
// pipelines are created once per kernel when the code object is loaded.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_VULKANDEVICE_H
#define TANGRAM_RUNTIME_VULKANDEVICE_H

#include "tangram/Runtime/Device.h"

namespace tangram {

/// The code object format of the vulkan device.
constexpr const char *kSPIRVKernelsFormat = "spirv-kernels";

/// The "vulkan" driver (registered in Driver.cpp when the build has the
/// Vulkan headers).
std::unique_ptr<Driver> createVulkanDriver();

} // namespace tangram

#endif // TANGRAM_RUNTIME_VULKANDEVICE_H
