//===- ControlFlowLowering.cpp - tg.if / tg.loop to scf -------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tg.if becomes scf.if on the extracted condition, its regions moved over.
// tg.loop becomes an scf.while carrying the iteration number, the
// condition, the carried tensors and one accumulator per scan output: the
// `before` region tests `i < max_trip_count && cond`, the `after` region is
// the body (its tensor arguments rebuilt from the scalars). A scan
// accumulator grows by doubling, so neither the trip count nor the scan
// values' dims must be known in advance; every iteration's scan value must
// have the dims of the first (checked), and the results are the first n
// rows, n the number of iterations run.
//
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"
#include "LoweringUtils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The one element of a 0-D or one-element tensor.
Value scalarOf(OpBuilder &b, Location l, Value t) {
  auto tt = cast<RankedTensorType>(t.getType());
  SmallVector<Value> at(tt.getRank(), indexConst(b, l, 0));
  return tensor::ExtractOp::create(b, l, t, at);
}

/// `v` cast to `t` when their static dims differ.
Value castTo(OpBuilder &b, Location l, Value v, Type t) {
  return v.getType() == t ? v : (Value)tensor::CastOp::create(b, l, t, v);
}

/// tg.yield inside an scf.if: scf.yield of the values cast to its results.
struct YieldInIfLowering : public OpConversionPattern<tg::YieldOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(tg::YieldOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    auto parent = dyn_cast<scf::IfOp>(op->getParentOp());
    if (!parent)
      return failure();
    SmallVector<Value> vals;
    for (auto [v, t] : llvm::zip(adaptor.getValues(), parent.getResultTypes()))
      vals.push_back(castTo(rw, op.getLoc(), v, t));
    rw.replaceOpWithNewOp<scf::YieldOp>(op, vals);
    return success();
  }
};

struct IfLowering : public OpConversionPattern<tg::IfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(tg::IfOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op.getResultTypes(), types)))
      return failure();
    Location l = op.getLoc();
    Value cond = scalarOf(rw, l, adaptor.getCond());
    auto ifOp = scf::IfOp::create(rw, l, types, cond, /*addThenBlock=*/false,
                                  /*addElseBlock=*/false);
    rw.inlineRegionBefore(op.getThenRegion(), ifOp.getThenRegion(),
                          ifOp.getThenRegion().end());
    rw.inlineRegionBefore(op.getElseRegion(), ifOp.getElseRegion(),
                          ifOp.getElseRegion().end());
    rw.replaceOp(op, ifOp.getResults());
    return success();
  }
};

/// Appends `s` as row `i` of the scan accumulator `acc` (growing it by
/// doubling when full) and returns the new accumulator.
Value appendRow(OpBuilder &b, Location l, Value acc, Value s, Value i) {
  auto at = cast<RankedTensorType>(acc.getType());
  auto st = cast<RankedTensorType>(s.getType());
  int64_t r = st.getRank();
  SmallVector<Value> dims; // the scan value's dims
  for (int64_t d = 0; d < r; ++d)
    dims.push_back(tensor::DimOp::create(b, l, s, d));
  Value cap = tensor::DimOp::create(b, l, acc, 0);
  Value full = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, i, cap);
  auto grow = scf::IfOp::create(
      b, l, full,
      [&](OpBuilder &bb, Location ll) {
        Value twice = arith::MulIOp::create(bb, ll, cap, indexConst(bb, ll, 2));
        Value newCap =
            arith::MaxSIOp::create(bb, ll, twice, indexConst(bb, ll, 4));
        SmallVector<Value> sizes = {newCap};
        sizes.append(dims);
        SmallVector<Value> dyn;
        for (auto [d, v] : llvm::enumerate(sizes))
          if (at.isDynamicDim(d))
            dyn.push_back(v);
        Value fresh = tensor::EmptyOp::create(bb, ll, at.getShape(),
                                              at.getElementType(), dyn);
        // The rows so far (none when i == 0, whatever acc's dims).
        SmallVector<OpFoldResult> offs(r + 1, bb.getIndexAttr(0)),
            strides(r + 1, bb.getIndexAttr(1)), szs = {i};
        for (int64_t d = 0; d < r; ++d)
          szs.push_back(OpFoldResult(
              tensor::DimOp::create(bb, ll, acc, d + 1).getResult()));
        Value prefix =
            tensor::ExtractSliceOp::create(bb, ll, acc, offs, szs, strides);
        Value copied = tensor::InsertSliceOp::create(bb, ll, prefix, fresh,
                                                     offs, szs, strides);
        scf::YieldOp::create(bb, ll, castTo(bb, ll, copied, at));
      },
      [&](OpBuilder &bb, Location ll) { scf::YieldOp::create(bb, ll, acc); });
  acc = grow.getResult(0);
  // Every scan value has the dims of the first.
  Value same = arith::ConstantIntOp::create(b, l, 1, 1);
  for (int64_t d = 0; d < r; ++d)
    same = arith::AndIOp::create(
        b, l, same,
        arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, dims[d],
                              tensor::DimOp::create(b, l, acc, d + 1)));
  cf::AssertOp::create(b, l, same,
                       "tg.loop: a scan output changes shape between "
                       "iterations");
  SmallVector<OpFoldResult> offs = {i}, szs = {b.getIndexAttr(1)},
                            strides(r + 1, b.getIndexAttr(1));
  for (int64_t d = 0; d < r; ++d) {
    offs.push_back(b.getIndexAttr(0));
    // Sizes from the accumulator: equal to the value's when the check
    // holds, and in bounds when it does not.
    szs.push_back(
        OpFoldResult(tensor::DimOp::create(b, l, acc, d + 1).getResult()));
  }
  Value row = castTo(
      b, l, s,
      RankedTensorType::get(SmallVector<int64_t>(r, ShapedType::kDynamic),
                            st.getElementType()));
  // The value in the accumulator's row shape.
  SmallVector<OpFoldResult> rowOffs(r, b.getIndexAttr(0)),
      rowSzs(szs.begin() + 1, szs.end()), rowStrides(r, b.getIndexAttr(1));
  row = tensor::ExtractSliceOp::create(b, l, row, rowOffs, rowSzs, rowStrides);
  return tensor::InsertSliceOp::create(b, l, row, acc, offs, szs, strides);
}

