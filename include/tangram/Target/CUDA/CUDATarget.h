//===- CUDATarget.h - the NVIDIA target --------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_CUDA_CUDATARGET_H
#define TANGRAM_TARGET_CUDA_CUDATARGET_H

#include "tangram/Target/GPU/GPUTarget.h"
#include <memory>

namespace mlir::tangram {

/// The CUDA target for the registry: PTX kernels (CUDABackend.cpp).
std::unique_ptr<TargetBackend> createCUDATarget();
/// The tensor-core hooks (MatrixOps.h): mma_sync_m16n8k16_f16,
/// mma_sync_m16n8k16_bf16, mma_sync_m16n8k8_tf32.
void registerCUDAMatrixOps();

/// A CUDA target's options, from its features ("sm_90",
/// "sm_80,cuda-path=/opt/cuda"): the architecture (default sm_80) and
/// the toolkit that holds libdevice (default the one found at configure
/// time).
struct CUDAOptions {
  std::string chip = "sm_80";
  std::string toolkit;
};
bool parseCUDAFeatures(llvm::StringRef features, CUDAOptions &out,
                       std::string &error);

/// An NVIDIA GPU of architecture `chip` as the shared pipeline sees it.
GPUDescription cudaDescription(llvm::StringRef chip);

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_CUDA_CUDATARGET_H
