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
  SmallVector<int64_t> low, high; // padding per spatial dim (incl. ceil tail)
  SmallVector<int64_t> declaredHigh;
};

/// Padding so every window of the (static) output lies in the padded input:
/// ceil_mode windows may run past the declared end padding.
PoolGeometry geometry(RankedTensorType in, RankedTensorType out,
                      ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations) {
  PoolGeometry g;
  g.d = in.getRank() - 2;
  for (int64_t i = 0; i < g.d; ++i) {
    int64_t need = (out.getDimSize(2 + i) - 1) * strides[i] +
                   (kernel[i] - 1) * dilations[i] + 1;
    int64_t have = in.getDimSize(2 + i) + pads[i] + pads[g.d + i];
    g.low.push_back(pads[i]);
    g.declaredHigh.push_back(pads[g.d + i]);
    g.high.push_back(pads[g.d + i] + std::max<int64_t>(0, need - have));
  }
  return g;
}

enum class PoolKind { Max, Sum, LpSum };

/// The window reduction over an already padded input.
Value windowReduce(OpBuilder &b, Location loc, Value padded,
                   RankedTensorType out, ArrayRef<int64_t> kernel,
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
                                      emptyTensor(b, loc, out, {}))
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
    if (failed(requireStatic(rw, op, rt)) || failed(requireStatic(rw, op, it)))
      return failure();
    auto g = geometry(it, rt, op.getKernelShape(), op.getStrides(),
                      op.getPads(), op.getDilations());
    Type et = rt.getElementType();
    bool isUnsigned = isUnsignedElem(op.getType());
    if constexpr (std::is_same_v<OpT, tg::MaxPoolOp>) {
      double lowest =
          isa<FloatType>(et)
              ? -INFINITY
              : (isUnsigned ? 0
                            : -std::ldexp(1.0, et.getIntOrFloatBitWidth() - 1));
      Value padded = padSpatial(rw, loc, adaptor.getInput(), g.low,
                                       g.high, scalarConst(rw, loc, et, lowest));
      rw.replaceOp(op, windowReduce(rw, loc, padded, rt, op.getKernelShape(),
                                    op.getStrides(), op.getDilations(),
                                    PoolKind::Max, 0, isUnsigned));
      return success();
    } else {
      Value zero = scalarConst(rw, loc, et, 0);
      Value padded =
          padSpatial(rw, loc, adaptor.getInput(), g.low, g.high, zero);
      PoolKind kind = PoolKind::Sum;
      int64_t p = 0;
      if constexpr (std::is_same_v<OpT, tg::LpPoolOp>) {
        kind = PoolKind::LpSum;
        p = op.getP();
      }
      Value sum = windowReduce(rw, loc, padded, rt, op.getKernelShape(),
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
        SmallVector<int64_t> ones(2, 1), low = g.low, high = g.high;
        for (int64_t i = 0; i < g.d; ++i)
          ones.push_back(it.getDimSize(2 + i));
        if (op.getCountIncludePad())
          for (int64_t i = 0; i < g.d; ++i) {
            ones[2 + i] += g.low[i] + g.declaredHigh[i];
            low[i] = 0;
            high[i] = g.high[i] - g.declaredHigh[i];
          }
        auto maskType = RankedTensorType::get(ones, et);
        Value mask = arith::ConstantOp::create(
            rw, loc, DenseElementsAttr::get(maskType, rw.getFloatAttr(et, 1.0)));
        Value maskPadded = padSpatial(rw, loc, mask, low, high, zero);
        SmallVector<int64_t> cshape{1, 1};
        llvm::append_range(cshape, rt.getShape().drop_front(2));
        Value count = windowReduce(rw, loc, maskPadded,
                                   RankedTensorType::get(cshape, et),
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
