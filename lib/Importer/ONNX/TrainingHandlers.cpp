//===- TrainingHandlers.cpp - ONNX ai.onnx.preview.training optimizers ----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Adagrad, Adam and Momentum update every tensor they are given with an
// elementwise formula; each is decomposed into tg arithmetic exactly as the
// ONNX reference (onnx/reference/ops/aionnx_preview_training) writes it.
// Inputs are R (learning rate), T (update count), then one group of tensors
// per kind (all X, then all G, ...); outputs are the new tensors grouped the
// same way (all X_new, then ...).
//
//===----------------------------------------------------------------------===//
#include "OpBinder.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

constexpr StringLiteral kTraining = "ai.onnx.preview.training";

/// Straight-line arithmetic for the update formulas: a failed op yields a
/// null value (its error already recorded by the binder) and every op on a
/// null value yields null, so a formula is checked once, at its end.
class Arith {
public:
  Arith(OpBinder &b, Type elem) : b(b), elem(elem) {}

  Value add(Value x, Value y) { return binary<tg::AddOp>(x, y); }
  Value sub(Value x, Value y) { return binary<tg::SubOp>(x, y); }
  Value mul(Value x, Value y) { return binary<tg::MulOp>(x, y); }
  Value div(Value x, Value y) { return binary<tg::DivOp>(x, y); }
  Value pow(Value x, Value y) { return binary<tg::PowOp>(x, y); }
  Value sqrt(Value x) { return x ? get(b.make<tg::SqrtOp>({x})) : Value(); }
  Value select(Value c, Value x, Value y) {
    return c && x && y ? get(b.make<tg::SelectOp>({c, x, y})) : Value();
  }
  Value greater(Value x, Value y) { return binary<tg::GreaterOp>(x, y); }
  Value cast(Value x, Type to) { return x ? get(b.castTo(x, to)) : Value(); }
  /// A 0-D constant of the formula's element type. ONNX float attributes
  /// are f32; the reference reads them as Python floats (their f32 value
  /// widened), so `v` is computed in double from the f32 attribute.
  Value c(double v) { return b.scalar(elem, v); }

private:
  template <typename OpTy> Value binary(Value x, Value y) {
    return x && y ? get(b.make<OpTy>({x, y})) : Value();
  }
  static Value get(FailureOr<Value> v) { return failed(v) ? Value() : *v; }

  OpBinder &b;
  Type elem;
};

/// The operands of one optimizer node: R, T and `perTensor` groups of `n`
/// tensors each, all of one float element type.
struct OptimizerOperands {
  Value r, t;
  unsigned n = 0;
  Type elem;
  /// The i-th tensor of group `g` (0: X, 1: G, 2: V or H, 3: H).
  Value at(OpBinder &b, unsigned g, unsigned i) const {
    return b.input(2 + g * n + i);
  }
};

/// Checks the variadic layout (every input present, a whole number of
/// groups, at most one output per updated tensor) and the types.
FailureOr<OptimizerOperands> optimizerOperands(OpBinder &b,
                                               unsigned perTensor) {
  unsigned num = b.numInputs();
  if (num < 2 + perTensor || (num - 2) % perTensor != 0)
    return (void)b.fail("expected R, T and " + Twine(perTensor) +
                  " inputs per optimized tensor, got " + Twine(num) +
                  " inputs"),
           failure();
  if (failed(b.need(num)))
    return failure();
  OptimizerOperands ops{b.input(0), b.input(1), (num - 2) / perTensor, {}};
  if (b.numOutputs() > (perTensor - 1) * ops.n)
    return (void)b.fail("expected at most " + Twine((perTensor - 1) * ops.n) +
                  " outputs, got " + Twine(b.numOutputs())),
           failure();
  if (!b.typeOf(ops.t).getElementType().isInteger(64))
    return (void)b.fail("T must be an int64 tensor"), failure();
  if (!isa<FloatType>(b.typeOf(ops.r).getElementType()))
    return (void)b.fail("R must be a float tensor"), failure();
  ops.elem = b.typeOf(ops.at(b, 0, 0)).getElementType();
  if (!isa<FloatType>(ops.elem))
    return (void)b.fail("the optimized tensors must be float tensors"), failure();
  return ops;
}

/// Binds the outputs, or fails if a formula did (its error is recorded).
LogicalResult bindUpdates(OpBinder &b, ArrayRef<Value> results) {
  if (llvm::is_contained(results, Value()))
    return failure();
  return b.setResults(results);
}

/// Adagrad: r' = R / (1 + T * decay_factor); g = norm_coefficient * X + G;
/// H' = H + g * g; X' = X - r' * g / (sqrt(H') + epsilon).
/// The reference computes r' in double (T is int64, the attributes Python
/// floats), so it is computed in f64 and then cast.
LogicalResult adagrad(OpBinder &b) {
  auto ops = optimizerOperands(b, 3);
  if (failed(ops))
    return failure();
  double decay = b.f("decay_factor", 0.0f), eps = b.f("epsilon", 1e-6f),
         norm = b.f("norm_coefficient", 0.0f);
  Type f64 = b.b.getF64Type();
  Arith d(b, f64), a(b, ops->elem);
  Value rate = d.div(d.cast(ops->r, f64),
                     d.add(d.c(1.0), d.mul(d.cast(ops->t, f64), d.c(decay))));
  rate = a.cast(rate, ops->elem);
  SmallVector<Value> xs, hs;
  for (unsigned i = 0; i < ops->n; ++i) {
    Value x = ops->at(b, 0, i), g = ops->at(b, 1, i), h = ops->at(b, 2, i);
    Value greg = a.add(a.mul(a.c(norm), x), g);
    Value hNew = a.add(h, a.mul(greg, greg));
    Value hSqrt = a.add(a.sqrt(hNew), a.c(eps));
    xs.push_back(a.sub(x, a.div(a.mul(rate, greg), hSqrt)));
    hs.push_back(hNew);
  }
  xs.append(hs);
  return bindUpdates(b, xs);
}

