//===- GPUFoldTransposes.cpp - tg-gpu-fold-transposes ---------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUFOLDTRANSPOSESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// Where an operand's elements are in a tensor it is a transposed view of:
/// the tensor, and the map from the consumer's loops to its indices.
struct Source {
  Value tensor;
  AffineMap map;
};

/// The group's one dim that is not 1 (static), or -1 when all are 1; false
/// when two or more are not (then an index splits into several, which a
/// map of plain loop indices cannot say).
bool oneNonUnit(RankedTensorType t, ArrayRef<int64_t> group, int64_t &dim) {
  dim = -1;
  for (int64_t d : group)
    if (t.getDimSize(d) != 1) {
      if (dim >= 0)
        return false;
      dim = d;
    }
  return true;
}

/// Follows `v`, read through `map`, back through linalg.transpose and
/// through collapse/expand_shape that only add or drop unit dims; the last
/// tensor reached after a transpose, or nothing when there is none.
std::optional<Source> transposedSource(Value v, AffineMap map) {
  MLIRContext *ctx = map.getContext();
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  std::optional<Source> found;
  while (Operation *def = v.getDefiningOp()) {
    SmallVector<AffineExpr> results;
    if (auto t = dyn_cast<linalg::TransposeOp>(def)) {
      // out[i] = in[j] with j[perm[i]] = i.
      ArrayRef<int64_t> perm = t.getPermutation();
      results.assign(perm.size(), zero);
      for (auto [i, p] : llvm::enumerate(perm))
        results[p] = map.getResult(i);
      v = t.getInput();
    } else if (auto c = dyn_cast<tensor::CollapseShapeOp>(def)) {
      RankedTensorType src = c.getSrcType();
      results.assign(src.getRank(), zero);
      for (auto [g, group] : llvm::enumerate(c.getReassociationIndices())) {
        int64_t dim;
        if (!oneNonUnit(src, group, dim))
          return found;
        if (dim >= 0)
          results[dim] = map.getResult(g);
      }
      v = c.getSrc();
    } else if (auto e = dyn_cast<tensor::ExpandShapeOp>(def)) {
      RankedTensorType dst = e.getResultType();
      for (ReassociationIndicesRef group : e.getReassociationIndices()) {
        int64_t dim;
        if (!oneNonUnit(dst, group, dim))
          return found;
        results.push_back(dim >= 0 ? map.getResult(dim) : zero);
      }
      v = e.getSrc();
    } else {
      break;
    }
    map = AffineMap::get(map.getNumDims(), 0, results, ctx);
    if (isa<linalg::TransposeOp>(def) || found)
      found = Source{v, map};
  }
  return found;
}

/// Whether an operand of `op` other than `skip` uses loop `d`.
bool otherOperandUses(linalg::LinalgOp op, OpOperand *skip, unsigned d) {
  return llvm::any_of(op->getOpOperands(), [&](OpOperand &o) {
    return &o != skip && op.getMatchingIndexingMap(&o).isFunctionOfDim(d);
  });
}

/// The first input of `op` read through a transpose it can read past: each
/// loop its map uses is still used by the new map (so the loops keep their
/// sizes), or is a loop of one iteration another operand sizes (a unit dim
/// the source drops: tg-gpu-split-merged-loops leaves one where it splits
/// a merge of a unit dim).
std::optional<std::pair<OpOperand *, Source>> transposedInput(linalg::LinalgOp op) {
  for (OpOperand *in : op.getDpsInputOperands()) {
    auto type = dyn_cast<RankedTensorType>(in->get().getType());
    if (!type)
      continue;
    AffineMap map = op.getMatchingIndexingMap(in);
    std::optional<Source> s = transposedSource(in->get(), map);
    if (!s)
      continue;
    auto unitLoop = [&](unsigned d) {
      for (auto [i, e] : llvm::enumerate(map.getResults()))
        if (e.isFunctionOfDim(d))
          return e == getAffineDimExpr(d, map.getContext()) &&
                 type.getDimSize(i) == 1 && otherOperandUses(op, in, d);
      return false;
    };
    bool keepsLoops = llvm::all_of(llvm::seq(0u, map.getNumDims()), [&](unsigned d) {
      return !map.isFunctionOfDim(d) || s->map.isFunctionOfDim(d) ||
             unitLoop(d);
    });
    if (keepsLoops)
      return std::make_pair(in, *s);
  }
  return std::nullopt;
}

struct GPUFoldTransposesPass
    : public mlir::tangram::impl::GPUFoldTransposesPassBase<GPUFoldTransposesPass> {
  void runOnOperation() override {
    IRRewriter rw(&getContext());
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && transposedInput(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        rw.setInsertionPoint(op);
        FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rw, op);
        if (failed(g))
          continue;
        generic = *g;
      }
      // Every transposed input, each read from its source.
      SmallVector<Value> inputs = generic.getDpsInputs();
      SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
      while (auto found = transposedInput(generic)) {
        auto [in, source] = *found;
        unsigned k = in->getOperandNumber();
        if (inputs[k] == source.tensor)
          break;
        inputs[k] = source.tensor;
        maps[k] = source.map;
        rw.setInsertionPoint(generic);
        auto folded = linalg::GenericOp::create(
            rw, generic.getLoc(), generic.getResultTypes(), inputs,
            generic.getDpsInits(), maps, generic.getIteratorTypesArray());
        rw.inlineRegionBefore(generic.getRegion(), folded.getRegion(),
                              folded.getRegion().end());
        rw.replaceOp(generic, folded->getResults());
        generic = folded;
      }
    }
    // Transposes and views nothing reads any more.
    for (bool erased = true; erased;) {
      SmallVector<Operation *> unused;
      getOperation().walk([&](Operation *op) {
        if (isa<linalg::TransposeOp, tensor::CollapseShapeOp,
                tensor::ExpandShapeOp>(op) &&
            op->use_empty())
          unused.push_back(op);
      });
      for (Operation *op : unused)
        rw.eraseOp(op);
      erased = !unused.empty();
    }
  }
};
} // namespace
