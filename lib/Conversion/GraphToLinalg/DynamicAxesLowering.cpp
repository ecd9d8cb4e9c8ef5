//===- DynamicAxesLowering.cpp - ops with run-time axes or sizes ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A reduction (or CumSum) whose axes come as a tensor value (ONNX opset 13/18
// allow any graph value) has one of C(rank, k) possible meanings. Rather than a
// second, index-computing implementation of every reduction, the lowering
// builds each meaning with the static-axes op and picks one at run time: the
// axes become a bit mask (checked: in range, no repeats) that an
// scf.index_switch dispatches on. Ranks of models are small (C(4, 2) = 6
// cases), and each case is the ordinary reduction, so both forms compute
// exactly the same values. Squeeze and Unsqueeze with run-time axes dispatch
// the same way (their results have `?` dims); Split with run-time sizes needs
// no dispatch, only dynamic slice offsets.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Graph/GraphOps.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/bit.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Ranks above this have too many axes subsets to enumerate.
constexpr int64_t kMaxRank = 6;

/// The `k` run-time axes of `axes` (negative ones count back from `rank`) as
/// a bit mask, and whether they are all in range and distinct. Out-of-range
/// axes contribute bit 0, so the mask is always a valid shift.
std::pair<Value, Value> axesMask(OpBuilder &rw, Location loc, Value axes,
                                 int64_t k, int64_t rank) {
  Type i64 = rw.getI64Type();
  auto c = [&](int64_t v) { return scalarConst(rw, loc, i64, v); };
  Value mask = c(0);
  Value ok = arith::ConstantIntOp::create(rw, loc, 1, 1);
  for (int64_t i = 0; i < k; ++i) {
    Value a = tensor::ExtractOp::create(rw, loc, axes,
                                        ValueRange{indexConst(rw, loc, i)});
    auto [wrapped, inRange] = wrapAxis(rw, loc, a, rank);
    a = wrapped;
    a = arith::SelectOp::create(rw, loc, inRange, a, c(0));
    Value bit = arith::ShLIOp::create(rw, loc, c(1), a);
    Value fresh =
        arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::eq,
                              arith::AndIOp::create(rw, loc, mask, bit), c(0));
    ok = arith::AndIOp::create(rw, loc, ok,
                               arith::AndIOp::create(rw, loc, inRange, fresh));
    mask = arith::OrIOp::create(rw, loc, mask, bit);
  }
  return {mask, ok};
}

/// The dims whose bits `m` sets.
SmallVector<int64_t> dimsOf(int64_t m, int64_t rank) {
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < rank; ++d)
    if (m & (int64_t(1) << d))
      dims.push_back(d);
  return dims;
}

/// An scf.index_switch over the masks `subsets` (the first is the default)
/// whose case for mask m yields `build(m)` cast to `rt`; `ok` false picks the
/// default, so no case ever sees an invalid mask.
Value switchOnMask(ConversionPatternRewriter &rw, Location loc, Value mask,
                   Value ok, ArrayRef<int64_t> subsets, RankedTensorType rt,
                   function_ref<Value(int64_t)> build) {
  Value m = arith::SelectOp::create(
      rw, loc, ok, mask,
      scalarConst(rw, loc, rw.getI64Type(), subsets.front()));
  Value which = arith::IndexCastOp::create(rw, loc, rw.getIndexType(), m);
  auto sw = scf::IndexSwitchOp::create(
      rw, loc, TypeRange{rt}, which, subsets.drop_front(), subsets.size() - 1);
  auto fill = [&](Region &region, int64_t mk) {
    rw.setInsertionPointToStart(rw.createBlock(&region));
    Value r = build(mk);
    if (r.getType() != rt)
      r = tensor::CastOp::create(rw, loc, rt, r);
    scf::YieldOp::create(rw, loc, r);
  };
  fill(sw.getDefaultRegion(), subsets.front());
  for (auto [i, mk] : llvm::enumerate(subsets.drop_front()))
    fill(sw.getCaseRegions()[i], mk);
  rw.setInsertionPointAfter(sw);
  return sw.getResult(0);
}

/// Every mask of `k` bits out of `rank`.
SmallVector<int64_t> subsetsOf(int64_t k, int64_t rank) {
  SmallVector<int64_t> subsets;
  for (int64_t m = 0; m < (int64_t(1) << rank); ++m)
    if (llvm::popcount(uint64_t(m)) == k)
      subsets.push_back(m);
  return subsets;
}

