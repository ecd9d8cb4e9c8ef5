//===- CollapseContiguousDims.cpp - one loop over contiguous trailing dims ===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Merges the trailing loops of an all-parallel linalg.generic on buffers
// into one where every operand holds them contiguously (Passes.td says
// why).
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_COLLAPSECONTIGUOUSDIMSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// True when each memref operand of `op` can be viewed with the loops
/// `dims` (consecutive, in order in every indexing map) as one dim.
bool operandsCollapse(linalg::LinalgOp op, ReassociationIndicesRef dims) {
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type)
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    // The result positions that hold the dims (none: a broadcast operand).
    std::optional<unsigned> first;
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      if (auto d = dyn_cast<AffineDimExpr>(map.getResult(r));
          d && d.getPosition() == dims.front())
        first = r;
    if (!first)
      continue;
    SmallVector<ReassociationIndices> groups;
    for (unsigned r = 0; r < map.getNumResults();) {
      ReassociationIndices g;
      unsigned len = r == *first ? dims.size() : 1;
      for (unsigned i = 0; i < len; ++i)
        g.push_back(r + i);
      groups.push_back(g);
      r += len;
    }
    if (!memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups))
      return false;
  }
  return true;
}

struct CollapseContiguousDimsPass
    : public mlir::tangram::impl::CollapseContiguousDimsPassBase<
          CollapseContiguousDimsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      // Maps of loop dims only (a constant index, for a unit dim read by
      // broadcast, has no place in a collapsed view).
      if (op.hasPureBufferSemantics() && op.getNumLoops() >= 2 &&
          op.getNumLoops() == op.getNumParallelLoops() &&
          llvm::all_of(op.getIndexingMapsArray(), [](AffineMap m) {
            return m.isProjectedPermutation();
          }))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      unsigned n = op.getNumLoops();
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      // The longest run of trailing loops that every operand holds
      // contiguously.
      for (unsigned k = 0; k + 1 < n; ++k) {
        ReassociationIndices dims;
        for (unsigned d = k; d < n; ++d)
          dims.push_back(d);
        if (!linalg::areDimSequencesPreserved(maps, {dims}) ||
            !operandsCollapse(op, dims))
          continue;
        // Named ops (a transpose, a copy, a broadcast) as generics first.
        rewriter.setInsertionPoint(op);
        linalg::LinalgOp target = op;
        if (!isa<linalg::GenericOp>(op)) {
          FailureOr<linalg::GenericOp> generic =
              linalg::generalizeNamedOp(rewriter, op);
          if (failed(generic))
            break;
          target = *generic;
        }
        SmallVector<ReassociationIndices> folded = {dims};
        rewriter.setInsertionPoint(target);
        FailureOr<linalg::CollapseResult> collapsed =
            linalg::collapseOpIterationDims(target, folded, rewriter);
        if (succeeded(collapsed))
          rewriter.eraseOp(target);
        break;
      }
    }
  }
};
} // namespace
