//===- DataDependentLowering.cpp - results sized by tensor values ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// NonZero and Compress: how many elements the result has depends on the
// input's values. Both count first (a reduction), allocate the result at
// that run-time size, then fill it in one sequential pass (scf.for carrying
// the result and the next write position), so nothing is over-allocated.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// `x != 0` for a scalar of any element type.
Value isNonZero(OpBuilder &b, Location l, Value x) {
  if (isa<FloatType>(x.getType()))
    return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNE, x,
                                 scalarConst(b, l, x.getType(), 0));
  return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, x,
                               scalarConst(b, l, x.getType(), 0));
}

/// The number of elements of `t` for which `pred` holds, as an index.
Value countWhere(OpBuilder &b, Location loc, Value t,
                 function_ref<Value(OpBuilder &, Location, Value)> pred) {
  auto tt = cast<RankedTensorType>(t.getType());
  Type i64 = b.getI64Type();
  auto st = RankedTensorType::get({}, i64);
  Value init = linalg::FillOp::create(b, loc, scalarConst(b, loc, i64, 0),
                                      emptyTensor(b, loc, st, {}))
                   .getResult(0);
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(tt.getRank()),
                              AffineMap::get(tt.getRank(), 0, ctx)};
  SmallVector<utils::IteratorType> iters(tt.getRank(),
                                         utils::IteratorType::reduction);
  Value sum = linalg::GenericOp::create(
                  b, loc, TypeRange{st}, ValueRange{t}, ValueRange{init}, maps,
                  iters,
                  [&](OpBuilder &nb, Location l, ValueRange a) {
                    Value one = arith::ExtUIOp::create(nb, l, i64,
                                                       pred(nb, l, a[0]));
                    linalg::YieldOp::create(
                        nb, l, arith::AddIOp::create(nb, l, a[1], one).getResult());
                  })
                  .getResult(0);
  Value n = tensor::ExtractOp::create(b, loc, sum, ValueRange{});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), n);
}

/// One step of a fill pass carrying (result, next position): when `keep`,
/// `write(result, position)` stores there and the position advances;
/// otherwise both pass through.
ValueRange appendIf(OpBuilder &b, Location l, Value keep, ValueRange iter,
                    function_ref<Value(OpBuilder &, Location, Value, Value)> write) {
  return scf::IfOp::create(
             b, l, keep,
             [&](OpBuilder &tb, Location tl) {
               Value o = write(tb, tl, iter[0], iter[1]);
               Value next = arith::AddIOp::create(tb, tl, iter[1],
                                                  indexConst(tb, tl, 1));
               scf::YieldOp::create(tb, tl, ValueRange{o, next});
             },
             [&](OpBuilder &eb, Location el) {
               scf::YieldOp::create(eb, el, iter);
             })
      .getResults();
}

/// NonZero: [rank, count] i64 indices of the non-zero elements, in row-major
/// order (numpy.nonzero stacked).
struct NonZeroLowering : public OpConversionPattern<tg::NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::NonZeroOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto xt = cast<RankedTensorType>(x.getType());
    int64_t r = xt.getRank();
    if (r == 0)
      return op.emitError("lowering needs an input of rank >= 1");
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value count = countWhere(rw, loc, x, isNonZero);
    Value out = emptyTensor(rw, loc, rt,
                            rt.isDynamicDim(1) ? ValueRange{count} : ValueRange{});
    Value zero = indexConst(rw, loc, 0), one = indexConst(rw, loc, 1);
    // Nested loops over x's dims carry (out, pos); the innermost writes the
    // indices of a non-zero element into column pos.
    SmallVector<Value> ivs;
    std::function<SmallVector<Value>(OpBuilder &, Location, int64_t,
                                     ValueRange)>
        nest = [&](OpBuilder &b, Location l, int64_t d,
                   ValueRange carried) -> SmallVector<Value> {
      auto loop = scf::ForOp::create(
          b, l, zero, dimOf(b, l, x, d), one, carried,
          [&](OpBuilder &nb, Location nl, Value iv, ValueRange iter) {
            ivs.push_back(iv);
            SmallVector<Value> next;
            if (d + 1 < r) {
              next = nest(nb, nl, d + 1, iter);
            } else {
              Value nz = isNonZero(nb, nl, tensor::ExtractOp::create(nb, nl, x, ivs));
              next = SmallVector<Value>(appendIf(
                  nb, nl, nz, iter,
                  [&](OpBuilder &tb, Location tl, Value o, Value pos) {
                    for (int64_t k = 0; k < r; ++k)
                      o = tensor::InsertOp::create(
                          tb, tl,
                          arith::IndexCastOp::create(tb, tl, tb.getI64Type(),
                                                     ivs[k]),
                          o, ValueRange{indexConst(tb, tl, k), pos});
                    return o;
                  }));
            }
            ivs.pop_back();
            scf::YieldOp::create(nb, nl, next);
          });
      return SmallVector<Value>(loop.getResults());
    };
    SmallVector<Value> done = nest(rw, loc, 0, ValueRange{out, zero});
    rw.replaceOp(op, done[0]);
    return success();
  }
};