template <typename OpT>
struct DynamicAxesReduceLowering : public OpConversionPattern<OpT> {
  DynamicAxesReduceLowering(TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern<OpT>(tc, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (!op.getDynamicAxes())
      return failure();
    Location loc = op.getLoc();
    auto it = cast<RankedTensorType>(op.getInput().getType());
    auto rt = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    // Run-time dims are fine: each case is a reduction over static axes
    // whose result (run-time dims kept) is cast to `rt`.
    if (this->getTypeConverter()->convertType(it) != it)
      return op.emitError("run-time axes are not supported for unsigned "
                          "element types");
    int64_t rank = it.getRank();
    int64_t k = cast<RankedTensorType>(op.getDynamicAxes().getType())
                    .getDimSize(0);
    if (rank > kMaxRank)
      return op.emitError("run-time axes are supported up to rank ")
             << kMaxRank;

    auto [mask, ok] = axesMask(rw, loc, adaptor.getDynamicAxes(), k, rank);
    cf::AssertOp::create(rw, loc, ok,
                         (op->getName().getStringRef() +
                          ": the axes are out of range or repeated")
                             .str());
    Value r = switchOnMask(
        rw, loc, mask, ok, subsetsOf(k, rank), rt, [&](int64_t m) -> Value {
          return OpT::create(rw, loc, op.getInput(), dimsOf(m, rank),
                             op.getKeepdims());
        });
    rw.replaceOp(op, r);
    return success();
  }
};

/// CumSum along an axis given at run time: one case per axis.
struct DynamicAxisCumSumLowering : public OpConversionPattern<tg::CumSumOp> {
  DynamicAxisCumSumLowering(TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(tg::CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (!op.getDynamicAxis())
      return failure();
    Location loc = op.getLoc();
    auto it = cast<RankedTensorType>(op.getInput().getType());
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    if (getTypeConverter()->convertType(it) != it)
      return op.emitError("a run-time axis is not supported for unsigned "
                          "element types");
    int64_t rank = it.getRank();
    Value axisT = adaptor.getDynamicAxis();
    auto at = cast<RankedTensorType>(axisT.getType());
    Value a = tensor::ExtractOp::create(
        rw, loc, axisT,
        SmallVector<Value>(at.getRank(), indexConst(rw, loc, 0)));
    a = arith::IndexCastOp::create(rw, loc, rw.getIndexType(), a);
    Value zero = indexConst(rw, loc, 0), n = indexConst(rw, loc, rank);
    Value neg = arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::slt, a, zero);
    a = arith::SelectOp::create(rw, loc, neg,
                                arith::AddIOp::create(rw, loc, a, n), a);
    Value ok = arith::AndIOp::create(
        rw, loc,
        arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::sge, a, zero),
        arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::slt, a, n));
    cf::AssertOp::create(rw, loc, ok, "tg.cumsum: the axis is out of range");
    a = arith::SelectOp::create(rw, loc, ok, a, zero);
    SmallVector<int64_t> cases;
    for (int64_t d = 1; d < rank; ++d)
      cases.push_back(d);
    auto sw = scf::IndexSwitchOp::create(rw, loc, TypeRange{rt}, a, cases,
                                         cases.size());
    auto fill = [&](Region &region, int64_t axis) {
      rw.setInsertionPointToStart(rw.createBlock(&region));
      Value r = tg::CumSumOp::create(rw, loc, op.getInput(), Value(), axis,
                                     op.getExclusive(), op.getReverse());
      scf::YieldOp::create(rw, loc, r);
    };
    fill(sw.getDefaultRegion(), 0);
    for (auto [i, d] : llvm::enumerate(cases))
      fill(sw.getCaseRegions()[i], d);
    rw.setInsertionPointAfter(sw);
    rw.replaceOp(op, sw.getResults());
    return success();
  }
};

/// Squeeze with run-time axes: the valid masks are the k-subsets of the
/// size-1 dims; anything else fails the run. The cases squeeze the converted
/// input, so unsigned element types work too.
struct DynamicAxesSqueezeLowering : public OpConversionPattern<tg::SqueezeOp> {
  DynamicAxesSqueezeLowering(TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(tg::SqueezeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (!op.getDynamicAxes())
      return failure();
    Location loc = op.getLoc();
    auto it = cast<RankedTensorType>(op.getInput().getType());
    auto rt =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    if (failed(requireStatic(rw, op, it)))
      return failure();
    int64_t rank = it.getRank(), k = rank - rt.getRank();
    if (rank > kMaxRank)
      return op.emitError("run-time axes are supported up to rank ")
             << kMaxRank;
    SmallVector<int64_t> valid;
    for (int64_t m : subsetsOf(k, rank))
      if (llvm::all_of(dimsOf(m, rank),
                       [&](int64_t d) { return it.getDimSize(d) == 1; }))
        valid.push_back(m);
    if (valid.empty())
      return op.emitError("the input has fewer than ")
             << k << " dims of size 1";
    auto [mask, ok] = axesMask(rw, loc, adaptor.getDynamicAxes(), k, rank);
    Value isValid = arith::ConstantIntOp::create(rw, loc, 0, 1);
    for (int64_t m : valid)
      isValid = arith::OrIOp::create(
          rw, loc, isValid,
          arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::eq, mask,
                                scalarConst(rw, loc, rw.getI64Type(), m)));
    ok = arith::AndIOp::create(rw, loc, ok, isValid);
    cf::AssertOp::create(rw, loc, ok,
                         "tg.squeeze: the axes are out of range, repeated or "
                         "name dims that are not 1");
    rw.replaceOp(
        op, switchOnMask(rw, loc, mask, ok, valid, rt, [&](int64_t m) -> Value {
          return tg::SqueezeOp::create(rw, loc, adaptor.getInput(), Value(),
                                       dimsOf(m, rank));
        }));
    return success();
  }
};

