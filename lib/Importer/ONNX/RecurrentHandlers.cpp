//===- RecurrentHandlers.cpp - ONNX RNN, GRU and LSTM ---------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// RNN, GRU and LSTM unrolled over a static sequence length into core tg ops,
// or, when the length is known only at run time, a tg.loop over the steps
// whose body is one step (the scan output stacks Y).
// Per direction, X W^T (plus the biases that add to it) is one matmul for all
// steps up front; each step adds the recurrent matmul and applies the ONNX
// gate equations (LSTM gates in iofc order, GRU in zrh). With sequence_lens,
// a step t >= seq_lens[b] keeps row b's state and writes zeros to Y, as
// onnxruntime does, so a reverse direction starts at each row's last step.
//
//===----------------------------------------------------------------------===//
#include "RegionBuilders.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

enum class Kind { RNN, GRU, LSTM };

/// One activation function, its alpha and beta resolved.
struct Activation {
  std::string name; ///< lower case, as onnxruntime compares them
  float alpha = 0, beta = 0;
};

/// The activations the spec lists, which of alpha and beta each takes and
/// their defaults: those of the ONNX op of that name, and onnxruntime's 0
/// for Affine and ScaledTanh, which have no op.
struct ActivationInfo {
  StringRef name;
  bool alpha, beta;
  float defaultAlpha, defaultBeta;
};
constexpr ActivationInfo kActivations[] = {
    {"relu", false, false, 0, 0},
    {"tanh", false, false, 0, 0},
    {"sigmoid", false, false, 0, 0},
    {"affine", true, true, 0, 0},
    {"leakyrelu", true, false, 0.01f, 0},
    {"thresholdedrelu", true, false, 1, 0},
    {"scaledtanh", true, true, 0, 0},
    {"hardsigmoid", true, true, 0.2f, 0.5f},
    {"elu", true, false, 1, 0},
    {"softsign", false, false, 0, 0},
    {"softplus", false, false, 0, 0}};

/// The node's attributes, checked, with the ONNX defaults.
struct Spec {
  Kind kind;
  int64_t gates;  ///< blocks of hidden_size rows in W and R: 1, 3 or 4
  int64_t hidden; ///< hidden_size
  int64_t dirs;   ///< num_directions
  bool reverse;   ///< direction = reverse (then dirs is 1)
  bool batchwise; ///< layout = 1
  std::optional<float> clip;
  bool linearBeforeReset, inputForget;
  /// Activations per function of the op (f, g, h), one list per direction.
  SmallVector<Activation> acts;
  int64_t actsPerDir;
};

/// `activations`, one list serving both directions of a bidirectional op if
/// only one is given, with `activation_alpha` and `activation_beta` as
/// onnxruntime reads them: for RNN value i belongs to function i (one per
/// direction, as in the ONNX reference too); for GRU and LSTM the values are
/// consumed in order by the functions that take one. Missing values take the
/// defaults.
LogicalResult parseActivations(OpBinder &b, Spec &spec) {
  SmallVector<std::string> names;
  if (const auto *a = b.attr("activations"))
    names.assign(a->strings().begin(), a->strings().end());
  if (names.empty()) { // The defaults: f = Tanh for RNN; Sigmoid, Tanh, Tanh.
    const char *defaults[] = {"Sigmoid", "Tanh", "Tanh"};
    if (spec.kind == Kind::RNN)
      names = {"Tanh"};
    else
      names.assign(defaults, defaults + spec.actsPerDir);
  }
  int64_t n = spec.actsPerDir;
  if ((int64_t)names.size() != n && (int64_t)names.size() != n * spec.dirs)
    return b.fail("expected " + Twine(n * spec.dirs) + " activations, got " +
                  Twine(names.size()));
  SmallVector<float> alphas = b.floats("activation_alpha"),
                     betas = b.floats("activation_beta");
  size_t nextAlpha = 0, nextBeta = 0;
  for (auto [i, name] : llvm::enumerate(names)) {
    std::string lower = StringRef(name).lower();
    const auto *info = llvm::find_if(
        kActivations, [&](const ActivationInfo &a) { return a.name == lower; });
    if (info == std::end(kActivations))
      return b.fail("activation '" + name +
                    "' is not supported (expected Relu, Tanh, Sigmoid, Affine, "
                    "LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, "
                    "Softsign or Softplus)");
    if (spec.kind == Kind::RNN)
      nextAlpha = nextBeta = i;
    Activation act{lower, 0, 0};
    if (info->alpha)
      act.alpha =
          nextAlpha < alphas.size() ? alphas[nextAlpha++] : info->defaultAlpha;
    if (info->beta)
      act.beta =
          nextBeta < betas.size() ? betas[nextBeta++] : info->defaultBeta;
    spec.acts.push_back(act);
  }
  if ((int64_t)spec.acts.size() < n * spec.dirs)
    spec.acts.append(SmallVector<Activation>(spec.acts)); // both directions
  return success();
}