/// Compress: the slices along `axis` whose condition entry is true (entries
/// past the condition's length are dropped); without an axis, of the
/// flattened input.
struct CompressLowering : public OpConversionPattern<tg::CompressOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::CompressOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), cond = adaptor.getCondition();
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto xt = cast<RankedTensorType>(x.getType());
    int64_t axis = 0;
    if (op.getAxis()) {
      axis = *op.getAxis();
      if (axis < 0)
        axis += xt.getRank();
    } else if (xt.getRank() != 1) {
      SmallVector<int64_t> flat{
          xt.hasStaticShape() ? xt.getNumElements() : ShapedType::kDynamic};
      SmallVector<ReassociationIndices> all(1);
      for (int64_t i = 0; i < xt.getRank(); ++i)
        all[0].push_back(i);
      x = tensor::CollapseShapeOp::create(
          rw, loc, RankedTensorType::get(flat, xt.getElementType()), x, all);
      xt = cast<RankedTensorType>(x.getType());
    }
    Value zero = indexConst(rw, loc, 0), one = indexConst(rw, loc, 1);
    // Only the first min(len(condition), dim) entries count.
    Value len = arith::MinUIOp::create(rw, loc, dimOf(rw, loc, cond, 0),
                                       dimOf(rw, loc, x, axis));
    Value head = tensor::ExtractSliceOp::create(
        rw, loc, cond, ArrayRef<OpFoldResult>{rw.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{len}, ArrayRef<OpFoldResult>{rw.getIndexAttr(1)});
    Value count = countWhere(rw, loc, head, [](OpBuilder &, Location, Value c) {
      return c;
    });
    SmallVector<Value> dyn = dynSizesOf(rt, [&](int64_t d) {
      return d == axis ? count : dimOf(rw, loc, x, d);
    });
    Value out = emptyTensor(rw, loc, rt, dyn);
    // One slice of x (or out) at `i` along the axis.
    int64_t r = xt.getRank();
    auto sliceAt = [&](OpBuilder &b, Location l, Value t, Value i,
                       SmallVector<OpFoldResult> &offs,
                       SmallVector<OpFoldResult> &sizes) {
      offs.assign(r, b.getIndexAttr(0));
      sizes = tensor::getMixedSizes(b, l, t);
      offs[axis] = i;
      sizes[axis] = b.getIndexAttr(1);
    };
    SmallVector<OpFoldResult> strides(r, rw.getIndexAttr(1));
    auto loop = scf::ForOp::create(
        rw, loc, zero, len, one, ValueRange{out, zero},
        [&](OpBuilder &b, Location l, Value j, ValueRange iter) {
          Value keep = tensor::ExtractOp::create(b, l, cond, ValueRange{j});
          ValueRange next = appendIf(
              b, l, keep, iter,
              [&](OpBuilder &tb, Location tl, Value o, Value pos) -> Value {
                SmallVector<OpFoldResult> offs, sizes;
                sliceAt(tb, tl, x, j, offs, sizes);
                Value s = tensor::ExtractSliceOp::create(tb, tl, x, offs, sizes,
                                                         strides);
                offs[axis] = pos;
                return tensor::InsertSliceOp::create(tb, tl, s, o, offs, sizes,
                                                     strides);
              });
          scf::YieldOp::create(b, l, next);
        });
    rw.replaceOp(op, loop.getResult(0));
    return success();
  }
};

} // namespace

void mlir::tangram::populateDataDependentLowering(TGTypeConverter &tc,
                                                  RewritePatternSet &p) {
  p.add<NonZeroLowering, CompressLowering>(tc, p.getContext());
}
