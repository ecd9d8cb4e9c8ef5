//===- GPUSimplifyDims.cpp - tg-gpu-simplify-dims -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// With dynamic dims, one size reaches the loops under several names: a dim
// of a view, an element of a shape buffer, the other side of a broadcast
// check. The loop-level passes (tg-gpu-fold-fills, -fuse-epilogues,
// -fuse-rows) fuse two loops only when they see the same sizes, so each
// name left unresolved is a kernel of its own. This pass gives each size
// one name.
//
//===----------------------------------------------------------------------===//
#include "LoopMatching.h"
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUSIMPLIFYDIMSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// `memref.dim` of a `memref.reinterpret_cast` is the size the cast names.
struct DimOfReinterpretCast : OpRewritePattern<memref::DimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::DimOp dim,
                                PatternRewriter &rewriter) const override {
    auto view = dim.getSource().getDefiningOp<memref::ReinterpretCastOp>();
    std::optional<int64_t> i = dim.getConstantIndex();
    if (!view || !i || *i < 0 || *i >= view.getType().getRank())
      return failure();
    OpFoldResult size = view.getMixedSizes()[*i];
    if (auto v = dyn_cast<Value>(size))
      rewriter.replaceOp(dim, v);
    else
      rewriter.replaceOpWithNewOp<arith::ConstantIndexOp>(
          dim, *getConstantIntValue(size));
    return success();
  }
};

/// The offset, sizes and strides `memref.extract_strided_metadata` reads of
/// a `memref.reinterpret_cast` are the ones the cast names (a view made of
/// a `memref.reshape` by this pass is read so by the views made of it).
struct MetadataOfReinterpretCast
    : OpRewritePattern<memref::ExtractStridedMetadataOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::ExtractStridedMetadataOp meta,
                                PatternRewriter &rewriter) const override {
    auto view = meta.getSource().getDefiningOp<memref::ReinterpretCastOp>();
    if (!view)
      return failure();
    SmallVector<std::pair<Value, OpFoldResult>> named;
    named.push_back({meta.getOffset(), view.getMixedOffsets()[0]});
    for (auto [r, v] : llvm::zip(meta.getSizes(), view.getMixedSizes()))
      named.push_back({r, v});
    for (auto [r, v] : llvm::zip(meta.getStrides(), view.getMixedStrides()))
      named.push_back({r, v});
    bool changed = false;
    for (auto [result, value] : named) {
      if (result.use_empty())
        continue;
      Value v = dyn_cast<Value>(value);
      if (!v)
        v = arith::ConstantIndexOp::create(rewriter, meta.getLoc(),
                                           *getConstantIntValue(value));
      rewriter.replaceAllUsesWith(result, v);
      changed = true;
    }
    return success(changed);
  }
};

/// A shape buffer: a static rank-1 allocation that is read as a
/// `memref.reshape`'s shape, and otherwise only stored to and loaded from
/// at constant indices. Its element at `index` is the value of the one
/// store there, when that store dominates `user`.
Value storedElement(Value buffer, int64_t index, Operation *user,
                    DominanceInfo &dom) {
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc.getType().getRank() != 1 ||
      !alloc.getType().hasStaticShape())
    return nullptr;
  memref::StoreOp only;
  bool isShape = false;
  for (Operation *u : buffer.getUsers()) {
    if (isa<memref::LoadOp, memref::DeallocOp>(u))
      continue;
    if (auto reshape = dyn_cast<memref::ReshapeOp>(u)) {
      if (reshape.getShape() != buffer)
        return nullptr;
      isShape = true;
      continue;
    }
    auto store = dyn_cast<memref::StoreOp>(u);
    if (!store || store.getMemRef() != buffer)
      return nullptr;
    APInt at;
    if (!matchPattern(store.getIndices()[0], m_ConstantInt(&at)))
      return nullptr;
    if (at.getSExtValue() != index)
      continue;
    if (only)
      return nullptr;
    only = store;
  }
  if (!isShape || !only || !dom.properlyDominates(only.getOperation(), user))
    return nullptr;
  return only.getValueToStore();
}

/// A load of a shape buffer's element is the value stored there.
void forwardShapeElements(func::FuncOp f, DominanceInfo &dom) {
  SmallVector<memref::LoadOp> loads;
  f.walk([&](memref::LoadOp l) { loads.push_back(l); });
  for (memref::LoadOp load : loads) {
    // A load on the host (not a kernel's: a kernel takes the buffer, not
    // values of any type the host computes).
    APInt at;
    if (load->getParentOfType<scf::ParallelOp>() ||
        load.getIndices().size() != 1 ||
        !matchPattern(load.getIndices()[0], m_ConstantInt(&at)))
      continue;
    if (Value v = storedElement(load.getMemRef(), at.getSExtValue(), load,
                                dom)) {
      load.replaceAllUsesWith(v);
      load.erase();
    }
  }
}

/// A `memref.reshape` of a contiguous buffer whose shape buffer's elements
/// are known becomes a `memref.reinterpret_cast` with those sizes: a view
/// whose dims the loops can name.
void reshapesToViews(func::FuncOp f, DominanceInfo &dom) {
  SmallVector<memref::ReshapeOp> reshapes;
  f.walk([&](memref::ReshapeOp r) { reshapes.push_back(r); });
  for (memref::ReshapeOp reshape : reshapes) {
    auto source = cast<MemRefType>(reshape.getSource().getType());
    MemRefType result = reshape.getType();
    if (!source.getLayout().isIdentity() || !result.getLayout().isIdentity())
      continue;
    OpBuilder b(reshape);
    Location loc = reshape.getLoc();
    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < result.getRank(); ++i) {
      if (!result.isDynamicDim(i)) {
        sizes.push_back(b.getIndexAttr(result.getDimSize(i)));
        continue;
      }
      Value v = storedElement(reshape.getShape(), i, reshape, dom);
      if (!v)
        break;
      if (!v.getType().isIndex())
        v = arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
      sizes.push_back(v);
    }
    if (static_cast<int64_t>(sizes.size()) != result.getRank())
      continue;
    SmallVector<OpFoldResult> strides = rowMajorStrides(b, loc, sizes);
    Value view = memref::ReinterpretCastOp::create(
        b, loc, result, reshape.getSource(), b.getIndexAttr(0), sizes,
        strides);
    reshape.replaceAllUsesWith(view);
    reshape.erase();
  }
}

struct GPUSimplifyDimsPass
    : public mlir::tangram::impl::GPUSimplifyDimsPassBase<
          GPUSimplifyDimsPass> {
  void runOnOperation() override {
    func::FuncOp f = getOperation();
    {
      DominanceInfo dom(f);
      forwardShapeElements(f, dom);
      reshapesToViews(f, dom);
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<DimOfReinterpretCast, MetadataOfReinterpretCast>(
        &getContext());
    if (failed(applyPatternsGreedily(f, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
