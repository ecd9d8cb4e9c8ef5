//===- GPUFoldPads.cpp - tg-gpu-fold-pads ---------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUFOLDPADSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// The first input of `op` read from a tensor.pad whose padding value is
/// a value of the host.
OpOperand *paddedInput(linalg::LinalgOp op) {
  for (OpOperand *in : op.getDpsInputOperands()) {
    auto pad = in->get().getDefiningOp<tensor::PadOp>();
    if (pad && pad.getConstantPaddingValue() &&
        isa<RankedTensorType>(in->get().getType()))
      return in;
  }
  return nullptr;
}

/// `expand_shape(pad(x))` as `pad(expand_shape(x))` when each padded dim
/// stays one dim (a depthwise conv's [N, C, H, W] viewed as [N, C, 1, H,
/// W]), so that the consumer reads the pad itself.
void padAfterExpand(RewriterBase &rw, tensor::ExpandShapeOp expand) {
  auto pad = expand.getSrc().getDefiningOp<tensor::PadOp>();
  if (!pad || !pad.getConstantPaddingValue())
    return;
  SmallVector<ReassociationIndices> groups = expand.getReassociationIndices();
  SmallVector<OpFoldResult> low = pad.getMixedLowPad();
  SmallVector<OpFoldResult> high = pad.getMixedHighPad();
  int64_t rank = expand.getResultType().getRank();
  SmallVector<OpFoldResult> newLow(rank, rw.getIndexAttr(0));
  SmallVector<OpFoldResult> newHigh(rank, rw.getIndexAttr(0));
  rw.setInsertionPoint(expand);
  Location loc = expand.getLoc();
  SmallVector<OpFoldResult> shape = expand.getMixedOutputShape();
  for (auto [d, group] : llvm::enumerate(groups)) {
    if (isZeroInteger(low[d]) && isZeroInteger(high[d]))
      continue;
    if (group.size() != 1)
      return;
    newLow[group[0]] = low[d];
    newHigh[group[0]] = high[d];
    shape[group[0]] = tensor::getMixedSize(rw, loc, pad.getSource(), d);
  }
  SmallVector<int64_t> staticShape;
  SmallVector<Value> dynamicShape;
  dispatchIndexOpFoldResults(shape, dynamicShape, staticShape);
  auto type = RankedTensorType::get(staticShape,
                                    expand.getResultType().getElementType());
  Value inner = tensor::ExpandShapeOp::create(rw, loc, type, pad.getSource(),
                                              groups, shape);
  rw.replaceOpWithNewOp<tensor::PadOp>(expand, expand.getResultType(), inner,
                                       newLow, newHigh,
                                       pad.getConstantPaddingValue());
}

/// Whether `op`'s loop sizes still follow from its operands without
/// `without` (a pooling window's output and window tensor give them; an
/// op reading only the padded tensor and writing a smaller one would lose
/// some).
bool loopsSizedWithout(linalg::LinalgOp op, OpOperand *without) {
  SmallVector<AffineMap> maps;
  for (OpOperand &o : op->getOpOperands())
    if (&o != without)
      maps.push_back(op.getMatchingIndexingMap(&o));
  return (bool)inversePermutation(concatAffineMaps(maps, op.getContext()));
}