/// Reads and checks the attributes; hidden_size may be left to R's shape.
FailureOr<Spec> parseSpec(OpBinder &b, Kind kind) {
  Spec spec;
  spec.kind = kind;
  spec.gates = kind == Kind::RNN ? 1 : kind == Kind::GRU ? 3 : 4;
  spec.actsPerDir = kind == Kind::RNN ? 1 : kind == Kind::GRU ? 2 : 3;
  std::string direction = b.s("direction", "forward");
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return (void)b.fail("unknown direction '" + direction + "'"), failure();
  spec.dirs = direction == "bidirectional" ? 2 : 1;
  spec.reverse = direction == "reverse";
  int64_t layout = b.i("layout", 0);
  if (layout != 0 && layout != 1)
    return (void)b.fail("layout must be 0 or 1"), failure();
  spec.batchwise = layout == 1;
  if (b.attr("clip"))
    spec.clip = b.f("clip", 0);
  spec.linearBeforeReset = b.i("linear_before_reset", 0) != 0;
  spec.inputForget = b.i("input_forget", 0) != 0;

  // hidden_size: the attribute, else R's last dim; both must agree.
  int64_t fromR = b.rankOf(b.input(2)) == 3 ? b.typeOf(b.input(2)).getDimSize(2)
                                            : ShapedType::kDynamic;
  spec.hidden = b.i("hidden_size", fromR);
  if (ShapedType::isDynamic(spec.hidden) || spec.hidden <= 0 ||
      (!ShapedType::isDynamic(fromR) && fromR != spec.hidden))
    return (void)b.fail("hidden_size must be positive and match R's last dim"),
           failure();
  if (failed(parseActivations(b, spec)))
    return failure();
  return spec;
}

/// The state a step reads and writes: hidden state and (LSTM) cell state.
struct State {
  Value h, c;
};

/// One direction's weights, arranged so that a step is a few matmuls.
struct Weights {
  Value xw;  ///< [T, B, G*H]: X W^T plus the biases that add to it
  Value r;   ///< R^T [H, G*H]; GRU without linear_before_reset: z, r only
  Value rh;  ///< GRU without linear_before_reset: Rh^T [H, H]
  Value rbh; ///< GRU with linear_before_reset: Rbh [H], inside the reset
  SmallVector<Value, 3> peep; ///< LSTM peepholes i, o, f (when P is given)
  ArrayRef<Activation> acts;  ///< this direction's f, g, h
};

/// Builds the unrolled recurrence. A failed op leaves a null value (its
/// error recorded by the binder) that later ops pass on, so the code checks
/// once per step instead of after every op.
class Unroller {
public:
  Unroller(OpBinder &b, const Spec &spec, Type elem)
      : b(b), spec(spec), elem(elem) {}

  LogicalResult build();

private:
  OpBinder &b;
  const Spec &spec;
  Type elem;

  //===--- null-propagating builders ----------------------------------===//
  template <typename OpTy>
  Value op(ArrayRef<Value> operands, ArrayRef<NamedAttribute> attrs = {}) {
    if (llvm::is_contained(operands, Value()))
      return nullptr;
    auto r = b.make<OpTy>(operands, attrs);
    return failed(r) ? Value() : *r;
  }
  Value add(Value x, Value y) { return op<tg::AddOp>({x, y}); }
  Value sub(Value x, Value y) { return op<tg::SubOp>({x, y}); }
  Value mul(Value x, Value y) { return op<tg::MulOp>({x, y}); }
  Value matmul(Value x, Value y) { return op<tg::MatMulOp>({x, y}); }
  Value scalar(double v) { return b.scalar(elem, v); }
  Value transposed(Value v) {
    return op<tg::TransposeOp>({v}, {b.named("perm", b.array({1, 0}))});
  }
  Value concat(ArrayRef<Value> vs, int64_t axis) {
    return op<tg::ConcatOp>(vs, {b.named("axis", b.i64(axis))});
  }
  Value unsqueeze(Value v, ArrayRef<int64_t> axes) {
    return op<tg::UnsqueezeOp>({v}, {b.named("axes", b.array(axes))});
  }
  /// Entries [start, end) of `axis`.
  Value slice(Value v, int64_t axis, int64_t start, int64_t end) {
    if (!v)
      return nullptr;
    return op<tg::SliceOp>({v, b.constI64({start}), b.constI64({end}),
                            b.constI64({axis}), b.constI64({1})});
  }
  /// Entry `i` of `axis`, the axis dropped.
  Value pick(Value v, int64_t axis, int64_t i) {
    return op<tg::SqueezeOp>({slice(v, axis, i, i + 1)},
                             {b.named("axes", b.array({axis}))});
  }
  SmallVector<Value> blocks(Value v, int64_t n);
  Value zeros(ArrayRef<int64_t> shape);
  Value zeroState(Value x);

