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
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/IR/Matchers.h"
#include <cmath>

using namespace mlir;
using namespace mlir::tangram;

namespace {

struct Tap {
  Value index;  // index type, clamped into the input
  Value weight; // f32, null for weight 1
};

/// What the coordinate transform of one dim needs (f32 values).
struct DimParams {
  bool identity = false; // the dim is not resized
  Value invScale, alignScale, symmetricOffset;
  Value outAboveOne; // i1: the (unrounded) output length exceeds 1
  Value inLen;       // index: the input's length (run-time when dynamic)
  Value inLast;      // f32: inLen - 1
};

struct ResizeLowering : public OpConversionPattern<tg::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    StringRef mode = op.getMode(), ctm = op.getCoordinateTransformationMode(),
              nearest = op.getNearestMode();
    if (ctm == "tf_crop_and_resize")
      return op.emitError("resize: tf_crop_and_resize is not supported");
    bool isFloat = isa<FloatType>(rt.getElementType());
    if (mode != "nearest" && !isFloat)
      return op.emitError("resize: ") << mode << " mode needs a float input";
    int64_t r = rt.getRank();
    Location loc = op.getLoc();
    Type f32 = rw.getF32Type();
    auto fcr = [&](double v) { return scalarConst(rw, loc, f32, v); };
    // Scales: the operand when given, else output / input.
    DenseFPElementsAttr scaleAttr;
    bool haveScales =
        matchPattern(op.getScales(), m_Constant(&scaleAttr)) &&
        scaleAttr.getNumElements() == r;
    bool scalesGiven =
        cast<RankedTensorType>(op.getScales().getType()).getNumElements() != 0;
    // Per-dim parameters of the coordinate transform, as f32 values: folded
    // from compile-time scales and sizes, computed once at run time when
    // they are tensor data (the result dims are then dynamic).
    SmallVector<DimParams> params(r);
    SmallVector<Value> dynSizes;
    bool dynamic = !rt.hasStaticShape() || !it.hasStaticShape() ||
                   (scalesGiven && !haveScales);
    for (int64_t d = 0; d < r; ++d) {
      int64_t inLen = it.getDimSize(d);
      DimParams &p = params[d];
      p.inLen = dimOf(rw, loc, adaptor.getInput(), d);
      if (!dynamic) {
        p.inLast = fcr(inLen - 1);
        int64_t outLen = rt.getDimSize(d);
        double sc = haveScales ? (*(scaleAttr.getValues<APFloat>().begin() + d))
                                     .convertToDouble()
                               : (double)outLen / inLen;
        p.identity = inLen == outLen && sc == 1.0;
        // ONNX uses the unrounded resized length when scales are given.
        double outF = haveScales ? inLen * sc : (double)outLen;
        p.invScale = fcr(1.0 / sc);
        p.alignScale = fcr(outF == 1 ? 0 : (inLen - 1) / (outF - 1));
        p.outAboveOne = arith::ConstantIntOp::create(rw, loc, outF > 1, 1);
        double adj = (double)outLen / (sc * inLen);
        p.symmetricOffset = fcr(inLen / 2.0 * (1 - adj));
        continue;
      }
      auto mulF = [&](Value x, Value y) { return (Value)arith::MulFOp::create(rw, loc, x, y); };
      auto divF = [&](Value x, Value y) { return (Value)arith::DivFOp::create(rw, loc, x, y); };
      auto subF = [&](Value x, Value y) { return (Value)arith::SubFOp::create(rw, loc, x, y); };
      Value sc, outLen; // f32 scale, i64 output length
      Value inI64 = arith::IndexCastOp::create(rw, loc, rw.getI64Type(), p.inLen);
      Value inF = arith::UIToFPOp::create(rw, loc, f32, inI64);
      p.inLast = subF(inF, fcr(1));
      if (scalesGiven) {
        Value v = tensor::ExtractOp::create(rw, loc, adaptor.getScales(),
                                            ValueRange{indexConst(rw, loc, d)});
        sc = castScalar(rw, loc, v, f32, false, false);
        outLen = arith::FPToSIOp::create(
            rw, loc, rw.getI64Type(),
            math::FloorOp::create(rw, loc, mulF(inF, sc)));
      } else {
        outLen = tensor::ExtractOp::create(rw, loc, adaptor.getSizes(),
                                           ValueRange{indexConst(rw, loc, d)});
        sc = divF(arith::SIToFPOp::create(rw, loc, f32, outLen), inF);
      }
      // Data decides the size: check it, and go on with scale 1 if it is
      // not positive (the run then fails with the message).
      // For sizes, `size / in > 0` is `size > 0` (in >= 0, and a zero
      // input gives +inf, NaN or -inf): checked in integers, so that a GPU
      // program, which has no floats, can size the result.
      Value positive =
          scalesGiven
              ? (Value)arith::CmpFOp::create(rw, loc, arith::CmpFPredicate::OGT,
                                             sc, fcr(0))
              : (Value)arith::CmpIOp::create(
                    rw, loc, arith::CmpIPredicate::sgt, outLen,
                    scalarConst(rw, loc, rw.getI64Type(), 0));
      cf::AssertOp::create(rw, loc, positive,
                           "Resize: scales and sizes must be positive");
      sc = arith::SelectOp::create(rw, loc, positive, sc, fcr(1));
      outLen = arith::SelectOp::create(
          rw, loc, positive, outLen, inI64);
      Value outF = scalesGiven ? mulF(inF, sc)
                               : (Value)arith::SIToFPOp::create(rw, loc, f32, outLen);
      p.identity = false;
      p.invScale = divF(fcr(1), sc);
      Value isOne = arith::CmpFOp::create(rw, loc, arith::CmpFPredicate::OEQ,
                                          outF, fcr(1));
      p.alignScale = arith::SelectOp::create(
          rw, loc, isOne, fcr(0),
          divF(p.inLast,
               arith::SelectOp::create(rw, loc, isOne, fcr(1),
                                       subF(outF, fcr(1)))));
      p.outAboveOne = arith::CmpFOp::create(rw, loc, arith::CmpFPredicate::OGT,
                                            outF, fcr(1));
      Value adj = divF(arith::SIToFPOp::create(rw, loc, f32, outLen),
                       mulF(sc, inF));
      p.symmetricOffset = mulF(mulF(inF, fcr(0.5)), subF(fcr(1), adj));
      if (rt.isDynamicDim(d))
        dynSizes.push_back(arith::IndexCastOp::create(
            rw, loc, rw.getIndexType(),
            arith::MaxSIOp::create(rw, loc, outLen,
                                   scalarConst(rw, loc, rw.getI64Type(), 0))));
    }
    double a = op.getCubicCoeffA().convertToDouble();
    bool exclude = op.getExcludeOutside();
    Value in = adaptor.getInput();
    rw.replaceOp(op, buildIndexed(
        rw, op.getLoc(), rt, dynSizes,
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
          auto clampIdx = [&](Value i, Value n) {
            return (Value)arith::MinSIOp::create(
                b, l, arith::MaxSIOp::create(b, l, i, indexConst(b, l, 0)),
                arith::SubIOp::create(b, l, n, indexConst(b, l, 1)));
          };
          SmallVector<SmallVector<Tap>> taps(r);
          for (int64_t d = 0; d < r; ++d) {
            const DimParams &p = params[d];
            Value inLen = p.inLen;
            if (p.identity) {
              taps[d].push_back({ivs[d], Value()});
              continue;
            }
            Value x = arith::UIToFPOp::create(
                b, l, f32,
                arith::IndexCastOp::create(b, l, b.getI64Type(), ivs[d]));
            Value xo;
            Value halfPixel = sub(mul(add(x, fc(0.5)), p.invScale), fc(0.5));
            if (ctm == "align_corners")
              xo = mul(x, p.alignScale);
            else if (ctm == "asymmetric")
              xo = mul(x, p.invScale);
            else if (ctm == "pytorch_half_pixel")
              xo = arith::SelectOp::create(b, l, p.outAboveOne, halfPixel, fc(0));
            else if (ctm == "half_pixel_symmetric")
              xo = add(p.symmetricOffset, halfPixel);
            else // half_pixel
              xo = halfPixel;
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
                  p.inLast);
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
              SmallVector<Value, 4> ws = cubicWeights(b, l, t, a);
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
                                            inLen));
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