/// Unsqueeze with run-time axes: one case per k-subset of the result dims.
struct DynamicAxesUnsqueezeLowering
    : public OpConversionPattern<tg::UnsqueezeOp> {
  DynamicAxesUnsqueezeLowering(TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(tg::UnsqueezeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (!op.getDynamicAxes())
      return failure();
    Location loc = op.getLoc();
    auto it = cast<RankedTensorType>(op.getInput().getType());
    auto rt =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = rt.getRank(), k = rank - it.getRank();
    if (rank > kMaxRank)
      return op.emitError("run-time axes are supported up to result rank ")
             << kMaxRank;
    auto [mask, ok] = axesMask(rw, loc, adaptor.getDynamicAxes(), k, rank);
    cf::AssertOp::create(rw, loc, ok,
                         "tg.unsqueeze: the axes are out of range or repeated");
    rw.replaceOp(op, switchOnMask(rw, loc, mask, ok, subsetsOf(k, rank), rt,
                                  [&](int64_t m) -> Value {
                                    return tg::UnsqueezeOp::create(
                                        rw, loc, adaptor.getInput(), Value(),
                                        dimsOf(m, rank));
                                  }));
    return success();
  }
};

/// Split with run-time sizes: slices at the running sum of the sizes, which
/// must be non-negative and add up to the axis dim (else the run fails and
/// the slices are taken as all-then-empty, staying in bounds).
struct DynamicSizesSplitLowering : public OpConversionPattern<tg::SplitOp> {
  DynamicSizesSplitLowering(TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(tg::SplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (!op.getDynamicSizes())
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getInput();
    auto it = cast<RankedTensorType>(in.getType());
    if (failed(requireStatic(rw, op, it)))
      return failure();
    int64_t axis = op.getAxis(), n = op.getNumResults();
    Type idxT = rw.getIndexType();
    SmallVector<Value> sizes;
    Value total = indexConst(rw, loc, 0);
    Value ok = arith::ConstantIntOp::create(rw, loc, 1, 1);
    for (int64_t i = 0; i < n; ++i) {
      Value s = tensor::ExtractOp::create(rw, loc, adaptor.getDynamicSizes(),
                                          ValueRange{indexConst(rw, loc, i)});
      s = arith::IndexCastOp::create(rw, loc, idxT, s);
      ok = arith::AndIOp::create(
          rw, loc, ok,
          arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::sge, s,
                                indexConst(rw, loc, 0)));
      total = arith::AddIOp::create(rw, loc, total, s);
      sizes.push_back(s);
    }
    Value dim = indexConst(rw, loc, it.getDimSize(axis));
    ok = arith::AndIOp::create(
        rw, loc, ok,
        arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::eq, total, dim));
    cf::AssertOp::create(rw, loc, ok,
                         "tg.split: the sizes are negative or do not add up "
                         "to the axis dim");
    SmallVector<Value> results;
    Value offset = indexConst(rw, loc, 0);
    for (int64_t i = 0; i < n; ++i) {
      Value safe = i == 0 ? dim : indexConst(rw, loc, 0);
      Value size = arith::SelectOp::create(rw, loc, ok, sizes[i], safe);
      SmallVector<OpFoldResult> offs(it.getRank(), rw.getIndexAttr(0)), szs,
          strides(it.getRank(), rw.getIndexAttr(1));
      for (int64_t d = 0; d < it.getRank(); ++d)
        szs.push_back(rw.getIndexAttr(it.getDimSize(d)));
      offs[axis] = offset;
      szs[axis] = size;
      auto rt = cast<RankedTensorType>(
          getTypeConverter()->convertType(op.getResult(i).getType()));
      results.push_back(
          tensor::ExtractSliceOp::create(rw, loc, rt, in, offs, szs, strides));
      offset = arith::AddIOp::create(rw, loc, offset, size);
    }
    rw.replaceOp(op, results);
    return success();
  }
};

} // namespace

void mlir::tangram::populateDynamicAxesLowering(TGTypeConverter &tc,
                                                RewritePatternSet &p) {
  p.add<DynamicAxesReduceLowering<tg::ReduceSumOp>,
        DynamicAxesReduceLowering<tg::ReduceMeanOp>,
        DynamicAxesReduceLowering<tg::ReduceMaxOp>,
        DynamicAxesReduceLowering<tg::ReduceMinOp>,
        DynamicAxesReduceLowering<tg::ReduceProdOp>,
        DynamicAxesReduceLowering<tg::ReduceL1Op>,
        DynamicAxesReduceLowering<tg::ReduceL2Op>,
        DynamicAxesReduceLowering<tg::ReduceSumSquareOp>,
        DynamicAxesReduceLowering<tg::ReduceLogSumOp>,
        DynamicAxesReduceLowering<tg::ReduceLogSumExpOp>,
        DynamicAxisCumSumLowering, DynamicAxesSqueezeLowering,
        DynamicAxesUnsqueezeLowering, DynamicSizesSplitLowering>(
      tc, p.getContext());
}
