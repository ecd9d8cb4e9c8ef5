//===- Passes.h - passes of the shared GPU pipeline -------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_GPU_PASSES_H
#define TANGRAM_TARGET_GPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tangram {

#define GEN_PASS_DECL
#include "tangram/Target/GPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tangram/Target/GPU/Passes.h.inc"

/// The attribute holding an executable's GPU program as JSON
/// (tg-gpu-build-kernels).
inline constexpr llvm::StringLiteral kGPUProgramAttr = "tg.gpu_program";

/// The attribute of a kernel whose workgroup memory is given at launch
/// (CUDA's dynamic shared memory), with its size in bytes: set by
/// tg-gpu-build-kernels beside the dispatch's `shared_bytes`, consumed by
/// tg-gpu-workgroup-attributions.
inline constexpr llvm::StringLiteral kDynamicSharedMemoryAttr =
    "tg.dynamic_shared_memory";

/// Bytes of workgroup memory `kernel` allocates (memref.alloc in memory
/// space 3), each allocation starting 16-byte aligned.
uint64_t workgroupMemoryBytes(gpu::GPUFuncOp kernel);

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_GPU_PASSES_H
