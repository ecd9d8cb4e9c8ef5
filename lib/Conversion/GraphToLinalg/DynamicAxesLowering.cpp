//===- DynamicAxesLowering.cpp - reductions over run-time axes ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A reduction (or CumSum) whose axes come as a tensor value (ONNX opset 13/18 allow any
// graph value) has one of C(rank, k) possible meanings. Rather than a second,
// index-computing implementation of every reduction, the lowering builds each
// meaning with the static-axes op and picks one at run time: the axes become
// a bit mask (checked: in range, no repeats) that an scf.index_switch
// dispatches on. Ranks of models are small (C(4, 2) = 6 cases), and each case
// is the ordinary reduction, so both forms compute exactly the same values.
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
    if (failed(requireStatic(rw, op, it)))
      return failure();
    if (this->getTypeConverter()->convertType(it) != it)
      return op.emitError("run-time axes are not supported for unsigned "
                          "element types");
    int64_t rank = it.getRank();
    int64_t k = cast<RankedTensorType>(op.getDynamicAxes().getType())
                    .getDimSize(0);
    if (rank > kMaxRank)
      return op.emitError("run-time axes are supported up to rank ")
             << kMaxRank;

    // The axes as a bit mask, checked.
    Type i64 = rw.getI64Type();
    auto c = [&](int64_t v) { return scalarConst(rw, loc, i64, v); };
    Value axes = adaptor.getDynamicAxes();
    Value mask = c(0);
    Value ok = arith::ConstantIntOp::create(rw, loc, 1, 1);
    for (int64_t i = 0; i < k; ++i) {
      Value a = tensor::ExtractOp::create(rw, loc, axes,
                                          ValueRange{indexConst(rw, loc, i)});
      Value neg = arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::slt, a,
                                        c(0));
      a = arith::SelectOp::create(
          rw, loc, neg, arith::AddIOp::create(rw, loc, a, c(rank)), a);
      Value inRange = arith::AndIOp::create(
          rw, loc,
          arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::sge, a, c(0)),
          arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::slt, a,
                                c(rank)));
      a = arith::SelectOp::create(rw, loc, inRange, a, c(0));
      Value bit = arith::ShLIOp::create(rw, loc, c(1), a);
      Value fresh = arith::CmpIOp::create(
          rw, loc, arith::CmpIPredicate::eq,
          arith::AndIOp::create(rw, loc, mask, bit), c(0));
      ok = arith::AndIOp::create(
          rw, loc, ok, arith::AndIOp::create(rw, loc, inRange, fresh));
      mask = arith::OrIOp::create(rw, loc, mask, bit);
    }
    cf::AssertOp::create(rw, loc, ok,
                         (op->getName().getStringRef() +
                          ": the axes are out of range or repeated")
                             .str());
    // Every subset of k dims, as masks; an invalid mask takes the first.
    SmallVector<int64_t> subsets;
    for (int64_t m = 0; m < (int64_t(1) << rank); ++m)
      if (llvm::popcount(uint64_t(m)) == k)
        subsets.push_back(m);
    mask = arith::SelectOp::create(rw, loc, ok, mask, c(subsets.front()));
    Value which = arith::IndexCastOp::create(rw, loc, rw.getIndexType(), mask);
    auto sw = scf::IndexSwitchOp::create(
        rw, loc, TypeRange{rt}, which,
        ArrayRef<int64_t>(subsets).drop_front(), subsets.size() - 1);
    auto fill = [&](Region &region, int64_t m) {
      Block *block = rw.createBlock(&region);
      rw.setInsertionPointToStart(block);
      SmallVector<int64_t> dims;
      for (int64_t d = 0; d < rank; ++d)
        if (m & (int64_t(1) << d))
          dims.push_back(d);
      Value r = OpT::create(rw, loc, op.getInput(), dims, op.getKeepdims());
      Value cast = tensor::CastOp::create(rw, loc, rt, r);
      scf::YieldOp::create(rw, loc, cast);
    };
    fill(sw.getDefaultRegion(), subsets.front());
    for (auto [i, m] : llvm::enumerate(ArrayRef<int64_t>(subsets).drop_front()))
      fill(sw.getCaseRegions()[i], m);
    rw.setInsertionPointAfter(sw);
    rw.replaceOp(op, sw.getResults());
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
        DynamicAxisCumSumLowering>(tc, p.getContext());
}
