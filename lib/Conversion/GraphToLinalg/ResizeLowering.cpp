//===- ResizeLowering.cpp - tg.resize to an index generic -----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// ONNX Resize as a gather: each output element maps its coordinate back to
// the input (coordinate_transformation_mode), takes per-dim taps (nearest:
// 1, linear: 2, cubic: 4, each with a weight) and sums the weighted input
// elements over every combination of taps of the resized dims.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "mlir/IR/Matchers.h"
#include <cmath>

using namespace mlir;
using namespace mlir::tangram;

namespace {

struct Tap {
  Value index;  // index type, clamped into the input
  Value weight; // f32, null for weight 1
};

struct ResizeLowering : public OpConversionPattern<tg::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    if (failed(requireStatic(rw, op, rt)) || failed(requireStatic(rw, op, it)))
      return failure();
    StringRef mode = op.getMode(), ctm = op.getCoordinateTransformationMode(),
              nearest = op.getNearestMode();
    if (ctm == "tf_crop_and_resize")
      return op.emitError("resize: tf_crop_and_resize is not supported");
    bool isFloat = isa<FloatType>(rt.getElementType());
    if (mode != "nearest" && !isFloat)
      return op.emitError("resize: ") << mode << " mode needs a float input";
    int64_t r = rt.getRank();
    // Scales: the operand when given, else output / input.
    SmallVector<double> scales(r, 1.0);
    DenseFPElementsAttr scaleAttr;
    bool haveScales =
        matchPattern(op.getScales(), m_Constant(&scaleAttr)) &&
        scaleAttr.getNumElements() == r;
    for (int64_t d = 0; d < r; ++d) {
      if (haveScales)
        scales[d] = (*(scaleAttr.getValues<APFloat>().begin() + d))
                        .convertToDouble();
      else
        scales[d] = (double)rt.getDimSize(d) / it.getDimSize(d);
    }
    double a = op.getCubicCoeffA().convertToDouble();
    bool exclude = op.getExcludeOutside();
    Value in = adaptor.getInput();
    rw.replaceOp(op, buildIndexed(
        rw, op.getLoc(), rt, {},
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Type f32 = b.getF32Type();
          auto fc = [&](double v) { return scalarConst(b, l, f32, v); };
          auto add = [&](Value x, Value y) { return (Value)arith::AddFOp::create(b, l, x, y); };
          auto sub = [&](Value x, Value y) { return (Value)arith::SubFOp::create(b, l, x, y); };
          auto mul = [&](Value x, Value y) { return (Value)arith::MulFOp::create(b, l, x, y); };
          auto toIndex = [&](Value f) {
            Value i = arith::FPToSIOp::create(b, l, b.getI64Type(), f);
            return (Value)arith::IndexCastOp::create(b, l, b.getIndexType(), i);
          };
          auto clampIdx = [&](Value i, int64_t n) {
            return (Value)arith::MinSIOp::create(
                b, l, arith::MaxSIOp::create(b, l, i, indexConst(b, l, 0)),
                indexConst(b, l, n - 1));
          };
          SmallVector<SmallVector<Tap>> taps(r);
          for (int64_t d = 0; d < r; ++d) {
            int64_t inLen = it.getDimSize(d), outLen = rt.getDimSize(d);
            double s = scales[d];
            if (inLen == outLen && s == 1.0) {
              taps[d].push_back({ivs[d], Value()});
              continue;
            }
            Value x = arith::UIToFPOp::create(
                b, l, f32,
                arith::IndexCastOp::create(b, l, b.getI64Type(), ivs[d]));
            Value xo;
            // ONNX uses the unrounded resized length when scales are given.
            double outF = haveScales ? inLen * s : (double)outLen;
            if (ctm == "align_corners")
              xo = outF == 1 ? fc(0) : mul(x, fc((inLen - 1) / (outF - 1)));
            else if (ctm == "asymmetric")
              xo = mul(x, fc(1.0 / s));
            else if (ctm == "pytorch_half_pixel")
              xo = outF > 1 ? sub(mul(add(x, fc(0.5)), fc(1.0 / s)), fc(0.5))
                              : fc(0);
            else if (ctm == "half_pixel_symmetric") {
              double adj = (double)outLen / (s * inLen);
              double offset = inLen / 2.0 * (1 - adj);
              xo = add(fc(offset), sub(mul(add(x, fc(0.5)), fc(1.0 / s)), fc(0.5)));
            } else // half_pixel
              xo = sub(mul(add(x, fc(0.5)), fc(1.0 / s)), fc(0.5));
            if (mode == "nearest") {
              Value n;
              if (nearest == "floor")
                n = math::FloorOp::create(b, l, xo);
              else if (nearest == "ceil")
                n = math::CeilOp::create(b, l, xo);
              else if (nearest == "round_prefer_ceil")
                n = math::FloorOp::create(b, l, add(xo, fc(0.5)));
              else // round_prefer_floor
                n = math::CeilOp::create(b, l, sub(xo, fc(0.5)));
              taps[d].push_back({clampIdx(toIndex(n), inLen), Value()});
            } else if (mode == "linear") {
              xo = arith::MinimumFOp::create(
                  b, l, arith::MaximumFOp::create(b, l, xo, fc(0)),
                  fc(inLen - 1));
              Value x0 = math::FloorOp::create(b, l, xo);
              Value w1 = sub(xo, x0);
              Value i0 = toIndex(x0);
              taps[d].push_back({clampIdx(i0, inLen), sub(fc(1), w1)});
              taps[d].push_back(
                  {clampIdx(arith::AddIOp::create(b, l, i0, indexConst(b, l, 1)),
                            inLen),
                   w1});
            } else { // cubic
              Value x0 = math::FloorOp::create(b, l, xo);
              Value t = sub(xo, x0);
              Value i0 = toIndex(x0);
              auto outer = [&](Value u) { // |u| in [1, 2]
                return sub(add(mul(sub(mul(fc(a), u), fc(5 * a)), mul(u, u)),
                               mul(fc(8 * a), u)),
                           fc(4 * a));
              };
              auto inner = [&](Value u) { // |u| in [0, 1]
                return add(mul(sub(mul(fc(a + 2), u), fc(a + 3)), mul(u, u)),
                           fc(1));
              };
              Value ws[4] = {outer(add(t, fc(1))), inner(t),
                             inner(sub(fc(1), t)), outer(sub(fc(2), t))};
              Value total = fc(0);
              Value valid[4];
              for (int k = 0; k < 4; ++k) {
                Value idx = arith::AddIOp::create(b, l, i0,
                                                  indexConst(b, l, k - 1));
                if (exclude) {
                  Value ok = arith::AndIOp::create(
                      b, l,
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, idx,
                                            indexConst(b, l, 0)),
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx,
                                            indexConst(b, l, inLen)));
                  ws[k] = arith::SelectOp::create(b, l, ok, ws[k], fc(0));
                  total = add(total, ws[k]);
                }
                valid[k] = clampIdx(idx, inLen);
              }
              for (int k = 0; k < 4; ++k)
                taps[d].push_back(
                    {valid[k], exclude ? (Value)arith::DivFOp::create(b, l, ws[k], total)
                                       : ws[k]});
            }
          }
          // Sum over every combination of taps.
          Value acc;
          SmallVector<size_t> pick(r, 0);
          while (true) {
            SmallVector<Value> at;
            Value w;
            for (int64_t d = 0; d < r; ++d) {
              const Tap &tp = taps[d][pick[d]];
              at.push_back(tp.index);
              if (tp.weight)
                w = w ? mul(w, tp.weight) : tp.weight;
            }
            Value v = tensor::ExtractOp::create(b, l, in, at);
            if (w) {
              Type et = v.getType();
              if (et != f32)
                v = castScalar(b, l, v, f32, false, false);
              v = mul(v, w);
            }
            acc = acc ? add(acc, v) : v;
            int64_t d = r - 1;
            while (d >= 0 && ++pick[d] == taps[d].size())
              pick[d--] = 0;
            if (d < 0)
              break;
          }
          if (acc.getType() != rt.getElementType())
            acc = castScalar(b, l, acc, rt.getElementType(), false, false);
          return acc;
        }));
    return success();
  }
};

} // namespace

void mlir::tangram::populateResizeLowering(TGTypeConverter &tc,
                                           RewritePatternSet &p) {
  p.add<ResizeLowering>(tc, p.getContext());
}