  //===--- the recurrence ---------------------------------------------===//
  Value activate(const Activation &a, Value x);
  /// An activation of a gate's pre-activation, clipped first when `clip`
  /// is set (onnxruntime clips every gate input but not the LSTM's h(C)).
  Value gate(const Activation &a, Value pre) {
    if (spec.clip && pre)
      pre = op<tg::MinOp>(
          {op<tg::MaxOp>({pre, scalar(-*spec.clip)}), scalar(*spec.clip)});
    return activate(a, pre);
  }
  Weights weights(Value x, int64_t d);
  State step(const Weights &w, Value xt, State s);
  State rnnStep(const Weights &w, Value xt, State s);
  State gruStep(const Weights &w, Value xt, State s);
  State lstmStep(const Weights &w, Value xt, State s);
  Value validRows(int64_t steps);
  /// The recurrence of one direction as a tg.loop over a run-time number of
  /// steps: the final state and Y stacked in time order, [T, B, H].
  std::pair<State, Value> loop(const Weights &w, Value x, State s,
                               bool reverse, Value lens);
};

/// `v` split along its last axis into `n` blocks of hidden_size.
SmallVector<Value> Unroller::blocks(Value v, int64_t n) {
  SmallVector<Value> out(n);
  if (!v || n == 1) {
    out[0] = v;
    return out;
  }
  auto split = b.makeOp<tg::SplitOp>(
      {v}, {b.named("axis", b.i64(b.rankOf(v) - 1)),
            b.named("sizes", b.array(SmallVector<int64_t>(n, spec.hidden)))});
  if (succeeded(split))
    llvm::copy((*split)->getResults(), out.begin());
  return out;
}

/// A constant of zeros.
Value Unroller::zeros(ArrayRef<int64_t> shape) {
  auto t = RankedTensorType::get(shape, elem);
  return tg::ConstantOp::create(
      b.b, b.loc, t,
      cast<ElementsAttr>(DenseElementsAttr::get(t, b.b.getZeroAttr(elem))));
}

/// [B, H] zeros for a missing initial state, B read from x ([T, B, I]) at
/// run time when it is dynamic (reshaped to keep H static in the type).
Value Unroller::zeroState(Value x) {
  int64_t batch = b.typeOf(x).getDimSize(1);
  if (!ShapedType::isDynamic(batch))
    return zeros({batch, spec.hidden});
  Value shape = op<tg::ShapeOp>(
      {x}, {b.named("start", b.i64(1)), b.named("end", b.i64(2))});
  auto one = RankedTensorType::get({1}, elem);
  Value flat = op<tg::ConstantOfShapeOp>(
      {op<tg::MulOp>({shape, b.constI64({spec.hidden})})},
      {b.named("value", DenseElementsAttr::get(one, b.b.getZeroAttr(elem)))});
  return op<tg::ReshapeOp>({flat, b.constI64({-1, spec.hidden})});
}

Value Unroller::activate(const Activation &a, Value x) {
  StringRef n = a.name;
  NamedAttribute alpha = b.named("alpha", b.f32(a.alpha)),
                 beta = b.named("beta", b.f32(a.beta));
  if (n == "relu")
    return op<tg::ReluOp>({x});
  if (n == "tanh")
    return op<tg::TanhOp>({x});
  if (n == "sigmoid")
    return op<tg::SigmoidOp>({x});
  if (n == "leakyrelu")
    return op<tg::LeakyReluOp>({x}, {alpha});
  if (n == "thresholdedrelu")
    return op<tg::ThresholdedReluOp>({x}, {alpha});
  if (n == "hardsigmoid")
    return op<tg::HardSigmoidOp>({x}, {alpha, beta});
  if (n == "elu")
    return op<tg::EluOp>({x}, {alpha});
  if (n == "softsign")
    return op<tg::SoftsignOp>({x});
  if (n == "softplus")
    return op<tg::SoftplusOp>({x});
  if (n == "affine")
    return add(mul(x, scalar(a.alpha)), scalar(a.beta));
  assert(n == "scaledtanh" && "parseActivations admits no other names");
  return mul(op<tg::TanhOp>({mul(x, scalar(a.beta))}), scalar(a.alpha));
}