struct LoopLowering : public OpConversionPattern<tg::LoopOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(tg::LoopOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    Location l = op.getLoc();
    const TypeConverter &tc = *getTypeConverter();
    unsigned nCarried = adaptor.getInits().size(), nScan = op.getNumScans();
    Value maxTrip = scalarOf(rw, l, adaptor.getMaxTripCount());
    Value cond0 = scalarOf(rw, l, adaptor.getCond());
    SmallVector<Value> inits = {indexConst(rw, l, 0), cond0};
    SmallVector<Type> types = {rw.getIndexType(), rw.getI1Type()};
    // Carried values have the body's argument types (maybe more general).
    for (auto [v, arg] : llvm::zip(adaptor.getInits(),
                                   op.getBody().getArguments().drop_front(2))) {
      Type t = tc.convertType(arg.getType());
      if (!t)
        return failure();
      inits.push_back(castTo(rw, l, v, t));
      types.push_back(t);
    }
    SmallVector<RankedTensorType> accTypes;
    for (Value r : op.getResults().drop_front(nCarried)) {
      // The stacked type: dims not known statically start at 0 and are
      // sized by the first scan value.
      auto acc = cast<RankedTensorType>(tc.convertType(r.getType()));
      accTypes.push_back(acc);
      inits.push_back(tensor::EmptyOp::create(
          rw, l, acc.getShape(), acc.getElementType(),
          SmallVector<Value>(acc.getNumDynamicDims(), indexConst(rw, l, 0))));
      types.push_back(acc);
    }
    auto loop = scf::WhileOp::create(rw, l, types, inits);
    // before: i < max_trip_count && cond.
    Block *before = rw.createBlock(&loop.getBefore(), {}, types,
                                   SmallVector<Location>(types.size(), l));
    Value i64 = arith::IndexCastOp::create(rw, l, rw.getI64Type(),
                                           before->getArgument(0));
    Value go = arith::AndIOp::create(
        rw, l,
        arith::CmpIOp::create(rw, l, arith::CmpIPredicate::slt, i64, maxTrip),
        before->getArgument(1));
    scf::ConditionOp::create(rw, l, go, before->getArguments());
    // after: the body on tensors rebuilt from the carried scalars.
    Block *after = rw.createBlock(&loop.getAfter(), {}, types,
                                  SmallVector<Location>(types.size(), l));
    Value iter = after->getArgument(0);
    Value iterT = tensor::FromElementsOp::create(
        rw, l, RankedTensorType::get({}, rw.getI64Type()),
        ValueRange{arith::IndexCastOp::create(rw, l, rw.getI64Type(), iter)});
    Value condT = tensor::FromElementsOp::create(
        rw, l, RankedTensorType::get({}, rw.getI1Type()),
        ValueRange{after->getArgument(1)});
    SmallVector<Value> bodyArgs = {iterT, condT};
    for (unsigned k = 0; k < nCarried; ++k)
      bodyArgs.push_back(after->getArgument(2 + k));
    Block &body = op.getBody().front();
    auto yield = cast<tg::YieldOp>(body.getTerminator());
    rw.mergeBlocks(&body, after, bodyArgs);
    rw.setInsertionPoint(yield);
    SmallVector<Value> next = {
        arith::AddIOp::create(rw, l, iter, indexConst(rw, l, 1)),
        scalarOf(rw, l, yield.getValues()[0])};
    for (unsigned k = 0; k < nCarried; ++k)
      next.push_back(castTo(rw, l, yield.getValues()[1 + k], types[2 + k]));
    for (unsigned k = 0; k < nScan; ++k)
      next.push_back(appendRow(rw, l, after->getArgument(2 + nCarried + k),
                               yield.getValues()[1 + nCarried + k], iter));
    rw.replaceOpWithNewOp<scf::YieldOp>(yield, next);
    // Results: the carried values and the first n rows of each scan.
    rw.setInsertionPointAfter(loop);
    SmallVector<Value> results;
    for (unsigned k = 0; k < nCarried; ++k)
      results.push_back(loop.getResult(2 + k));
    Value n = loop.getResult(0);
    for (unsigned k = 0; k < nScan; ++k) {
      Value acc = loop.getResult(2 + nCarried + k);
      int64_t r = accTypes[k].getRank();
      SmallVector<OpFoldResult> offs(r, rw.getIndexAttr(0)),
          szs = {n}, strides(r, rw.getIndexAttr(1));
      for (int64_t d = 1; d < r; ++d)
        szs.push_back(
            OpFoldResult(tensor::DimOp::create(rw, l, acc, d).getResult()));
      Value rows =
          tensor::ExtractSliceOp::create(rw, l, acc, offs, szs, strides);
      results.push_back(castTo(
          rw, l, rows, tc.convertType(op.getResult(nCarried + k).getType())));
    }
    rw.replaceOp(op, results);
    return success();
  }
};

} // namespace

void mlir::tangram::populateControlFlowLowering(TGTypeConverter &tc,
                                                RewritePatternSet &p) {
  p.add<IfLowering, YieldInIfLowering, LoopLowering>(tc, p.getContext());
}