/// Rewrites `generic` to read the padded operand `in` through bounds
/// checks on the pad's source; returns the new op.
linalg::GenericOp foldPad(RewriterBase &rw, linalg::GenericOp generic, OpOperand *in) {
  auto pad = in->get().getDefiningOp<tensor::PadOp>();
  Location loc = generic.getLoc();
  AffineMap map = generic.getMatchingIndexingMap(in);
  Value source = pad.getSource();
  SmallVector<OpFoldResult> low = pad.getMixedLowPad();
  SmallVector<OpFoldResult> high = pad.getMixedHighPad();

  // The source's dims and the low padding, computed before the op.
  rw.setInsertionPoint(generic);
  SmallVector<Value> dims, lows;
  for (int64_t d = 0, e = map.getNumResults(); d < e; ++d) {
    dims.push_back(tensor::DimOp::create(rw, loc, source, d));
    lows.push_back(getValueOrCreateConstantIndexOp(rw, loc, low[d]));
  }

  // The element: source[index - low] where that is inside, else padding.
  Block &body = generic.getRegion().front();
  unsigned argIndex = in->getOperandNumber();
  rw.setInsertionPointToStart(&body);
  SmallVector<Value> loopIndices;
  for (unsigned d = 0; d < generic.getNumLoops(); ++d)
    loopIndices.push_back(linalg::IndexOp::create(rw, loc, d));
  Value zero = arith::ConstantIndexOp::create(rw, loc, 0);
  Value inside;
  SmallVector<Value> indices;
  SmallVector<unsigned> padded;
  for (auto [d, expr] : llvm::enumerate(map.getResults())) {
    Value i = affine::expandAffineExpr(rw, loc, expr, loopIndices, {});
    if (!isZeroInteger(low[d]) || !isZeroInteger(high[d])) {
      i = arith::SubIOp::create(rw, loc, i, lows[d]);
      // Unsigned: an index before the start wraps past every dim.
      Value in = arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::ult, i,
                                       dims[d]);
      inside = inside ? arith::AndIOp::create(rw, loc, inside, in) : in;
      padded.push_back(d);
    }
    indices.push_back(i);
  }
  // Outside, the read is of element 0 along the padded dims (any element
  // in bounds would do): its value is not used.
  for (unsigned d : padded)
    indices[d] = arith::SelectOp::create(rw, loc, inside, indices[d], zero);
  Value value = tensor::ExtractOp::create(rw, loc, source, indices);
  if (inside)
    value = arith::SelectOp::create(rw, loc, inside, value,
                                    pad.getConstantPaddingValue());
  rw.replaceAllUsesWith(body.getArgument(argIndex), value);

  // The op without the operand.
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand &o : generic->getOpOperands()) {
    if (&o == in)
      continue;
    if (generic.isDpsInput(&o))
      inputs.push_back(o.get());
    maps.push_back(generic.getMatchingIndexingMap(&o));
  }
  rw.setInsertionPoint(generic);
  auto folded = linalg::GenericOp::create(
      rw, loc, generic.getResultTypes(), inputs, generic.getDpsInits(), maps,
      generic.getIteratorTypesArray());
  rw.inlineRegionBefore(generic.getRegion(), folded.getRegion(),
                        folded.getRegion().end());
  folded.getRegion().front().eraseArgument(argIndex);
  rw.replaceOp(generic, folded->getResults());
  return folded;
}

struct GPUFoldPadsPass
    : public mlir::tangram::impl::GPUFoldPadsPassBase<GPUFoldPadsPass> {
  void runOnOperation() override {
    IRRewriter rw(&getContext());
    SmallVector<tensor::ExpandShapeOp> expands;
    getOperation().walk([&](tensor::ExpandShapeOp e) { expands.push_back(e); });
    for (tensor::ExpandShapeOp e : expands)
      padAfterExpand(rw, e);
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && paddedInput(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      // Every padded input, one at a time (each rewrite makes a new op).
      while (OpOperand *in = paddedInput(op)) {
        if (!loopsSizedWithout(op, in))
          break;
        auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
        if (!generic) {
          rw.setInsertionPoint(op);
          FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rw, op);
          if (failed(g))
            break;
          generic = *g;
          in = paddedInput(generic);
        }
        op = foldPad(rw, generic, in);
      }
    }
    // Pads nothing reads any more.
    SmallVector<tensor::PadOp> unused;
    getOperation().walk([&](tensor::PadOp pad) {
      if (pad->use_empty())
        unused.push_back(pad);
    });
    for (tensor::PadOp pad : unused)
      rw.eraseOp(pad);
  }
};
} // namespace
