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
#include <memory>

namespace mlir::tangram {

class TargetBackend;

#define GEN_PASS_DECL
#include "tangram/Target/Vulkan/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tangram/Target/Vulkan/Passes.h.inc"

/// The Vulkan target for the registry (VulkanBackend.cpp).
std::unique_ptr<TargetBackend> createVulkanTarget();

/// The capabilities of the default Vulkan profile, changed by `spec`
/// ("-Float64", "+Int64", or a plain list that replaces them).
std::vector<std::string> vulkanCapabilities(llvm::StringRef spec);

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_VULKAN_PASSES_H
