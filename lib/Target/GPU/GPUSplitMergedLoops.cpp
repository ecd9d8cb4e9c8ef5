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
/// index is a sum.
bool mergesDims(tensor::CollapseShapeOp c) {
  RankedTensorType src = c.getSrcType();
  return llvm::any_of(c.getReassociationIndices(), [&](const auto &group) {
    return llvm::count_if(group, [&](int64_t d) {
             return src.getDimSize(d) != 1;
           }) > 1;
  });
}

/// Whether `v` is a result of an `OpTs` op, seen through reshapes.
template <typename... OpTs> bool isResultOf(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<OpTs...>(def))
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

/// Whether `v` is a transpose's result or a slice (a strided view, whose
/// merged dims a collapse copies), seen through reshapes.
bool isTransposed(Value v) {
  return isResultOf<linalg::TransposeOp, tensor::ExtractSliceOp>(v);
}

/// Whether `v` is computed by a linalg op: merging its dims copies
/// nothing, but a consumer that reads it merged runs over other loops than
/// its producer (softmax's sum over [B * H, S, S] after the exp over
/// [B, H, S, S]), so the two cannot share a kernel.
bool isComputed(Value v) { return v.getDefiningOp<linalg::LinalgOp>(); }

/// Whether splitting `op`'s loops pays: a contraction or convolution split
/// over two run-time dims leaves its epilogue read through views with
/// run-time sizes, which tg-gpu-fuse-epilogues does not see through
/// (bert_like_dyn's projections: 27 -> 34 kernels).
bool splitPays(linalg::LinalgOp op, tensor::CollapseShapeOp c) {
  return c.getSrcType().hasStaticShape() ||
         !(linalg::isaContractionOpInterface(op) ||
           linalg::isaConvolutionOpInterface(op));
}

/// The inputs this pass splits a consumer's loops for: a merging collapse
/// of a transposed tensor, or of a computed one where the split pays,
/// read by a linalg op on tensors.
bool splits(OpOperand *operand) {
  auto op = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  auto c = operand->get().getDefiningOp<tensor::CollapseShapeOp>();
  if (!op || !op.hasPureTensorSemantics() || !op.isDpsInput(operand) || !c ||
      !mergesDims(c))
    return false;
  if (!isTransposed(c.getSrc()) &&
      !(isComputed(c.getSrc()) && splitPays(op, c)))
    return false;
  // The upstream patterns split only loops the operand reads with a plain
  // loop index.
  AffineMap map = op.getMatchingIndexingMap(operand);
  return llvm::all_of(map.getResults(), llvm::IsaPred<AffineDimExpr>);
}

/// An expand_shape of a transpose's result is the transpose of an
/// expand_shape of its input: each transposed dim's group expands the
/// input dim it came from. A split propagates expand_shapes into every
/// operand of the op it splits; one on a transposed operand (a Gemm's
/// transposed weight, whose depth the split made two loops) then leaves the
/// transpose read directly, which tg-gpu-fold-transposes folds.
struct ExpandOfTranspose : public OpRewritePattern<tensor::ExpandShapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ExpandShapeOp expand,
                                PatternRewriter &rewriter) const override {
    auto t = expand.getSrc().getDefiningOp<linalg::TransposeOp>();
    if (!t || !t.hasPureTensorSemantics())
      return failure();
    ArrayRef<int64_t> perm = t.getPermutation();
    SmallVector<ReassociationIndices> groups =
        expand.getReassociationIndices();
    SmallVector<OpFoldResult> sizes = expand.getMixedOutputShape();
    RankedTensorType result = expand.getResultType();
    // The transposed dim each input dim became.
    SmallVector<int64_t> from(perm.size());
    for (auto [d, i] : llvm::enumerate(perm))
      from[i] = d;
    // The input expanded: input dim i becomes the sizes of its group.
    SmallVector<int64_t> shape, start(perm.size());
    SmallVector<OpFoldResult> inputSizes;
    SmallVector<ReassociationIndices> inputGroups;
    for (int64_t i = 0; i < static_cast<int64_t>(perm.size()); ++i) {
      start[i] = shape.size();
      ReassociationIndices group;
      for (int64_t e : groups[from[i]]) {
        group.push_back(shape.size());
        shape.push_back(result.getDimSize(e));
        inputSizes.push_back(sizes[e]);
      }
      inputGroups.push_back(group);
    }
    SmallVector<int64_t> newPerm;
    for (auto [d, i] : llvm::enumerate(perm))
      for (size_t j = 0; j < groups[d].size(); ++j)
        newPerm.push_back(start[i] + j);
    Location loc = expand.getLoc();
    auto inputType = RankedTensorType::get(shape, result.getElementType());
    Value input = tensor::ExpandShapeOp::create(
        rewriter, loc, inputType, t.getInput(), inputGroups, inputSizes);
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes,
                                         result.getElementType());
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(expand, input, init,
                                                     newPerm);
    return success();
  }
};