/// Adam: g = norm_coefficient * X + G; V' = alpha * V + (1 - alpha) * g;
/// H' = beta * H + (1 - beta) * g * g; r' = R * sqrt(1 - beta^T) /
/// (1 - alpha^T) when T > 0 (bias correction), else R;
/// X' = (1 - norm_coefficient_post) * (X - r' * (V' / (sqrt(H') + epsilon))).
/// r' is computed in f64, as the reference does (beta^T with an int64 T).
LogicalResult adam(OpBinder &b) {
  auto ops = optimizerOperands(b, 4);
  if (failed(ops))
    return failure();
  double alpha = b.f("alpha", 0.9f), beta = b.f("beta", 0.999f),
         eps = b.f("epsilon", 1e-6f), norm = b.f("norm_coefficient", 0.0f),
         post = b.f("norm_coefficient_post", 0.0f);
  Type f64 = b.b.getF64Type();
  Arith d(b, f64), a(b, ops->elem);
  Value r = d.cast(ops->r, f64), t = d.cast(ops->t, f64);
  Value corrected =
      d.div(d.mul(r, d.sqrt(d.sub(d.c(1.0), d.pow(d.c(beta), t)))),
            d.sub(d.c(1.0), d.pow(d.c(alpha), t)));
  Value positive = d.greater(ops->t, b.scalar(b.b.getI64Type(), 0));
  Value rate = a.cast(d.select(positive, corrected, r), ops->elem);
  SmallVector<Value> xs, vs, hs;
  for (unsigned i = 0; i < ops->n; ++i) {
    Value x = ops->at(b, 0, i), g = ops->at(b, 1, i), v = ops->at(b, 2, i),
          h = ops->at(b, 3, i);
    Value greg = a.add(a.mul(a.c(norm), x), g);
    Value vNew = a.add(a.mul(a.c(alpha), v), a.mul(a.c(1.0 - alpha), greg));
    Value hNew =
        a.add(a.mul(a.c(beta), h), a.mul(a.c(1.0 - beta), a.mul(greg, greg)));
    Value hSqrt = a.add(a.sqrt(hNew), a.c(eps));
    Value xNew = a.sub(x, a.mul(rate, a.div(vNew, hSqrt)));
    // Scaling by exactly 1 changes nothing, not even infinities or NaNs.
    if (post != 0.0)
      xNew = a.mul(a.c(1.0 - post), xNew);
    xs.push_back(xNew);
    vs.push_back(vNew);
    hs.push_back(hNew);
  }
  xs.append(vs);
  xs.append(hs);
  return bindUpdates(b, xs);
}

/// Momentum: g = norm_coefficient * X + G; b' = beta when T > 0, else 1
/// (the first update takes the whole gradient); V' = alpha * V + b' * g;
/// X' = X - R * V' ("standard") or X - R * (g + alpha * V') ("nesterov").
LogicalResult momentum(OpBinder &b) {
  auto ops = optimizerOperands(b, 3);
  if (failed(ops))
    return failure();
  for (StringRef name : {"alpha", "beta", "mode", "norm_coefficient"})
    if (!b.attr(name))
      return b.fail("attribute '" + Twine(name) + "' is required");
  std::string mode = b.s("mode", "");
  if (mode != "standard" && mode != "nesterov")
    return b.fail("unknown mode '" + mode +
                  "' (expected 'standard' or 'nesterov')");
  double alpha = b.f("alpha", 0.0f), beta = b.f("beta", 0.0f),
         norm = b.f("norm_coefficient", 0.0f);
  Arith a(b, ops->elem);
  Value positive = a.greater(ops->t, b.scalar(b.b.getI64Type(), 0));
  Value betaNow = a.select(positive, a.c(beta), a.c(1.0));
  Value r = a.cast(ops->r, ops->elem);
  SmallVector<Value> xs, vs;
  for (unsigned i = 0; i < ops->n; ++i) {
    Value x = ops->at(b, 0, i), g = ops->at(b, 1, i), v = ops->at(b, 2, i);
    Value greg = a.add(a.mul(a.c(norm), x), g);
    Value vNew = a.add(a.mul(a.c(alpha), v), a.mul(betaNow, greg));
    Value step =
        mode == "standard" ? vNew : a.add(greg, a.mul(a.c(alpha), vNew));
    xs.push_back(a.sub(x, a.mul(r, step)));
    vs.push_back(vNew);
  }
  xs.append(vs);
  return bindUpdates(b, xs);
}

} // namespace

void mlir::tangram::onnx_importer::registerTrainingHandlers(HandlerTable &t) {
  t.on("Adagrad", 1, adagrad, kTraining);
  t.on("Adam", 1, adam, kTraining);
  t.on("Momentum", 1, momentum, kTraining);
}