/// Direction `d`'s weights from W [D, G*H, I], R [D, G*H, H] and B
/// [D, 2*G*H] (Wb then Rb), for x = X in [T, B, I] order.
Weights Unroller::weights(Value x, int64_t d) {
  Weights w;
  int64_t h = spec.hidden, gh = spec.gates * h;
  w.acts = ArrayRef(spec.acts).slice(d * spec.actsPerDir, spec.actsPerDir);
  w.xw = matmul(x, transposed(pick(b.input(1), 0, d)));
  Value r = pick(b.input(2), 0, d);
  bool gruSplit = spec.kind == Kind::GRU && !spec.linearBeforeReset;
  if (gruSplit) { // r * H_{t-1} is multiplied by Rh: it needs its own matmul.
    w.r = transposed(slice(r, 0, 0, 2 * h));
    w.rh = transposed(slice(r, 0, 2 * h, 3 * h));
  } else {
    w.r = transposed(r);
  }
  if (Value bias = b.input(3)) {
    Value bd = pick(bias, 0, d);
    Value wb = slice(bd, 0, 0, gh), rb = slice(bd, 0, gh, 2 * gh);
    if (spec.kind == Kind::GRU && spec.linearBeforeReset) {
      w.rbh = slice(rb, 0, 2 * h, 3 * h);
      rb = concat({slice(rb, 0, 0, 2 * h), zeros({h})}, 0);
    }
    w.xw = add(w.xw, add(wb, rb));
  }
  if (spec.kind == Kind::LSTM && b.input(7))
    w.peep = blocks(pick(b.input(7), 0, d), 3);
  return w;
}

/// H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb).
State Unroller::rnnStep(const Weights &w, Value xt, State s) {
  return {gate(w.acts[0], add(xt, matmul(s.h, w.r))), nullptr};
}

/// z = f(.. z), r = f(.. r), h~ = g(X_t Wh^T + (r * H_{t-1}) Rh^T + Rbh + Wbh)
/// or, with linear_before_reset, g(X_t Wh^T + r * (H_{t-1} Rh^T + Rbh) +
/// Wbh); H_t = (1 - z) * h~ + z * H_{t-1}.
State Unroller::gruStep(const Weights &w, Value xt, State s) {
  SmallVector<Value> x = blocks(xt, 3);
  SmallVector<Value> hr =
      blocks(matmul(s.h, w.r), spec.linearBeforeReset ? 3 : 2);
  Value z = gate(w.acts[0], add(x[0], hr[0]));
  Value r = gate(w.acts[0], add(x[1], hr[1]));
  Value pre;
  if (spec.linearBeforeReset)
    pre = add(x[2], mul(r, w.rbh ? add(hr[2], w.rbh) : hr[2]));
  else
    pre = add(x[2], matmul(mul(r, s.h), w.rh));
  Value cand = gate(w.acts[1], pre);
  return {add(cand, mul(z, sub(s.h, cand))), nullptr};
}

/// i = f(.. + Pi * C_{t-1}), f = f(.. + Pf * C_{t-1}) (or 1 - i with
/// input_forget), C_t = f * C_{t-1} + i * g(.. c), o = f(.. + Po * C_t),
/// H_t = o * h(C_t).
State Unroller::lstmStep(const Weights &w, Value xt, State s) {
  SmallVector<Value> g = blocks(add(xt, matmul(s.h, w.r)), 4);
  auto peep = [&](Value pre, int k, Value c) {
    return w.peep.empty() ? pre : add(pre, mul(w.peep[k], c));
  };
  Value i = gate(w.acts[0], peep(g[0], 0, s.c));
  Value f = spec.inputForget ? sub(scalar(1), i)
                             : gate(w.acts[0], peep(g[2], 2, s.c));
  Value c = add(mul(f, s.c), mul(i, gate(w.acts[1], g[3])));
  Value o = gate(w.acts[0], peep(g[1], 1, c));
  return {mul(o, activate(w.acts[2], c)), c};
}

