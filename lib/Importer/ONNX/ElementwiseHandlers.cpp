//===- ElementwiseHandlers.cpp - ONNX elementwise ops to tg ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "OpBinder.h"
#include "TensorConversion.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

/// `y = op(x)` with no attributes.
template <typename OpTy>
LogicalResult unary(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  return b.emit<OpTy>({b.input(0)});
}

/// `y = op(x)` with float attributes copied under the same names.
template <typename OpTy>
Handler unaryWith(std::vector<std::pair<const char *, float>> attrs) {
  return [attrs](OpBinder &b) -> LogicalResult {
    if (failed(b.need(1)))
      return failure();
    SmallVector<NamedAttribute> named;
    for (auto [name, def] : attrs)
      named.push_back(b.named(name, b.f32(b.f(name, def))));
    auto r = b.make<OpTy>({b.input(0)}, named);
    return failed(r) ? failure() : b.setResult(*r);
  };
}

template <typename OpTy>
LogicalResult binary(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  return b.emit<OpTy>({b.input(0), b.input(1)});
}

/// Max, Min, Sum (and Mean): a left fold of the binary op over all inputs.
template <typename OpTy>
LogicalResult variadic(OpBinder &b) {
  if (b.numInputs() == 0 || failed(b.need(b.numInputs())))
    return b.fail("needs at least one input");
  Value acc = b.input(0);
  for (unsigned i = 1; i < b.numInputs(); ++i) {
    auto r = b.make<OpTy>({acc, b.input(i)});
    if (failed(r))
      return failure();
    acc = *r;
  }
  return b.setResult(acc);
}

LogicalResult mean(OpBinder &b) {
  if (b.numInputs() == 0 || failed(b.need(b.numInputs())))
    return b.fail("needs at least one input");
  Value acc = b.input(0);
  for (unsigned i = 1; i < b.numInputs(); ++i) {
    auto r = b.make<tg::AddOp>({acc, b.input(i)});
    if (failed(r))
      return failure();
    acc = *r;
  }
  Value n = b.scalar(b.typeOf(acc).getElementType(), b.numInputs());
  return b.emit<tg::DivOp>({acc, n});
}

LogicalResult castHandler(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  int64_t to = b.i("to", 0);
  Type elem = convertElementType(to, b.ctx);
  if (!elem)
    return b.fail("unsupported dtype " + dataTypeName(to));
  // saturate (opset 19) only matters for 8-bit float targets.
  auto r = b.castTo(b.input(0), elem, b.i("saturate", 1) != 0);
  return failed(r) ? failure() : b.setResult(*r);
}

LogicalResult castLike(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  auto r = b.castTo(b.input(0), b.typeOf(b.input(1)).getElementType(),
                  b.i("saturate", 1) != 0);
  return failed(r) ? failure() : b.setResult(*r);
}

LogicalResult powHandler(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  // ONNX allows another exponent type; tg.pow takes the base's.
  auto y = b.castTo(b.input(1), b.typeOf(b.input(0)).getElementType());
  if (failed(y))
    return failure();
  return b.emit<tg::PowOp>({b.input(0), *y});
}

LogicalResult mod(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  bool fmod = b.i("fmod", 0) != 0;
  if (!fmod && isa<FloatType>(b.typeOf(b.input(0)).getElementType()))
    return b.fail("Mod of floats needs fmod = 1");
  return b.emit<tg::ModOp>({b.input(0), b.input(1)},
                             {b.named("fmod", b.boolean(fmod))});
}

LogicalResult bitShift(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  std::string dir = b.s("direction", "");
  if (dir != "LEFT" && dir != "RIGHT")
    return b.fail("direction must be LEFT or RIGHT");
  return b.emit<tg::BitShiftOp>({b.input(0), b.input(1)},
                                  {b.named("left", b.boolean(dir == "LEFT"))});
}

LogicalResult where(OpBinder &b) {
  if (failed(b.need(3)))
    return failure();
  return b.emit<tg::SelectOp>({b.input(0), b.input(1), b.input(2)});
}

