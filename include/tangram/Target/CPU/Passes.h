//===- Passes.h - passes of the CPU backend ---------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_CPU_PASSES_H
#define TANGRAM_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include <functional>

namespace mlir::tangram {

#define GEN_PASS_DECL
#include "tangram/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tangram/Target/CPU/Passes.h.inc"

/// tg-cpu-fuse-elementwise's patterns: a producer fused into its single
/// consumer where the consumer reads each element once, constants folded,
/// generics canonicalized; views stay views. `alsoRequire`, when given, is
/// one more condition on each fused operand (a target's own).
void populateFuseElementwisePatterns(
    RewritePatternSet &patterns,
    std::function<bool(OpOperand *)> alsoRequire = nullptr);

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_CPU_PASSES_H
