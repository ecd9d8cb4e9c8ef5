//===- ROCmTarget.h - the AMD target -----------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_ROCM_ROCMTARGET_H
#define TANGRAM_TARGET_ROCM_ROCMTARGET_H

#include "tangram/Target/GPU/GPUTarget.h"
#include <memory>

namespace mlir::tangram {

/// The ROCm target for the registry: HSACO kernels (ROCmBackend.cpp).
std::unique_ptr<TargetBackend> createROCmTarget();
/// The matrix-core hooks (MatrixOps.h): mfma_f32_16x16x16_f16,
/// mfma_f32_16x16x16_bf16, mfma_f32_16x16x4_f32.
void registerROCmMatrixOps();

/// A ROCm target's options, from its features ("gfx942",
/// "gfx90a,rocm-path=DIR"): the architecture (default gfx90a) and the
/// toolkit directory gpu-module-to-binary reads (amdgcn/bitcode with the
/// device libraries, llvm/bin/ld.lld; default the one the build made).
struct ROCmOptions {
  std::string chip = "gfx90a";
  std::string toolkit;
};
bool parseROCmFeatures(llvm::StringRef features, ROCmOptions &out,
                       std::string &error);

/// An AMD GPU of architecture `chip` as the shared pipeline sees it.
GPUDescription rocmDescription(llvm::StringRef chip);

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_ROCM_ROCMTARGET_H
