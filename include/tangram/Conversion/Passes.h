//===- Passes.h - lowerings out of tg ---------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_CONVERSION_PASSES_H
#define TANGRAM_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tangram {

#define GEN_PASS_DECL
#include "tangram/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tangram/Conversion/Passes.h.inc"

} // namespace mlir::tangram

#endif // TANGRAM_CONVERSION_PASSES_H