/// Clip(x, min, max) = min(max(x, lo), hi); bounds are attributes before
/// opset 11 and optional inputs from then on.
LogicalResult clip(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  Value x = b.input(0);
  Type elem = b.typeOf(x).getElementType();
  Value lo, hi;
  if (b.opset < 11) {
    if (b.attr("min"))
      lo = b.scalar(elem, b.f("min", 0));
    if (b.attr("max"))
      hi = b.scalar(elem, b.f("max", 0));
  } else {
    lo = b.input(1);
    hi = b.input(2);
  }
  for (auto [bound, isMax] : {std::pair(lo, true), std::pair(hi, false)}) {
    if (!bound)
      continue;
    if (b.typeOf(bound).getNumElements() != 1)
      return b.fail("min and max must be scalars");
    auto r = isMax ? b.make<tg::MaxOp>({x, bound})
                   : b.make<tg::MinOp>({x, bound});
    if (failed(r))
      return failure();
    x = *r;
  }
  return b.setResult(x);
}

LogicalResult identity(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  return b.setResult(b.input(0));
}

LogicalResult isInf(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  return b.emit<tg::IsInfOp>(
      {b.input(0)},
      {b.named("detect_negative", b.boolean(b.i("detect_negative", 1))),
       b.named("detect_positive", b.boolean(b.i("detect_positive", 1)))});
}

LogicalResult gelu(OpBinder &b) {
  if (failed(b.need(1)))
    return failure();
  std::string approx = b.s("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return b.fail("approximate must be 'none' or 'tanh'");
  return b.emit<tg::GeluOp>(
      {b.input(0)}, {b.named("tanh_approximation", b.boolean(approx == "tanh"))});
}

LogicalResult shrink(OpBinder &b) {
  return unaryWith<tg::ShrinkOp>({{"bias", 0.0f}, {"lambd", 0.5f}})(b);
}

/// DequantizeLinear / QuantizeLinear with per-tensor or per-axis scales.
template <typename OpTy>
LogicalResult quantize(OpBinder &b) {
  if (failed(b.need(2)))
    return failure();
  if (b.i("block_size", 0) != 0)
    return b.fail("blocked quantization is not supported");
  if (b.attr("output_dtype") && b.i("output_dtype", 0) != 0)
    return b.fail("output_dtype is not supported");
  Value x = b.input(0), scale = b.input(1), zp = b.input(2);
  if (!zp) {
    Type zpElem = std::is_same_v<OpTy, tg::QuantizeLinearOp>
                      ? b.b.getIntegerType(8, false)
                      : b.typeOf(x).getElementType();
    zp = b.scalar(zpElem, 0);
  }
  int64_t axis = b.i("axis", 1);
  if (b.typeOf(scale).getRank() == 1 && b.typeOf(scale).getDimSize(0) != 1) {
    auto a = b.axis(axis, b.rankOf(x));
    if (failed(a))
      return failure();
    axis = *a;
  }
  SmallVector<NamedAttribute> attrs{b.named("axis", b.i64(axis))};
  if constexpr (std::is_same_v<OpTy, tg::QuantizeLinearOp>)
    if (b.i("saturate", 1) == 0) // opset 19, 8-bit floats only
      attrs.push_back(b.named("saturate", BoolAttr::get(b.ctx, false)));
  return b.emit<OpTy>({x, scale, zp}, attrs);
}

} // namespace

