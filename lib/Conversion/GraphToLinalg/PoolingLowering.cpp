//===- PoolingLowering.cpp - tg pools to linalg ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// N-d max, average and Lp pooling as window reductions: loops (n, c, o...,
// k...), the input read at o*stride + k*dilation of a padded copy, a
// shape-only window operand giving the k loops their extent (the form of
// linalg's named pooling ops, generalised to any rank).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include <cmath>

using namespace mlir;
using namespace mlir::tangram;

namespace {

struct PoolGeometry {
  int64_t d;
  SmallVector<int64_t> low, declaredHigh;
  /// End padding per spatial dim, including the ceil_mode tail (computed at
  /// run time when the input's size is).
  SmallVector<OpFoldResult> high;
  /// The sizes of the output's dynamic dims.
  SmallVector<Value> outDyn;
};

/// Padding so every window of the output lies in the padded input:
/// ceil_mode windows may run past the declared end padding.
PoolGeometry geometry(OpBuilder &b, Location loc, Value input,
                      RankedTensorType out, ArrayRef<int64_t> kernel,
                      ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                      ArrayRef<int64_t> dilations, bool ceilMode) {
  auto in = cast<RankedTensorType>(input.getType());
  PoolGeometry g;
  g.d = in.getRank() - 2;
  SmallVector<Value> outSizes;
  for (int64_t i = 0; i < g.d; ++i) {
    int64_t lo = pads[i], hi = pads[g.d + i];
    g.low.push_back(lo);
    g.declaredHigh.push_back(hi);
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    if (!in.isDynamicDim(2 + i) && !out.isDynamicDim(2 + i)) {
      int64_t need = (out.getDimSize(2 + i) - 1) * strides[i] + span;
      int64_t have = in.getDimSize(2 + i) + lo + hi;
      g.high.push_back(b.getIndexAttr(hi + std::max<int64_t>(0, need - have)));
      outSizes.push_back(indexConst(b, loc, out.getDimSize(2 + i)));
      continue;
    }
    Value size = dimOf(b, loc, input, 2 + i);
    Value o = windowOutSize(b, loc, size, kernel[i], strides[i], dilations[i],
                            lo + hi, ceilMode, "Pool");
    auto c = [&](int64_t v) { return indexConst(b, loc, v); };
    Value need = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, o, c(1)),
                              c(strides[i])),
        c(span));
    Value have = arith::AddIOp::create(b, loc, size, c(lo + hi));
    Value extra = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, need, have), c(0));
    g.high.push_back(arith::AddIOp::create(b, loc, extra, c(hi)).getResult());
    outSizes.push_back(o);
  }
  g.outDyn = dynSizesOf(out, [&](int64_t i) -> Value {
    return i < 2 ? dimOf(b, loc, input, i) : outSizes[i - 2];
  });
  return g;
}

enum class PoolKind { Max, Sum, LpSum };

