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

/// The parallel loops of `f` not nested in another (each a kernel), in
/// order.
SmallVector<scf::ParallelOp> topLevelLoops(func::FuncOp f);

/// Whether `par` starts at 0 with step 1 in every dim.
bool fromZeroByOne(scf::ParallelOp par);

/// Whether `op` (nested ops included) uses a view of `base`.
bool touches(Operation *op, Value base);

/// Whether each point of `par` reads and writes `buffer`'s memory only at
/// its own element `buffer[indices]` (`indices` in its induction
/// variables, or values of the host), through no other view of it: what
/// lets work on that element move into the loop's points, or out of them.
bool pointwiseOn(scf::ParallelOp par, Value buffer, ValueRange indices);

/// The buffers (bases) an op reads and writes, nested ops included.
struct Access {
  llvm::SmallPtrSet<Value, 4> reads, writes;
};
Access accessOf(Operation *op);
/// Adds what `op` reads and writes to `a`.
void addAccess(Access &a, Operation *op);

/// Whether two access sets conflict: one writes what the other touches.
bool conflict(const Access &a, const Access &b);

/// Makes `v` (used by work that moves into `par`) available before `par`:
/// a value defined between them (an output buffer, a view of it) has its
/// defining op moved before `par` when that op is an allocation or pure
/// and its operands can be too. False when it cannot.
bool hoistBefore(Value v, scf::ParallelOp par);

/// Rewrites `par`'s loads and stores through views of `buffer` that only
/// add or drop unit dims (a static `memref.reinterpret_cast` of a
/// contiguous buffer at offset 0 with contiguous strides: a matmul's
/// [M, N] output read as [1, M, N]) into loads and stores of `buffer`
/// itself, at the same elements: what lets the questions above see them.
void readThroughUnitDimViews(scf::ParallelOp par, Value buffer);

/// The row-major strides of `sizes` (constants folded, `arith.muli`
/// created before `b`'s insertion point otherwise).
SmallVector<OpFoldResult> rowMajorStrides(OpBuilder &b, Location loc,
                                          ArrayRef<OpFoldResult> sizes);

/// Whether `indices` name an element of one point of `par` alone: they
/// are `par`'s induction variables, each once, and values defined outside
/// it (a unit dim's 0), so that different points reach different
/// elements.
bool isRowElement(ValueRange indices, scf::ParallelOp par);

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
