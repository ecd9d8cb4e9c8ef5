//===- Passes.h - passes of the Vulkan target -------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_VULKAN_PASSES_H
#define TANGRAM_TARGET_VULKAN_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "tangram/Target/GPU/GPUTarget.h"
#include <memory>
#include <optional>

namespace mlir::tangram {

#define GEN_PASS_DECL
#include "tangram/Target/Vulkan/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tangram/Target/Vulkan/Passes.h.inc"

/// The Vulkan target for the registry (VulkanBackend.cpp).
std::unique_ptr<TargetBackend> createVulkanTarget();

/// The capabilities of the default Vulkan profile, changed by `spec`
/// ("-Float64", "+Int64", or a plain list that replaces them).
std::vector<std::string> vulkanCapabilities(llvm::StringRef spec);

/// The matrix-op hooks (MatrixOps.h) `spec` names as `matrix-op=NAME`: a
/// device's matrix instructions. Only the emulated ones exist today
/// (EmulatedMatrixOps.cpp); tests use them to run the matrix strategy.
std::vector<std::string> vulkanMatrixOps(llvm::StringRef spec);

/// The workgroup memory a kernel may use, `shared-memory=BYTES` in `spec`
/// (a device's maxComputeSharedMemorySize); 16384, the least Vulkan
/// guarantees, when `spec` does not say. None when the value is not a
/// positive number of bytes up to 1 MiB.
std::optional<unsigned> vulkanSharedMemory(llvm::StringRef spec);
constexpr unsigned kVulkanDefaultSharedMemory = 16384;

/// The SPIR-V capabilities computing with element type `name` ("f16", as
/// missingElementType names it) needs; empty for the types a Vulkan device
/// always has, and for those SPIR-V has no type for (bf16).
std::vector<std::string> vulkanCapabilitiesFor(llvm::StringRef name);

/// A Vulkan device with `capabilities` and `sharedMemoryBytes` of
/// workgroup memory as the shared GPU pipeline sees it.
GPUDescription
vulkanDescription(llvm::ArrayRef<std::string> capabilities,
                  unsigned sharedMemoryBytes = kVulkanDefaultSharedMemory);

/// Whether tg-vulkan-lower-math computes the f32 math op `name` as a
/// polynomial (GLSL has no instruction for it).
bool vulkanApproximatesMath(llvm::StringRef name);

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_VULKAN_PASSES_H
