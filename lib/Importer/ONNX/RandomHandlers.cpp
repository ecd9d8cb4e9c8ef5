//===- RandomHandlers.cpp - ONNX random ops and training-mode Dropout -----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "OpBinder.h"
#include "TensorConversion.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

/// The element type named by the `dtype` attribute, or `def` when absent.
FailureOr<Type> dtypeAttr(OpBinder &b, Type def) {
  if (!b.attr("dtype"))
    return def;
  int64_t d = b.i("dtype", 0);
  Type t = convertElementType(d, b.ctx);
  if (!t || !isa<FloatType>(t) || t.getIntOrFloatBitWidth() < 16)
    return (void)b.fail("dtype must be a 16-, 32- or 64-bit float, not " +
                  dataTypeName(d)),
           failure();
  return t;
}

/// The full shape of `x` as a 1-D i64 tensor (a constant when static).
FailureOr<Value> shapeOf(OpBinder &b, Value x) {
  return b.make<tg::ShapeOp>(
      {x}, {b.named("start", b.i64(0)), b.named("end", b.i64(b.rankOf(x)))});
}

/// RandomUniform/RandomNormal and their -Like forms: `a` and `b` are the
/// ONNX parameter names (low/high or mean/scale) with their defaults.
template <typename OpTy, bool Like>
Handler random(StringRef a, float aDef, StringRef bName, float bDef) {
  return [=](OpBinder &b) -> LogicalResult {
    Value shape;
    Type def = b.b.getF32Type();
    if constexpr (Like) {
      if (failed(b.need(1)))
        return failure();
      auto s = shapeOf(b, b.input(0));
      if (failed(s))
        return failure();
      shape = *s;
      def = b.typeOf(b.input(0)).getElementType();
    } else {
      if (!b.attr("shape"))
        return b.fail("shape is required");
      shape = b.constI64(b.ints("shape"));
    }
    auto dtype = dtypeAttr(b, def);
    if (failed(dtype))
      return failure();
    SmallVector<NamedAttribute> attrs = {
        b.named("dtype", TypeAttr::get(*dtype)),
        b.named(a, b.f32(b.f(a, aDef))),
        b.named(bName, b.f32(b.f(bName, bDef)))};
    if (b.attr("seed"))
      attrs.push_back(b.named("seed", b.f32(b.f("seed", 0.0f))));
    return b.emit<OpTy>({shape}, attrs);
  };
}

/// Dropout. In inference mode (no training_mode input, or a constant false)
/// and with a constant ratio of 0 (torchvision's swin_t exports its
/// attention dropout so, training_mode true) it is the identity with an
/// all-true mask, as in the ONNX reference. In training mode it keeps each
/// element with probability 1 - ratio, as the ONNX reference does: mask =
/// uniform[0, 1) >= ratio, y = mask ? x / (1 - ratio) : 0. A training_mode
/// known only at run time selects between the two.
LogicalResult dropout(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  Type elem = b.typeOf(x).getElementType();
  SmallVector<int64_t> training;
  SmallVector<double> ratioValues;
  bool noDrop = b.hasInput(1) &&
                tg::getConstantFloats(b.input(1), ratioValues) &&
                ratioValues.size() == 1 && ratioValues[0] == 0.0;
  bool inference = b.opset < 12 || !b.hasInput(2) || noDrop ||
                   (b.constInts(b.input(2), training) && !training.empty() &&
                    training[0] == 0);
  bool alwaysTraining = !inference && !training.empty();
  auto shape = shapeOf(b, x);
  if (failed(shape))
    return failure();
  auto allTrue = [&]() {
    auto t = RankedTensorType::get({1}, b.b.getI1Type());
    return b.make<tg::ConstantOfShapeOp>(
        {*shape}, {b.named("value", DenseElementsAttr::get(t, true))});
  };
  if (inference) {
    if (!b.outputUsed(1))
      return b.setResult(x);
    auto mask = allTrue();
    return failed(mask) ? failure() : b.setResults({x, *mask});
  }
  Value ratio = b.hasInput(1) ? b.input(1) : b.scalar(elem, 0.5);
  auto r = b.castTo(ratio, elem);
  if (failed(r))
    return failure();
  SmallVector<NamedAttribute> attrs = {b.named("dtype", TypeAttr::get(elem)),
                                       b.named("low", b.f32(0.0f)),
                                       b.named("high", b.f32(1.0f))};
  if (b.attr("seed"))
    attrs.push_back(b.named("seed", b.f32((float)b.i("seed", 0))));
  auto u = b.make<tg::RandomUniformOp>({*shape}, attrs);
  auto keep = failed(u) ? u : b.make<tg::GreaterEqualOp>({*u, *r});
  auto kept =
      failed(keep) ? keep : b.make<tg::SubOp>({b.scalar(elem, 1.0), *r});
  auto scaled = failed(kept) ? kept : b.make<tg::DivOp>({x, *kept});
  auto y = failed(scaled)
               ? scaled
               : b.make<tg::SelectOp>({*keep, *scaled, b.scalar(elem, 0.0)});
  if (failed(y))
    return failure();
  Value out = *y, mask = *keep;
  if (!alwaysTraining) {
    Value t = b.input(2);
    auto sel = b.make<tg::SelectOp>({t, *y, x});
    auto notT = failed(sel) ? sel : b.make<tg::NotOp>({t});
    auto m = failed(notT) ? notT : b.make<tg::OrOp>({*keep, *notT});
    if (failed(m))
      return failure();
    out = *sel;
    mask = *m;
  }
  if (!b.outputUsed(1))
    return b.setResult(out);
  return b.setResults({out, mask});
}

} // namespace

void mlir::tangram::onnx_importer::registerRandomHandlers(HandlerTable &t) {
  t.on("RandomUniform", 1,
       random<tg::RandomUniformOp, false>("low", 0.0f, "high", 1.0f));
  t.on("RandomUniformLike", 1,
       random<tg::RandomUniformOp, true>("low", 0.0f, "high", 1.0f));
  t.on("RandomNormal", 1,
       random<tg::RandomNormalOp, false>("mean", 0.0f, "scale", 1.0f));
  t.on("RandomNormalLike", 1,
       random<tg::RandomNormalOp, true>("mean", 0.0f, "scale", 1.0f));
  t.on("Dropout", 7, dropout);
}
