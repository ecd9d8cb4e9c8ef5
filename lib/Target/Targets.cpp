//===- Targets.cpp - every target of this build ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/CUDA/CUDATarget.h"
#include "tangram/Target/ROCm/ROCmTarget.h"
#include "tangram/Target/TargetBackend.h"
#include "tangram/Target/Vulkan/Passes.h"

/// One line per target: a new target adds its folder and its line here.
void mlir::tangram::registerAllTargets() {
  registerTarget(createCPUTarget());
  registerTarget(createVulkanTarget());
  registerTarget(createCUDATarget());
  registerTarget(createROCmTarget());
}
