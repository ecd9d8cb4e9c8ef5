//===- InferDimBounds.cpp - tg-infer-dim-bounds ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Transforms/Passes.h"
#include "Graph/GraphOps.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_INFERDIMBOUNDSPASS
#include "tangram/Transforms/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// An input dim: the entry block argument's number and the dim.
using DimRef = std::pair<unsigned, int64_t>;

/// Which input dim entry `i` of the 1-D (or one-element) integer tensor `v`
/// is, following how exporters build shapes: Shape of an argument, Gather
/// of it at constant indices, Unsqueeze/Reshape/Cast of one element, and
/// Concat of pieces.
std::optional<DimRef> entrySource(Value v, int64_t i) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (auto shape = dyn_cast<tg::ShapeOp>(def)) {
    auto arg = dyn_cast<BlockArgument>(shape.getInput());
    auto t = dyn_cast<RankedTensorType>(shape.getInput().getType());
    if (!arg || !t || !isa<func::FuncOp>(arg.getOwner()->getParentOp()))
      return std::nullopt;
    int64_t r = t.getRank(), s = shape.getStart();
    s = std::clamp<int64_t>(s < 0 ? s + r : s, 0, r);
    if (s + i >= r)
      return std::nullopt;
    return DimRef{arg.getArgNumber(), s + i};
  }
  if (auto gather = dyn_cast<tg::GatherOp>(def)) {
    SmallVector<int64_t> idx;
    if (!tg::getConstantInts(gather.getIndices(), idx) ||
        i >= (int64_t)idx.size())
      return std::nullopt;
    int64_t k = idx[i];
    if (k < 0)
      k += cast<RankedTensorType>(gather.getData().getType()).getDimSize(0);
    return entrySource(gather.getData(), k);
  }
  if (auto concat = dyn_cast<tg::ConcatOp>(def)) {
    for (Value in : concat.getInputs()) {
      auto t = cast<RankedTensorType>(in.getType());
      if (!t.hasStaticShape())
        return std::nullopt;
      int64_t n = t.getNumElements();
      if (i < n)
        return entrySource(in, i);
      i -= n;
    }
    return std::nullopt;
  }
  if (isa<tg::UnsqueezeOp, tg::SqueezeOp, tg::ReshapeOp, tg::CastOp>(def))
    return entrySource(def->getOperand(0), i);
  return std::nullopt;
}

struct InferDimBoundsPass
    : public tangram::impl::InferDimBoundsPassBase<InferDimBoundsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    std::map<DimRef, int64_t> bounds;
    func.walk([&](tg::SliceOp slice) {
      // A table: a constant (weights included) sliced from a constant start
      // with step 1; its end is an input's dim.
      if (!slice.getInput().getDefiningOp<tg::ConstantOp>())
        return;
      auto in = cast<RankedTensorType>(slice.getInput().getType());
      SmallVector<int64_t> axes, starts, steps;
      if (!tg::getConstantInts(slice.getAxes(), axes) ||
          !tg::getConstantInts(slice.getStarts(), starts) ||
          !tg::getConstantInts(slice.getSteps(), steps) ||
          starts.size() != axes.size() || steps.size() != axes.size())
        return;
      for (auto [e, axis] : llvm::enumerate(axes)) {
        int64_t a = axis < 0 ? axis + in.getRank() : axis;
        if (a < 0 || a >= in.getRank() || in.isDynamicDim(a) ||
            steps[e] != 1 || starts[e] < 0 || starts[e] > in.getDimSize(a))
          continue;
        std::optional<DimRef> src = entrySource(slice.getEnds(), e);
        if (!src)
          continue;
        int64_t room = in.getDimSize(a) - starts[e];
        auto [it, fresh] = bounds.try_emplace(*src, room);
        if (!fresh)
          it->second = std::min(it->second, room);
      }
    });
    for (auto [ref, bound] : bounds) {
      auto [arg, dim] = ref;
      auto t = dyn_cast<RankedTensorType>(func.getArgument(arg).getType());
      if (!t || !t.isDynamicDim(dim))
        continue;
      SmallVector<int64_t> max(t.getRank(), -1);
      if (auto old = func.getArgAttrOfType<DenseI64ArrayAttr>(arg, "tg.dim_max"))
        if ((int64_t)old.size() == t.getRank())
          max.assign(old.asArrayRef().begin(), old.asArrayRef().end());
      max[dim] = max[dim] < 0 ? bound : std::min(max[dim], bound);
      func.setArgAttr(arg, "tg.dim_max",
                      DenseI64ArrayAttr::get(&getContext(), max));
    }
  }
};

} // namespace