State Unroller::step(const Weights &w, Value xt, State s) {
  switch (spec.kind) {
  case Kind::RNN:
    return rnnStep(w, xt, s);
  case Kind::GRU:
    return gruStep(w, xt, s);
  case Kind::LSTM:
    return lstmStep(w, xt, s);
  }
  llvm_unreachable("unknown kind");
}

/// sequence_lens as [B, 1] for comparing with each step's index; null when
/// absent or a constant no shorter than the sequence.
Value Unroller::validRows(int64_t steps) {
  Value lens = b.input(4);
  SmallVector<int64_t> values;
  if (!lens || (!ShapedType::isDynamic(steps) &&
                OpBinder::constInts(lens, values) &&
                llvm::all_of(values, [&](int64_t v) { return v >= steps; })))
    return nullptr;
  return unsqueeze(lens, {1});
}

std::pair<State, Value> Unroller::loop(const Weights &w, Value x, State s,
                                       bool reverse, Value lens) {
  bool lstm = spec.kind == Kind::LSTM;
  Type i64 = b.b.getI64Type();
  Value trip = op<tg::ShapeOp>(
      {x}, {b.named("start", b.i64(0)), b.named("end", b.i64(1))});
  auto trip0 = trip ? toScalar(b, trip) : FailureOr<Value>(failure());
  if (failed(trip0) || !s.h || (lstm && !s.c))
    return {};
  if (lens) { // compared with the i64 step index in the body
    auto l64 = b.castTo(lens, i64);
    if (failed(l64))
      return {};
    lens = *l64;
  }
  SmallVector<Value> inits = {s.h};
  if (lstm)
    inits.push_back(s.c);
  auto body = buildRegion(
      b, bodyArgTypes(b, inits),
      [&](Block &blk) -> FailureOr<SmallVector<Value>> {
        Value t = blk.getArgument(0);
        if (reverse) // steps - 1 - k
          t = sub(sub(*trip0, b.scalar(i64, 1)), t);
        State cur{blk.getArgument(2), lstm ? blk.getArgument(3) : Value()};
        Value xt = op<tg::GatherOp>({w.xw, t}, {b.named("axis", b.i64(0))});
        State next = step(w, xt, cur);
        Value y = next.h;
        if (lens) { // Rows past their length keep their state and output 0.
          Value valid = op<tg::LessOp>({t, lens});
          y = op<tg::SelectOp>({valid, next.h, scalar(0)});
          next.h = op<tg::SelectOp>({valid, next.h, cur.h});
          if (lstm)
            next.c = op<tg::SelectOp>({valid, next.c, cur.c});
        }
        if (!next.h || (lstm && !next.c) || !y)
          return failure();
        SmallVector<Value> yielded = {blk.getArgument(1), next.h};
        if (lstm)
          yielded.push_back(next.c);
        yielded.push_back(y);
        return yielded;
      });
  if (failed(body))
    return {};
  SmallVector<Value> operands = {*trip0,
                                 scalarOf(b.b, b.loc, b.b.getI1Type(),
                                          b.b.getBoolAttr(true))};
  operands.append(inits);
  SmallVector<std::unique_ptr<Region>> regions;
  regions.push_back(std::move(*body));
  auto l = makeRegionOp<tg::LoopOp>(b, operands, std::move(regions));
  if (failed(l))
    return {};
  ValueRange r = (*l)->getResults();
  State final{r[0], lstm ? r[1] : Value()};
  Value ys = r.back();
  if (reverse) // the scan stacked the last step first
    ys = op<tg::SliceOp>({ys, b.constI64({-1}),
                          b.constI64({std::numeric_limits<int64_t>::min()}),
                          b.constI64({0}), b.constI64({-1})});
  return {final, ys};
}

