//===- GPUExpandShapeCasts.cpp - tg-gpu-expand-shape-casts ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// MLIR 22's expand-strided-metadata crashes on a `memref.expand_shape` with
// two or more run-time sizes in one group (`[B * S, 768]` viewed as
// `[B, S, 768]`): it reads each size but one of a group as a constant.
// Such an expansion is written here as the `memref.reinterpret_cast` it
// is, from its source's strided metadata and its own output shape, which
// that pass then folds like any other view.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUEXPANDSHAPECASTSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// Whether a group of `op`'s result has two or more run-time sizes.
bool hasDynamicGroup(memref::ExpandShapeOp op) {
  MemRefType t = op.getResultType();
  return llvm::any_of(op.getReassociationIndices(), [&](const auto &group) {
    return llvm::count_if(group, [&](int64_t d) { return t.isDynamicDim(d); }) >
           1;
  });
}

/// The expansion as a reinterpret_cast of its source's base: within a
/// group, the last dim keeps the source dim's stride and each dim before
/// it steps over the ones after it.
LogicalResult rewrite(memref::ExpandShapeOp op) {
  MemRefType type = op.getResultType();
  SmallVector<int64_t> staticStrides;
  int64_t staticOffset;
  if (failed(type.getStridesAndOffset(staticStrides, staticOffset)))
    return op.emitError("an expansion to a layout that is not strided");
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, op.getSrc());
  SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
  SmallVector<OpFoldResult> strides(type.getRank());
  for (auto [i, group] : llvm::enumerate(op.getReassociationIndices())) {
    Value stride = meta.getStrides()[i];
    for (int64_t d : llvm::reverse(group)) {
      strides[d] = stride;
      stride = arith::MulIOp::create(
          b, loc, stride, getValueOrCreateConstantIndexOp(b, loc, sizes[d]));
    }
  }
  // The result type's static entries stay attributes (the cast verifies
  // them); its run-time ones are the values computed.
  for (auto [s, k] : llvm::zip(strides, staticStrides))
    if (!ShapedType::isDynamic(k))
      s = b.getIndexAttr(k);
  for (auto [s, k] : llvm::zip(sizes, type.getShape()))
    if (!ShapedType::isDynamic(k))
      s = b.getIndexAttr(k);
  OpFoldResult offset = ShapedType::isDynamic(staticOffset)
                            ? OpFoldResult(meta.getOffset())
                            : b.getIndexAttr(staticOffset);
  Value view = memref::ReinterpretCastOp::create(
      b, loc, type, meta.getBaseBuffer(), offset, sizes, strides);
  op.getResult().replaceAllUsesWith(view);
  op.erase();
  return success();
}

struct GPUExpandShapeCastsPass
    : public mlir::tangram::impl::GPUExpandShapeCastsPassBase<
          GPUExpandShapeCastsPass> {
  void runOnOperation() override {
    SmallVector<memref::ExpandShapeOp> expansions;
    getOperation().walk([&](memref::ExpandShapeOp op) {
      if (hasDynamicGroup(op))
        expansions.push_back(op);
    });
    for (memref::ExpandShapeOp op : expansions)
      if (failed(rewrite(op)))
        return signalPassFailure();
  }
};

} // namespace
