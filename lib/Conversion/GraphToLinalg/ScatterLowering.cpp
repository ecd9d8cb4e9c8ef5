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

/// Loops over `shape` carrying `data`; `target(b, l, ivs)` gives the index
/// of `data` that update `ivs` goes to.
Value scatterLoops(
    OpBuilder &b, Location loc, Value data, Value updates,
    ArrayRef<int64_t> shape, StringRef reduction, bool isUnsigned,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        target) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d : shape) {
    lbs.push_back(indexConst(b, loc, 0));
    ubs.push_back(indexConst(b, loc, d));
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
    auto ut = cast<RankedTensorType>(adaptor.getUpdates().getType());
    if (failed(requireStatic(rw, op, dt)) || failed(requireStatic(rw, op, ut)) ||
        failed(checkReduction(rw, op, op.getReduction())))
      return failure();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + dt.getRank() : op.getAxis();
    Value indices = adaptor.getIndices();
    Value result = scatterLoops(
        rw, op.getLoc(), adaptor.getData(), adaptor.getUpdates(), ut.getShape(),
        op.getReduction(), isUnsignedElem(op.getData().getType()),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          SmallVector<Value> at(ivs);
          at[axis] = checkedIndex(b, l, readIndex(b, l, indices, ivs),
                                  dt.getDimSize(axis), "ScatterElements");
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
    auto ut = cast<RankedTensorType>(adaptor.getUpdates().getType());
    if (failed(requireStatic(rw, op, dt)) || failed(requireStatic(rw, op, qt)) ||
        failed(requireStatic(rw, op, ut)) ||
        failed(checkReduction(rw, op, op.getReduction())))
      return failure();
    // updates: indices.shape[:-1] + data.shape[k:], k = indices.shape[-1].
    int64_t q = qt.getRank(), k = qt.getDimSize(q - 1);
    Value indices = adaptor.getIndices();
    Value result = scatterLoops(
        rw, op.getLoc(), adaptor.getData(), adaptor.getUpdates(), ut.getShape(),
        op.getReduction(), isUnsignedElem(op.getData().getType()),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          SmallVector<Value> at;
          SmallVector<Value> tuple(ivs.take_front(q - 1));
          tuple.push_back(Value());
          for (int64_t j = 0; j < k; ++j) {
            tuple.back() = indexConst(b, l, j);
            at.push_back(checkedIndex(b, l, readIndex(b, l, indices, tuple),
                                      dt.getDimSize(j), "ScatterND"));
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
