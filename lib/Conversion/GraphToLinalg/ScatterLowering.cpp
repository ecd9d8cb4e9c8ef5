//===- ScatterLowering.cpp - scatter ops to loops on tensors --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A scatter writes where its indices say, so it is no linalg.generic (whose
// outputs are addressed by the loops). It is a loop nest over the updates
// that carries the result tensor: each iteration reads the target element
// (when it combines), and tensor.inserts the new value. Iterations run in
// order, so with reduction "none" the last duplicate index wins, as in the
// ONNX reference. Bufferization turns the carried tensor into one buffer
// (a copy of `data`) updated in place.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// `cur` combined with `upd` by an ONNX scatter reduction.
FailureOr<Value> combine(OpBuilder &b, Location l, StringRef reduction,
                         Value cur, Value upd, bool isUnsigned) {
  bool isFloat = isa<FloatType>(upd.getType());
  if (reduction == "add")
    return isFloat ? arith::AddFOp::create(b, l, cur, upd).getResult()
                   : arith::AddIOp::create(b, l, cur, upd).getResult();
  if (reduction == "mul")
    return isFloat ? arith::MulFOp::create(b, l, cur, upd).getResult()
                   : arith::MulIOp::create(b, l, cur, upd).getResult();
  if (reduction == "max")
    return isFloat      ? arith::MaximumFOp::create(b, l, cur, upd).getResult()
           : isUnsigned ? arith::MaxUIOp::create(b, l, cur, upd).getResult()
                        : arith::MaxSIOp::create(b, l, cur, upd).getResult();
  if (reduction == "min")
    return isFloat      ? arith::MinimumFOp::create(b, l, cur, upd).getResult()
           : isUnsigned ? arith::MinUIOp::create(b, l, cur, upd).getResult()
                        : arith::MinSIOp::create(b, l, cur, upd).getResult();
  return failure();
}

/// Loops over the dims of `updates` carrying `data`; `target(b, l, ivs)`
/// gives the index of `data` that update `ivs` goes to.
Value scatterLoops(
    OpBuilder &b, Location loc, Value data, Value updates,
    StringRef reduction, bool isUnsigned,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        target) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d = 0, r = cast<RankedTensorType>(updates.getType()).getRank();
       d < r; ++d) {
    lbs.push_back(indexConst(b, loc, 0));
    ubs.push_back(dimOf(b, loc, updates, d));
    steps.push_back(indexConst(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{data},
      [&](OpBuilder &nb, Location l, ValueRange ivs,
          ValueRange acc) -> scf::ValueVector {
        SmallVector<Value> at = target(nb, l, ivs);
        Value v = tensor::ExtractOp::create(nb, l, updates, ivs);
        if (reduction != "none") {
          Value cur = tensor::ExtractOp::create(nb, l, acc[0], at);
          v = *combine(nb, l, reduction, cur, v, isUnsigned);
        }
        return {tensor::InsertOp::create(nb, l, v, acc[0], at)};
      });
  return nest.results.empty() ? data : nest.results[0];
}

/// Fails the run with "<what>: <message>" unless dim `i` of `x` and dim `j`
/// of `y` compare by `pred` (nothing is emitted when both are static: the
/// verifier checked them).
void checkDims(OpBuilder &b, Location loc, Value x, int64_t i, Value y,
               int64_t j, arith::CmpIPredicate pred, StringRef what,
               StringRef message) {
  if (!cast<RankedTensorType>(x.getType()).isDynamicDim(i) &&
      !cast<RankedTensorType>(y.getType()).isDynamicDim(j))
    return;
  Value ok = arith::CmpIOp::create(b, loc, pred, dimOf(b, loc, x, i),
                                   dimOf(b, loc, y, j));
  cf::AssertOp::create(b, loc, ok, (what + ": " + message).str());
}

LogicalResult checkReduction(ConversionPatternRewriter &rw, Operation *op,
                             StringRef reduction) {
  if (llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return success();
  return rw.notifyMatchFailure(op, "unknown reduction");
}

struct ScatterElementsLowering
    : public OpConversionPattern<tg::ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto dt = cast<RankedTensorType>(adaptor.getData().getType());
    if (failed(checkReduction(rw, op, op.getReduction())))
      return failure();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + dt.getRank() : op.getAxis();
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    // Run-time dims: indices and updates of one shape, within data's dims
    // off the axis.
    for (int64_t d = 0; d < dt.getRank(); ++d) {
      checkDims(rw, loc, indices, d, updates, d, arith::CmpIPredicate::eq,
                "ScatterElements", "indices and updates differ in shape");
      if (d != axis)
        checkDims(rw, loc, updates, d, data, d, arith::CmpIPredicate::sle,
                  "ScatterElements", "updates are larger than data");
    }
    Value axisSize = dimOf(rw, loc, data, axis);
    Value result = scatterLoops(
        rw, loc, data, updates, op.getReduction(),
        isUnsignedElem(op.getData().getType()),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          SmallVector<Value> at(ivs);
          at[axis] = checkedIndex(b, l, readIndex(b, l, indices, ivs),
                                  axisSize, "ScatterElements");
          return at;
        });
    rw.replaceOp(op, result);
    return success();
  }
};

struct ScatterNDLowering : public OpConversionPattern<tg::ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto dt = cast<RankedTensorType>(adaptor.getData().getType());
    auto qt = cast<RankedTensorType>(adaptor.getIndices().getType());
    int64_t q = qt.getRank();
    if (qt.isDynamicDim(q - 1))
      return op.emitError("ScatterND needs the last dim of its indices (the "
                          "length of an index) known at compile time");
    if (failed(checkReduction(rw, op, op.getReduction())))
      return failure();
    // updates: indices.shape[:-1] + data.shape[k:], k = indices.shape[-1].
    int64_t k = qt.getDimSize(q - 1);
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    for (int64_t d = 0; d + 1 < q; ++d)
      checkDims(rw, loc, updates, d, indices, d, arith::CmpIPredicate::eq,
                "ScatterND", "updates and indices differ in shape");
    for (int64_t d = k; d < dt.getRank(); ++d)
      checkDims(rw, loc, updates, q - 1 + d - k, data, d,
                arith::CmpIPredicate::eq, "ScatterND",
                "updates and data differ in shape");
    SmallVector<Value> sizes;
    for (int64_t j = 0; j < k; ++j)
      sizes.push_back(dimOf(rw, loc, data, j));
    Value result = scatterLoops(
        rw, loc, data, updates, op.getReduction(),
        isUnsignedElem(op.getData().getType()),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          SmallVector<Value> at;
          SmallVector<Value> tuple(ivs.take_front(q - 1));
          tuple.push_back(Value());
          for (int64_t j = 0; j < k; ++j) {
            tuple.back() = indexConst(b, l, j);
            at.push_back(checkedIndex(b, l, readIndex(b, l, indices, tuple),
                                      sizes[j], "ScatterND"));
          }
          llvm::append_range(at, ivs.drop_front(q - 1));
          return at;
        });
    rw.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::tangram::populateScatterLowering(TGTypeConverter &tc,
                                            RewritePatternSet &p) {
  p.add<ScatterElementsLowering, ScatterNDLowering>(tc, p.getContext());
}
