//===- GridSampleLowering.cpp - tg.grid_sample as an index generic --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Each output element reads its grid point, denormalizes it per spatial dim
// (align_corners or not), applies the padding mode to a coordinate outside
// the border (clamp, or reflect by the near border until inside), and sums
// the taps of its interpolation: 1 (nearest, rounded half to even), 2 per
// dim (linear) or 4 per dim (cubic, Keys' kernel with a = -0.75), each tap
// weighted by the product of its per-dim weights. A tap outside the image
// reads 0 (zeros), the border pixel (border) or its reflection
// (reflection). This is the ONNX reference's definition, computed in f32
// (f64 for f64 inputs).
//
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"
#include "LoweringUtils.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

struct Sampler {
  OpBuilder &b;
  Location l;
  Type ft; // compute type
  StringRef padding;
  bool align;

  Value f(double v) { return scalarConst(b, l, ft, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, l, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, l, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, l, x, y); }
  Value lt(Value x, Value y) {
    return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, y);
  }
  Value sel(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, l, c, x, y);
  }
  Value clamp(Value x, double lo, double hi) {
    return arith::MinimumFOp::create(
        b, l, arith::MaximumFOp::create(b, l, x, f(lo)), f(hi));
  }

  /// The ONNX reference's reflection of `x` into [lo, hi].
  Value reflect(Value x, double lo, double hi) {
    double rng = hi - lo;
    if (rng <= 0)
      return f(lo);
    auto side = [&](Value dx, Value near, Value far, bool below) {
      Value n =
          math::TruncOp::create(b, l, arith::DivFOp::create(b, l, dx, f(rng)));
      Value r = sub(dx, mul(n, f(rng)));
      Value half = mul(n, f(0.5));
      Value even =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                math::FloorOp::create(b, l, half), half);
      Value toNear = below ? add(near, r) : sub(near, r);
      Value toFar = below ? sub(far, r) : add(far, r);
      return sel(even, toNear, toFar);
    };
    Value below = side(sub(f(lo), x), f(lo), f(hi), true);
    Value above = side(sub(x, f(hi)), f(hi), f(lo), false);
    return sel(lt(x, f(lo)), below, sel(lt(f(hi), x), above, x));
  }

  /// A tap index (float, integral) of a dim of size `d`: the index to read
  /// and whether the tap is inside (only `zeros` masks).
  std::pair<Value, Value> tap(Value i, int64_t d) {
    double lo = align ? 0.0 : -0.5, hi = align ? d - 1.0 : d - 0.5;
    Value inside = arith::AndIOp::create(
        b, l, arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, i, f(0)),
        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, i, f(d - 1)));
    if (padding == "reflection")
      i = math::TruncOp::create(b, l, reflect(i, lo, hi));
    Value idx =
        arith::FPToSIOp::create(b, l, b.getI64Type(), clamp(i, 0, d - 1));
    idx = arith::IndexCastOp::create(b, l, b.getIndexType(), idx);
    if (padding != "zeros")
      inside = arith::ConstantIntOp::create(b, l, 1, 1);
    return {idx, inside};
  }
};

struct GridSampleLowering : public OpConversionPattern<tg::GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(tg::GridSampleOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    auto rt =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto xt = cast<RankedTensorType>(adaptor.getInput().getType());
    auto gt = cast<RankedTensorType>(adaptor.getGrid().getType());
    if (failed(requireStatic(rw, op, rt)) ||
        failed(requireStatic(rw, op, xt)) || failed(requireStatic(rw, op, gt)))
      return failure();
    int64_t r = xt.getRank() - 2;
    StringRef mode = op.getMode();
    Type et = rt.getElementType();
    Type ft = et.isF64() ? et : rw.getF32Type();
    Value x = adaptor.getInput(), grid = adaptor.getGrid();
    bool align = op.getAlignCorners();
    StringRef padding = op.getPaddingMode();
    rw.replaceOp(
        op,
        buildIndexed(
            rw, op.getLoc(), rt, {},
            [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
              Sampler s{b, l, ft, padding, align};
              // The source coordinate of each spatial dim.
              SmallVector<Value> coord;
              for (int64_t i = 0; i < r; ++i) {
                int64_t d = xt.getDimSize(2 + i);
                SmallVector<Value> at = {ivs[0]};
                at.append(ivs.begin() + 2, ivs.end());
                at.push_back(
                    indexConst(b, l, r - 1 - i)); // x lists the last dim
                Value g = tensor::ExtractOp::create(b, l, grid, at);
                g = castScalar(b, l, g, ft, false, false);
                Value c =
                    align
                        ? s.mul(s.mul(s.add(g, s.f(1)), s.f(0.5)), s.f(d - 1))
                        : s.mul(s.sub(s.mul(s.add(g, s.f(1)), s.f(d)), s.f(1)),
                                s.f(0.5));
                if (mode == "nearest")
                  c = math::RoundEvenOp::create(b, l, c);
                double lo = align ? 0.0 : -0.5, hi = align ? d - 1.0 : d - 0.5;
                if (padding == "border")
                  c = s.sel(s.lt(c, s.f(lo)), s.clamp(c, 0, d - 1),
                            s.sel(s.lt(s.f(hi), c), s.clamp(c, 0, d - 1), c));
                else if (padding == "reflection")
                  c = s.reflect(c, lo, hi);
                coord.push_back(c);
              }
              // Per dim: the taps' float indices and weights.
              SmallVector<SmallVector<std::pair<Value, Value>>> taps(r);
              for (int64_t i = 0; i < r; ++i) {
                Value c = coord[i];
                if (mode == "nearest") {
                  taps[i].push_back({math::TruncOp::create(b, l, c), s.f(1)});
                  continue;
                }
                Value base = math::FloorOp::create(b, l, c);
                Value t = s.sub(c, base);
                if (mode == "linear") {
                  taps[i].push_back({base, s.sub(s.f(1), t)});
                  taps[i].push_back({s.add(base, s.f(1)), t});
                  continue;
                }
                SmallVector<Value, 4> w = cubicWeights(b, l, t, -0.75);
                for (int k = 0; k < 4; ++k)
                  taps[i].push_back({s.add(base, s.f(k - 1)), w[k]});
              }
              // The sum over every combination of per-dim taps.
              Value sum = s.f(0);
              int64_t perDim = taps[0].size(), total = 1;
              for (int64_t i = 0; i < r; ++i)
                total *= perDim;
              for (int64_t combo = 0; combo < total; ++combo) {
                SmallVector<Value> at = {ivs[0], ivs[1]};
                Value weight = s.f(1);
                Value inside = arith::ConstantIntOp::create(b, l, 1, 1);
                int64_t rest = combo;
                for (int64_t i = 0; i < r; ++i) {
                  auto [fi, w] = taps[i][rest % perDim];
                  rest /= perDim;
                  auto [idx, in] = s.tap(fi, xt.getDimSize(2 + i));
                  at.push_back(idx);
                  inside = arith::AndIOp::create(b, l, inside, in);
                  weight = s.mul(weight, w);
                }
                Value v = tensor::ExtractOp::create(b, l, x, at);
                v = castScalar(b, l, v, ft, false, false);
                sum = s.add(sum, s.sel(inside, s.mul(weight, v), s.f(0)));
              }
              return ft == et ? sum : castScalar(b, l, sum, et, false, false);
            }));
    return success();
  }
};

} // namespace

void mlir::tangram::populateGridSampleLowering(TGTypeConverter &tc,
                                               RewritePatternSet &p) {
  p.add<GridSampleLowering>(tc, p.getContext());
}
