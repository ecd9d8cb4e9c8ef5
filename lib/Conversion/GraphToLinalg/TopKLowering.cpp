//===- TopKLowering.cpp - tg.topk as ranks and a scatter ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// TopK without a sort: the rank of each element along the axis is how many
// elements beat it (larger, or equal with a smaller index; smaller for
// `largest = false`), a contraction-shaped generic. Elements of rank < k go
// to output position `rank`, which gives ONNX's order: sorted, and ties in
// index order. O(n^2) compares per slice, which is fine for the sizes TopK
// sees (class scores, detections) and keeps it one linalg op plus loops.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Graph/GraphOps.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

struct TopKLowering : public OpConversionPattern<tg::TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    auto vt = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getValues().getType()));
    auto idxT = cast<RankedTensorType>(op.getIndices().getType());
    int64_t rank = it.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    Value in = adaptor.getInput();
    Type i64 = rw.getI64Type();
    // n, the axis length, and k (read at run time when it is not a
    // constant: the results' axis dim is then dynamic). k must be in
    // [0, n]; the importer checked constants against a static n.
    Value n = arith::IndexCastOp::create(rw, loc, i64, dimOf(rw, loc, in, axis));
    Value kI64;
    if (vt.isDynamicDim(axis))
      kI64 = tensor::ExtractOp::create(
          rw, loc, adaptor.getK(),
          SmallVector<Value>(cast<RankedTensorType>(adaptor.getK().getType())
                                 .getRank(),
                             indexConst(rw, loc, 0)));
    else
      kI64 = scalarConst(rw, loc, i64, vt.getDimSize(axis));
    if (vt.isDynamicDim(axis) || it.isDynamicDim(axis)) {
      Value inRange = arith::AndIOp::create(
          rw, loc,
          arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::sge, kI64,
                                scalarConst(rw, loc, i64, 0)),
          arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::sle, kI64, n));
      cf::AssertOp::create(
          rw, loc, inRange,
          it.isDynamicDim(axis)
              ? std::string("TopK: k is not in [0, the axis length]")
              : "TopK: k is not in [0, " + std::to_string(it.getDimSize(axis)) +
                    "]");
      kI64 = arith::MaxSIOp::create(
          rw, loc, arith::MinSIOp::create(rw, loc, kI64, n),
          scalarConst(rw, loc, i64, 0));
    }
    // The results' run-time dims: k along the axis, the input's elsewhere.
    SmallVector<Value> dynK;
    for (int64_t d = 0; d < rank; ++d)
      if (vt.isDynamicDim(d))
        dynK.push_back(d == axis ? (Value)arith::IndexCastOp::create(
                                       rw, loc, rw.getIndexType(), kI64)
                                 : dimOf(rw, loc, in, d));
    Value x = adaptor.getInput();
    Type elem = it.getElementType();
    bool largest = op.getLargest(), isFloat = isa<FloatType>(elem);
    bool isUnsigned = isUnsignedElem(op.getInput().getType());

    // ranks[..., i, ...] = #{j : x[..., j, ...] beats x[..., i, ...]}.
    MLIRContext *ctx = rw.getContext();
    SmallVector<AffineExpr> self, other;
    for (int64_t d = 0; d < rank; ++d) {
      self.push_back(getAffineDimExpr(d, ctx));
      other.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    }
    SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, self, ctx),
                                AffineMap::get(rank + 1, 0, other, ctx),
                                AffineMap::get(rank + 1, 0, self, ctx)};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    auto rankType = RankedTensorType::get(it.getShape(), rw.getI64Type());
    Value zero = scalarConst(rw, loc, rw.getI64Type(), 0);
    Value init = linalg::FillOp::create(rw, loc, zero,
                                        emptyLike(rw, loc, x, rw.getI64Type()))
                     .getResult(0);
    Value ranks =
        linalg::GenericOp::create(
            rw, loc, TypeRange{rankType}, ValueRange{x, x}, ValueRange{init},
            maps, iters,
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value xi = a[0], xj = a[1];
              Value beats;
              if (isFloat)
                beats = arith::CmpFOp::create(
                    b, l,
                    largest ? arith::CmpFPredicate::OGT
                            : arith::CmpFPredicate::OLT,
                    xj, xi);
              else
                beats = arith::CmpIOp::create(
                    b, l,
                    largest ? (isUnsigned ? arith::CmpIPredicate::ugt
                                          : arith::CmpIPredicate::sgt)
                            : (isUnsigned ? arith::CmpIPredicate::ult
                                          : arith::CmpIPredicate::slt),
                    xj, xi);
              Value equal =
                  isFloat ? (Value)arith::CmpFOp::create(
                                b, l, arith::CmpFPredicate::OEQ, xj, xi)
                          : (Value)arith::CmpIOp::create(
                                b, l, arith::CmpIPredicate::eq, xj, xi);
              Value before = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::ult,
                  linalg::IndexOp::create(b, l, rank),
                  linalg::IndexOp::create(b, l, axis));
              Value counts = arith::OrIOp::create(
                  b, l, beats, arith::AndIOp::create(b, l, equal, before));
              Value one = arith::ExtUIOp::create(b, l, b.getI64Type(), counts);
              linalg::YieldOp::create(b, l,
                                      arith::AddIOp::create(b, l, a[2], one)
                                          .getResult());
            })
            .getResult(0);

    // Place the winners: loops over the input carrying both results.
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t d = 0; d < rank; ++d) {
      lbs.push_back(indexConst(rw, loc, 0));
      ubs.push_back(dimOf(rw, loc, x, d));
      steps.push_back(indexConst(rw, loc, 1));
    }
    Value values = emptyTensor(rw, loc, vt, dynK);
    Value indices = emptyTensor(rw, loc, idxT, dynK);
    scf::LoopNest nest = scf::buildLoopNest(
        rw, loc, lbs, ubs, steps, ValueRange{values, indices},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange acc) -> scf::ValueVector {
          Value r = tensor::ExtractOp::create(b, l, ranks, ivs);
          Value wins =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, r, kI64);
          auto ifOp = scf::IfOp::create(
              b, l, wins,
              [&](OpBuilder &tb, Location tl) {
                SmallVector<Value> at(ivs);
                at[axis] =
                    arith::IndexCastOp::create(tb, tl, tb.getIndexType(), r);
                Value v = tensor::ExtractOp::create(tb, tl, x, ivs);
                Value i = arith::IndexCastOp::create(tb, tl, tb.getI64Type(),
                                                     ivs[axis]);
                scf::YieldOp::create(
                    tb, tl,
                    ValueRange{tensor::InsertOp::create(tb, tl, v, acc[0], at),
                               tensor::InsertOp::create(tb, tl, i, acc[1], at)});
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, acc);
              });
          return {ifOp.getResult(0), ifOp.getResult(1)};
        });
    rw.replaceOp(op, nest.results);
    return success();
  }
};

} // namespace

void mlir::tangram::populateTopKLowering(TGTypeConverter &tc,
                                         RewritePatternSet &p) {
  p.add<TopKLowering>(tc, p.getContext());
}
