//===- GPUSplitMergedLoops.cpp - tg-gpu-split-merged-loops ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUSPLITMERGEDLOOPSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// Whether `c` merges two or more dims that are not a static 1 into one:
/// the views tg-gpu-fold-transposes cannot read past, because the merged
/// index is a sum. A group of two run-time dims is left alone: the split
/// would view the consumer's other operands through a memref.expand_shape
/// with two dynamic sizes in a group, which MLIR 22's
/// expand-strided-metadata crashes on.
bool mergesDims(tensor::CollapseShapeOp c) {
  RankedTensorType src = c.getSrcType();
  bool merges = false;
  for (ReassociationIndicesRef group : c.getReassociationIndices()) {
    auto count = [&](auto pred) { return llvm::count_if(group, pred); };
    if (count([&](int64_t d) { return src.isDynamicDim(d); }) > 1)
      return false;
    merges |= count([&](int64_t d) { return src.getDimSize(d) != 1; }) > 1;
  }
  return merges;
}

/// Whether `v` is a transpose's result, seen through reshapes.
bool isTransposed(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<linalg::TransposeOp>(def))
      return true;
    if (auto c = dyn_cast<tensor::CollapseShapeOp>(def))
      v = c.getSrc();
    else if (auto e = dyn_cast<tensor::ExpandShapeOp>(def))
      v = e.getSrc();
    else
      return false;
  }
  return false;
}

/// The inputs this pass splits a consumer's loops for: a merging collapse
/// of a transposed tensor, read by a linalg op on tensors.
bool splits(OpOperand *operand) {
  auto op = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  auto c = operand->get().getDefiningOp<tensor::CollapseShapeOp>();
  return op && op.hasPureTensorSemantics() && op.isDpsInput(operand) && c &&
         mergesDims(c) && isTransposed(c.getSrc());
}

struct GPUSplitMergedLoopsPass
    : public mlir::tangram::impl::GPUSplitMergedLoopsPassBase<
          GPUSplitMergedLoopsPass> {
  void runOnOperation() override {
    // The upstream patterns rewrite linalg.generic: named consumers
    // (batch_matmul) are generalized first.
    IRRewriter rw(&getContext());
    SmallVector<linalg::LinalgOp> named;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::GenericOp>(op) &&
          llvm::any_of(op->getOpOperands(),
                       [](OpOperand &o) { return splits(&o); }))
        named.push_back(op);
    });
    for (linalg::LinalgOp op : named) {
      rw.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rw, op);
    }
    // Each loop over a merged dim becomes loops over the dims it merged;
    // the op's other operands and results are read and written through
    // expand_shape/collapse_shape views, which fold with the reshapes
    // around them.
    RewritePatternSet patterns(&getContext());
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, splits);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, &getContext());
    // The split result's initial value, a fill of an empty tensor, is
    // made in the split shape (its sizes then name the dims merged,
    // where an expand_shape of the merged buffer would divide them).
    linalg::FillOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    // The new loops' sizes are dims of the reshapes and ops they replace;
    // read from their sources, they leave a transpose nothing else reads.
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
