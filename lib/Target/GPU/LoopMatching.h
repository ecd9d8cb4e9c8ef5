//===- LoopMatching.h - what the loop-level GPU passes ask -----*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Questions tg-gpu-fold-fills and tg-gpu-fuse-epilogues ask of the
// top-level parallel loops (each a kernel) before tg-gpu-build-kernels:
// which buffer a view is of, whether two loops run over the same points.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_TARGET_GPU_LOOPMATCHING_H
#define TANGRAM_LIB_TARGET_GPU_LOOPMATCHING_H

#include "ProgramBuilder.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::tangram {

/// The buffer a memref value views (itself when it is not a view).
Value baseOf(Value v);

/// Whether `par` starts at 0 with step 1 in every dim.
bool fromZeroByOne(scf::ParallelOp par);

/// Whether `op` (nested ops included) uses a view of `base`.
bool touches(Operation *op, Value base);

/// Whether each point of `par` reads and writes `buffer`'s memory only at
/// its own element `buffer[indices]` (`indices` in its induction
/// variables, or values of the host), through no other view of it: what
/// lets work on that element move into the loop's points, or out of them.
bool pointwiseOn(scf::ParallelOp par, Value buffer, ValueRange indices);

/// Loop bounds as the executable's program knows them
/// (tg-gpu-result-shapes): a size that is a constant, or a dim of an
/// input, or a dim of a result (through its formula, so that the fill of
/// a result, sized by the result's dims, and the loop that computes it,
/// sized by the inputs', are seen to agree).
class Sizes {
public:
  explicit Sizes(func::FuncOp f);
  /// Whether `a` and `b` are the same size: one value, or one program
  /// value.
  bool same(Value a, Value b);
  /// Whether loops `a` and `b` run over the same points: both from 0 by
  /// 1, as many dims, the same sizes.
  bool sameSpace(scf::ParallelOp a, scf::ParallelOp b);

private:
  std::optional<unsigned> idOf(Value v);

  func::FuncOp f;
  ProgramBuilder pb;
  ArrayAttr resultDims;
  std::optional<unsigned> numInputs;
};

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_GPU_LOOPMATCHING_H