/// The window reduction over an already padded input.
Value windowReduce(OpBuilder &b, Location loc, Value padded,
                   RankedTensorType out, ValueRange outDyn,
                   ArrayRef<int64_t> kernel,
                   ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                   PoolKind kind, int64_t p, bool isUnsigned) {
  MLIRContext *ctx = b.getContext();
  int64_t d = kernel.size();
  Type et = out.getElementType();
  double initV = 0;
  if (kind == PoolKind::Max) {
    if (isa<FloatType>(et))
      initV = -INFINITY;
    else
      initV = isUnsigned ? 0
                         : -std::ldexp(1.0, et.getIntOrFloatBitWidth() - 1);
  }
  Value init = linalg::FillOp::create(b, loc, scalarConst(b, loc, et, initV),
                                      emptyTensor(b, loc, out, outDyn))
                   .getResult(0);
  Value window = emptyTensor(b, loc, RankedTensorType::get(kernel, et), {});
  int64_t nl = 2 + 2 * d;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> ie{dim(0), dim(1)}, we, oe{dim(0), dim(1)};
  for (int64_t i = 0; i < d; ++i) {
    ie.push_back(dim(2 + i) * strides[i] + dim(2 + d + i) * dilations[i]);
    we.push_back(dim(2 + d + i));
    oe.push_back(dim(2 + i));
  }
  SmallVector<AffineMap> maps{AffineMap::get(nl, 0, ie, ctx),
                              AffineMap::get(nl, 0, we, ctx),
                              AffineMap::get(nl, 0, oe, ctx)};
  SmallVector<utils::IteratorType> iters(2 + d, utils::IteratorType::parallel);
  iters.append(d, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{out}, ValueRange{padded, window},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value x = a[0], acc = a[2], r;
               bool f = isa<FloatType>(et);
               if (kind == PoolKind::Max)
                 r = f ? (Value)arith::MaximumFOp::create(nb, l, acc, x)
                       : isUnsigned ? (Value)arith::MaxUIOp::create(nb, l, acc, x)
                                    : (Value)arith::MaxSIOp::create(nb, l, acc, x);
               else {
                 if (kind == PoolKind::LpSum)
                   x = math::PowFOp::create(
                       nb, l, math::AbsFOp::create(nb, l, x),
                       scalarConst(nb, l, et, (double)p));
                 r = arith::AddFOp::create(nb, l, acc, x);
               }
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

template <typename OpT>
struct PoolLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto rt = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    auto g = geometry(rw, loc, adaptor.getInput(), rt, op.getKernelShape(),
                      op.getStrides(), op.getPads(), op.getDilations(),
                      op.getCeilMode());
    SmallVector<OpFoldResult> low;
    for (int64_t l : g.low)
      low.push_back(rw.getIndexAttr(l));
    Type et = rt.getElementType();
    bool isUnsigned = isUnsignedElem(op.getType());
    if constexpr (std::is_same_v<OpT, tg::MaxPoolOp>) {
      double lowest =
          isa<FloatType>(et)
              ? -INFINITY
              : (isUnsigned ? 0
                            : -std::ldexp(1.0, et.getIntOrFloatBitWidth() - 1));
      Value padded = padSpatial(rw, loc, adaptor.getInput(), low, g.high,
                                scalarConst(rw, loc, et, lowest));
      rw.replaceOp(op, windowReduce(rw, loc, padded, rt, g.outDyn,
                                    op.getKernelShape(),
                                    op.getStrides(), op.getDilations(),
                                    PoolKind::Max, 0, isUnsigned));
      return success();
    } else {
      Value zero = scalarConst(rw, loc, et, 0);
      Value padded = padSpatial(rw, loc, adaptor.getInput(), low, g.high, zero);
      PoolKind kind = PoolKind::Sum;
      int64_t p = 0;
      if constexpr (std::is_same_v<OpT, tg::LpPoolOp>) {
        kind = PoolKind::LpSum;
        p = op.getP();
      }
      Value sum = windowReduce(rw, loc, padded, rt, g.outDyn,
                               op.getKernelShape(),
                               op.getStrides(), op.getDilations(), kind, p,
                               false);
      Value result;
      if constexpr (std::is_same_v<OpT, tg::LpPoolOp>) {
        result = *buildElementwise(
            rw, loc, rt, ValueRange{sum},
            [&](OpBuilder &b, Location l, ValueRange a) -> Value {
              return math::PowFOp::create(b, l, a[0],
                                          scalarConst(b, l, et, 1.0 / p));
            });
      } else {
        // Divisor per output position: pool a mask of the counted region
        // (the input, plus the declared pads when count_include_pad).
        SmallVector<int64_t> ones(2, 1);
        SmallVector<OpFoldResult> maskLow = low, maskHigh = g.high;
        SmallVector<Value> maskDyn;
        for (int64_t i = 0; i < g.d; ++i) {
          ones.push_back(it.getDimSize(2 + i));
          if (it.isDynamicDim(2 + i))
            maskDyn.push_back(dimOf(rw, loc, adaptor.getInput(), 2 + i));
        }
        if (op.getCountIncludePad())
          for (int64_t i = 0; i < g.d; ++i) {
            int64_t extra = g.low[i] + g.declaredHigh[i];
            if (!ShapedType::isDynamic(ones[2 + i]))
              ones[2 + i] += extra;
            else
              maskDyn[llvm::count_if(ArrayRef(ones).slice(2, i),
                                     ShapedType::isDynamic)] =
                  arith::AddIOp::create(rw, loc,
                                        dimOf(rw, loc, adaptor.getInput(), 2 + i),
                                        indexConst(rw, loc, extra));
            maskLow[i] = rw.getIndexAttr(0);
            maskHigh[i] =
                addOfr(rw, loc, g.high[i], rw.getIndexAttr(-g.declaredHigh[i]));
          }
        auto maskType = RankedTensorType::get(ones, et);
        Value mask = linalg::FillOp::create(rw, loc,
                                            scalarConst(rw, loc, et, 1.0),
                                            emptyTensor(rw, loc, maskType, maskDyn))
                         .getResult(0);
        Value maskPadded = padSpatial(rw, loc, mask, maskLow, maskHigh, zero);
        SmallVector<int64_t> cshape{1, 1};
        llvm::append_range(cshape, rt.getShape().drop_front(2));
        auto countType = RankedTensorType::get(cshape, et);
        SmallVector<Value> countDyn = dynSizesOf(countType, [&](int64_t i) {
          return g.outDyn[llvm::count_if(rt.getShape().take_front(i),
                                         ShapedType::isDynamic)];
        });
        Value count = windowReduce(rw, loc, maskPadded, countType, countDyn,
                                   op.getKernelShape(), op.getStrides(),
                                   op.getDilations(), PoolKind::Sum, 0, false);
        result = *buildElementwise(
            rw, loc, rt, ValueRange{sum, count},
            [&](OpBuilder &b, Location l, ValueRange a) -> Value {
              return arith::DivFOp::create(b, l, a[0], a[1]);
            });
      }
      rw.replaceOp(op, result);
      return success();
    }
  }
};

} // namespace

void mlir::tangram::populatePoolingLowering(TGTypeConverter &tc,
                                            RewritePatternSet &p) {
  p.add<PoolLowering<tg::MaxPoolOp>, PoolLowering<tg::AvgPoolOp>,
        PoolLowering<tg::LpPoolOp>>(tc, p.getContext());
}