LogicalResult Unroller::build() {
  Value x = b.input(0);
  if (b.rankOf(x) != 3 || b.rankOf(b.input(1)) != 3 ||
      b.rankOf(b.input(2)) != 3)
    return b.fail("X, W and R must have rank 3");
  if (spec.batchwise) // [B, T, I] -> [T, B, I]
    x = op<tg::TransposeOp>({x}, {b.named("perm", b.array({1, 0, 2}))});
  int64_t steps = b.typeOf(x).getDimSize(0);
  if (steps == 0)
    return b.fail("the sequence length (X dim " + Twine(spec.batchwise) +
                  ") must be non-zero");
  bool dynamicSteps = ShapedType::isDynamic(steps);
  int64_t wDirs = b.typeOf(b.input(1)).getDimSize(0);
  if (!ShapedType::isDynamic(wDirs) && wDirs != spec.dirs)
    return b.fail("W has " + Twine(wDirs) + " directions; direction says " +
                  Twine(spec.dirs));
  Value lens = validRows(steps);
  int64_t stateAxis = spec.batchwise ? 1 : 0; // of initial_h, Y_h, Y_c
  bool lstm = spec.kind == Kind::LSTM;

  SmallVector<Value> yOut, hs, cs; // per direction: Y, Y_h, Y_c
  for (int64_t d = 0; d < spec.dirs; ++d) {
    Weights w = weights(x, d);
    State s;
    s.h = b.input(5) ? pick(b.input(5), stateAxis, d) : zeroState(x);
    if (lstm)
      s.c = b.input(6) ? pick(b.input(6), stateAxis, d) : zeroState(x);
    bool reverse = spec.reverse || d == 1;
    if (dynamicSteps) {
      auto [final, ys] = loop(w, x, s, reverse, lens);
      if (!final.h || !ys)
        return failure();
      s = final;
      if (b.outputUsed(0)) { // [T, 1, B, H], or batchwise [B, T, 1, H]
        if (spec.batchwise)
          ys = op<tg::TransposeOp>({ys}, {b.named("perm", b.array({1, 0, 2}))});
        ys = unsqueeze(ys, {stateAxis + 1});
        if (!ys)
          return failure();
        yOut.push_back(ys);
      }
      if (b.outputUsed(1))
        hs.push_back(unsqueeze(s.h, {stateAxis}));
      if (lstm && b.outputUsed(2))
        cs.push_back(unsqueeze(s.c, {stateAxis}));
      continue;
    }
    SmallVector<Value> y(steps);
    for (int64_t k = 0; k < steps; ++k) {
      int64_t t = reverse ? steps - 1 - k : k;
      State next = step(w, pick(w.xw, 0, t), s);
      y[t] = next.h;
      if (lens) { // Rows past their length keep their state and output 0.
        Value valid = op<tg::LessOp>(
            {b.scalar(b.typeOf(lens).getElementType(), t), lens});
        y[t] = op<tg::SelectOp>({valid, next.h, scalar(0)});
        next.h = op<tg::SelectOp>({valid, next.h, s.h});
        if (lstm)
          next.c = op<tg::SelectOp>({valid, next.c, s.c});
      }
      s = next;
      if (!s.h || (lstm && !s.c) || !y[t])
        return failure();
    }
    if (b.outputUsed(0)) { // [T, 1, B, H], or batchwise [B, T, 1, H]
      SmallVector<int64_t, 2> axes = {stateAxis, stateAxis + 1};
      for (Value &v : y)
        v = unsqueeze(v, axes);
      yOut.push_back(concat(y, stateAxis));
    }
    if (b.outputUsed(1))
      hs.push_back(unsqueeze(s.h, {stateAxis}));
    if (lstm && b.outputUsed(2))
      cs.push_back(unsqueeze(s.c, {stateAxis}));
  }
  SmallVector<Value> results(lstm ? 3 : 2);
  if (b.outputUsed(0))
    results[0] = concat(yOut, stateAxis + 1);
  if (b.outputUsed(1))
    results[1] = concat(hs, stateAxis);
  if (lstm && b.outputUsed(2))
    results[2] = concat(cs, stateAxis);
  for (auto [i, v] : llvm::enumerate(results))
    if (b.outputUsed(i) && !v)
      return failure();
  return b.setResults(results);
}

template <Kind kind>
LogicalResult recurrent(OpBinder &b) {
  if (failed(b.need(3)) || failed(b.onlyOutputs(kind == Kind::LSTM ? 3 : 2)))
    return failure();
  Type elem = b.typeOf(b.input(0)).getElementType();
  if (!isa<FloatType>(elem))
    return b.fail("X must be a float tensor");
  auto spec = parseSpec(b, kind);
  if (failed(spec))
    return failure();
  return Unroller(b, *spec, elem).build();
}

} // namespace

void mlir::tangram::onnx_importer::registerRecurrentHandlers(HandlerTable &t) {
  t.on("RNN", 7, recurrent<Kind::RNN>);
  t.on("GRU", 7, recurrent<Kind::GRU>);
  t.on("LSTM", 7, recurrent<Kind::LSTM>);
}