void mlir::tangram::onnx_importer::registerElementwiseHandlers(HandlerTable &t) {
  t.on("Abs", 6, unary<tg::AbsOp>);
  t.on("Neg", 6, unary<tg::NegOp>);
  t.on("Sign", 9, unary<tg::SignOp>);
  t.on("Relu", 6, unary<tg::ReluOp>);
  t.on("Exp", 6, unary<tg::ExpOp>);
  t.on("Log", 6, unary<tg::LogOp>);
  t.on("Sqrt", 6, unary<tg::SqrtOp>);
  t.on("Reciprocal", 6, unary<tg::ReciprocalOp>);
  t.on("Floor", 6, unary<tg::FloorOp>);
  t.on("Ceil", 6, unary<tg::CeilOp>);
  t.on("Round", 11, unary<tg::RoundOp>);
  t.on("Sin", 7, unary<tg::SinOp>);
  t.on("Cos", 7, unary<tg::CosOp>);
  t.on("Tan", 7, unary<tg::TanOp>);
  t.on("Asin", 7, unary<tg::AsinOp>);
  t.on("Acos", 7, unary<tg::AcosOp>);
  t.on("Atan", 7, unary<tg::AtanOp>);
  t.on("Sinh", 9, unary<tg::SinhOp>);
  t.on("Cosh", 9, unary<tg::CoshOp>);
  t.on("Asinh", 9, unary<tg::AsinhOp>);
  t.on("Acosh", 9, unary<tg::AcoshOp>);
  t.on("Atanh", 9, unary<tg::AtanhOp>);
  t.on("Erf", 9, unary<tg::ErfOp>);
  t.on("Sigmoid", 6, unary<tg::SigmoidOp>);
  t.on("Tanh", 6, unary<tg::TanhOp>);
  t.on("Softplus", 1, unary<tg::SoftplusOp>);
  t.on("Softsign", 1, unary<tg::SoftsignOp>);
  t.on("Mish", 18, unary<tg::MishOp>);
  t.on("HardSwish", 14, unary<tg::HardSwishOp>);
  t.on("Not", 1, unary<tg::NotOp>);
  t.on("BitwiseNot", 18, unary<tg::BitwiseNotOp>);
  t.on("IsNaN", 9, unary<tg::IsNaNOp>);
  t.on("IsInf", 10, isInf);
  t.on("LeakyRelu", 6, unaryWith<tg::LeakyReluOp>({{"alpha", 0.01f}}));
  t.on("Elu", 6, unaryWith<tg::EluOp>({{"alpha", 1.0f}}));
  t.on("Celu", 12, unaryWith<tg::CeluOp>({{"alpha", 1.0f}}));
  t.on("Selu", 6,
       unaryWith<tg::SeluOp>({{"alpha", 1.67326319217681884765625f},
                              {"gamma", 1.05070102214813232421875f}}));
  t.on("HardSigmoid", 6,
       unaryWith<tg::HardSigmoidOp>({{"alpha", 0.2f}, {"beta", 0.5f}}));
  t.on("ThresholdedRelu", 10,
       unaryWith<tg::ThresholdedReluOp>({{"alpha", 1.0f}}));
  t.on("Shrink", 9, shrink);
  t.on("Gelu", 20, gelu);

  t.on("Add", 7, binary<tg::AddOp>);
  t.on("Sub", 7, binary<tg::SubOp>);
  t.on("Mul", 7, binary<tg::MulOp>);
  t.on("Div", 7, binary<tg::DivOp>);
  t.on("Pow", 7, powHandler);
  t.on("Mod", 10, mod);
  t.on("BitShift", 11, bitShift);
  t.on("PRelu", 7, binary<tg::PReluOp>);
  t.on("And", 7, binary<tg::AndOp>);
  t.on("Or", 7, binary<tg::OrOp>);
  t.on("Xor", 7, binary<tg::XorOp>);
  t.on("BitwiseAnd", 18, binary<tg::BitwiseAndOp>);
  t.on("BitwiseOr", 18, binary<tg::BitwiseOrOp>);
  t.on("BitwiseXor", 18, binary<tg::BitwiseXorOp>);
  t.on("Equal", 7, binary<tg::EqualOp>);
  t.on("Less", 7, binary<tg::LessOp>);
  t.on("LessOrEqual", 12, binary<tg::LessEqualOp>);
  t.on("Greater", 7, binary<tg::GreaterOp>);
  t.on("GreaterOrEqual", 12, binary<tg::GreaterEqualOp>);
  t.on("Max", 8, variadic<tg::MaxOp>);
  t.on("Min", 8, variadic<tg::MinOp>);
  t.on("Sum", 8, variadic<tg::AddOp>);
  t.on("Mean", 8, mean);
  t.on("Where", 9, where);
  t.on("Cast", 6, castHandler);
  t.on("CastLike", 15, castLike);
  t.on("Clip", 6, clip);
  t.on("Identity", 1, identity);
  t.on("DequantizeLinear", 10, quantize<tg::DequantizeLinearOp>);
  t.on("QuantizeLinear", 10, quantize<tg::QuantizeLinearOp>);
}