/// A reshape by a constant shape (the importer's static Reshape) of a
/// transposed tensor that only merges dims is the collapse it is: what
/// lets the merge be seen (and composed with the collapses after it).
struct ReshapeToCollapse : public OpRewritePattern<tensor::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ReshapeOp op,
                                PatternRewriter &rw) const override {
    auto src = cast<RankedTensorType>(op.getSource().getType());
    auto dst = cast<RankedTensorType>(op.getResult().getType());
    if (!src.hasStaticShape() || !dst.hasStaticShape() ||
        dst.getRank() >= src.getRank() || !isTransposed(op.getSource()))
      return failure();
    std::optional<SmallVector<ReassociationIndices>> groups =
        getReassociationIndicesForCollapse(src.getShape(), dst.getShape());
    if (!groups)
      return failure();
    rw.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, dst, op.getSource(),
                                                   *groups);
    return success();
  }
};

/// A transpose of a merging collapse is a collapse of the transpose of
/// the collapse's source, each merged dim moved as its group (attention's
/// heads, `[S, B, H, D]` merged to `[S, B * H, D]` and transposed to
/// `[B * H, S, D]`). The transpose then reads a view of its input, where
/// the collapse of a strided slice (Q out of a fused projection) is a
/// copy, and its result, a fresh tensor, is merged as a view; the
/// consumers that read the merge split their loops for it below.
struct TransposeOfCollapse : public OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp t,
                                PatternRewriter &rewriter) const override {
    auto c = t.getInput().getDefiningOp<tensor::CollapseShapeOp>();
    // Only a merge that copies: a transpose reading a free merge of a fresh
    // tensor folds into its consumer as it is.
    if (!t.hasPureTensorSemantics() || !c || !mergesDims(c) ||
        !isResultOf<tensor::ExtractSliceOp>(c.getSrc()))
      return failure();
    SmallVector<ReassociationIndices> groups = c.getReassociationIndices();
    RankedTensorType src = c.getSrcType();
    ArrayRef<int64_t> perm = t.getPermutation();
    // Output dim d reads collapsed dim perm[d]: its group of source dims,
    // in order.
    SmallVector<int64_t> newPerm, shape;
    SmallVector<ReassociationIndices> outGroups;
    SmallVector<OpFoldResult> srcSizes =
        tensor::getMixedSizes(rewriter, t.getLoc(), c.getSrc());
    SmallVector<OpFoldResult> sizes;
    for (int64_t from : perm) {
      ReassociationIndices g;
      for (int64_t d : groups[from]) {
        g.push_back(newPerm.size());
        newPerm.push_back(d);
        shape.push_back(src.getDimSize(d));
        sizes.push_back(srcSizes[d]);
      }
      outGroups.push_back(g);
    }
    Location loc = t.getLoc();
    Value init =
        tensor::EmptyOp::create(rewriter, loc, sizes, src.getElementType());
    auto transposed =
        linalg::TransposeOp::create(rewriter, loc, c.getSrc(), init, newPerm);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        t, t.getResult()[0].getType(), transposed.getResult()[0], outGroups);
    return success();
  }
};

struct GPUSplitMergedLoopsPass
    : public mlir::tangram::impl::GPUSplitMergedLoopsPassBase<
          GPUSplitMergedLoopsPass> {
  void runOnOperation() override {
    // First the merges as collapses, each composed with the collapses
    // after it.
    {
      RewritePatternSet patterns(&getContext());
      patterns.add<ReshapeToCollapse, TransposeOfCollapse>(&getContext());
      tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns,
                                                           &getContext());
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
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
    patterns.add<ExpandOfTranspose>(&getContext());
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
