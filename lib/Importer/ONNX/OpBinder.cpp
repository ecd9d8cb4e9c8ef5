//===- OpBinder.cpp - what an ONNX op handler sees -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "OpBinder.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

Value OpBinder::input(unsigned i) const {
  if ((int)i >= node.input_size() || node.input(i).empty())
    return nullptr;
  return state.values.lookup(node.input(i));
}

Value OpBinder::foldNow(Operation *op) {
  SmallVector<OpFoldResult> folded;
  if (op->getNumResults() != 1 || failed(op->fold(folded)) ||
      folded.size() != 1)
    return op->getResult(0);
  Value result = op->getResult(0);
  Value replacement = llvm::dyn_cast_if_present<Value>(folded[0]);
  if (!replacement) {
    auto attr = dyn_cast<ElementsAttr>(cast<Attribute>(folded[0]));
    if (!attr || attr.getType() != result.getType())
      return result;
    replacement = tg::ConstantOp::create(b, loc, attr);
  }
  if (replacement.getType() != result.getType())
    return result;
  op->erase();
  return replacement;
}

LogicalResult OpBinder::need(unsigned n) {
  for (unsigned i = 0; i < n; ++i)
    if (!input(i))
      return fail("required input " + Twine(i) + " is missing");
  return success();
}

LogicalResult OpBinder::setResults(ValueRange values) {
  for (auto [i, v] : llvm::enumerate(values)) {
    if ((int)i >= node.output_size())
      break;
    if (!node.output(i).empty())
      state.values[node.output(i)] = v;
  }
  for (int i = values.size(); i < node.output_size(); ++i)
    if (!node.output(i).empty())
      return fail("output " + Twine(i) + " ('" + node.output(i) +
                  "') is not supported");
  return success();
}

LogicalResult OpBinder::onlyOutputs(unsigned n) {
  for (int i = n; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      return fail("output " + Twine(i) + " ('" + node.output(i) +
                  "') is not supported");
  return success();
}

const onnx::AttributeProto *OpBinder::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

const onnx::GraphProto *OpBinder::graph(StringRef name) const {
  const auto *a = attr(name);
  return a && a->has_g() ? &a->g() : nullptr;
}

FailureOr<SmallVector<Value>> OpBinder::subgraph(StringRef name,
                                                 ValueRange inputs) {
  const onnx::GraphProto *g = graph(name);
  if (!g)
    return (void)fail("graph attribute '" + name + "' is required"), failure();
  if (g->input_size() != (int)inputs.size())
    return (void)fail("'" + name + "' takes " + Twine(g->input_size()) +
                      " inputs; expected " + Twine(inputs.size())),
           failure();
  auto outs = state.importGraph(*g, inputs);
  if (failed(outs))
    return (void)fail("in '" + name + "'"), failure();
  return outs;
}

int64_t OpBinder::i(StringRef name, int64_t def) const {
  const auto *a = attr(name);
  return a ? a->i() : def;
}

float OpBinder::f(StringRef name, float def) const {
  const auto *a = attr(name);
  return a ? a->f() : def;
}

std::string OpBinder::s(StringRef name, StringRef def) const {
  const auto *a = attr(name);
  return a ? a->s() : def.str();
}

SmallVector<int64_t> OpBinder::ints(StringRef name) const {
  SmallVector<int64_t> out;
  if (const auto *a = attr(name))
    out.assign(a->ints().begin(), a->ints().end());
  return out;
}

SmallVector<float> OpBinder::floats(StringRef name) const {
  SmallVector<float> out;
  if (const auto *a = attr(name))
    out.assign(a->floats().begin(), a->floats().end());
  return out;
}

Value OpBinder::constI64(ArrayRef<int64_t> values) {
  auto t = RankedTensorType::get({(int64_t)values.size()}, b.getI64Type());
  return tg::ConstantOp::create(b, loc, t, DenseIntElementsAttr::get(t, values));
}

FailureOr<Value> OpBinder::castTo(Value v, Type elem, bool saturate) {
  if (typeOf(v).getElementType() == elem)
    return v;
  SmallVector<NamedAttribute> attrs{named("to", TypeAttr::get(elem))};
  if (!saturate)
    attrs.push_back(named("saturate", BoolAttr::get(ctx, false)));
  return make<tg::CastOp>({v}, attrs);
}

Value OpBinder::scalar(Type elem, double value) {
  auto t = RankedTensorType::get({}, elem);
  Attribute a;
  if (auto ft = dyn_cast<FloatType>(elem)) {
    APFloat v(value);
    bool lost;
    v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    a = DenseElementsAttr::get(t, v);
  } else if (elem.isInteger(1)) {
    a = DenseElementsAttr::get(t, value != 0);
  } else {
    a = DenseElementsAttr::get(
        t, APInt(elem.getIntOrFloatBitWidth(), (int64_t)value, true));
  }
  return tg::ConstantOp::create(b, loc, t, cast<ElementsAttr>(a));
}

LogicalResult OpBinder::requireConstInts(unsigned i, StringRef what,
                                         SmallVectorImpl<int64_t> &out) {
  Value v = input(i);
  if (!v)
    return fail(Twine(what) + " is missing");
  // A tensor with no elements has no values to wait for: a runtime input
  // declared with shape [0] (the "default axes" form) is known now.
  if (typeOf(v).hasStaticShape() && typeOf(v).getNumElements() == 0) {
    out.clear();
    return success();
  }
  if (!constInts(v, out))
    return fail(Twine(what) + " must be a constant (an initializer or a "
                              "Constant node); runtime values are not supported");
  return success();
}

FailureOr<int64_t> OpBinder::axis(int64_t a, int64_t rank) {
  if (a < -rank || a >= rank) {
    (void)fail("axis " + Twine(a) + " is out of range for rank " + Twine(rank));
    return failure();
  }
  return a < 0 ? a + rank : a;
}

FailureOr<SmallVector<int64_t>> OpBinder::axes(ArrayRef<int64_t> a,
                                               int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t x : a) {
    auto n = axis(x, rank);
    if (failed(n))
      return failure();
    out.push_back(*n);
  }
  llvm::sort(out);
  if (std::adjacent_find(out.begin(), out.end()) != out.end()) {
    (void)fail("repeated axis");
    return failure();
  }
  return out;
}

LogicalResult OpBinder::fail(const Twine &message) {
  if (state.error.empty()) {
    // Unnamed nodes are named after their first output, as their locations are.
    std::string name = !node.name().empty()        ? node.name()
                       : node.output_size() > 0 ? node.output(0)
                                                : "<unnamed>";
    std::string domain = node.domain().empty() ? "ai.onnx" : node.domain();
    state.error = state.modelName + ": node '" + name + "' (" +
                  node.op_type() + ", domain " + domain + ", opset " +
                  std::to_string(opset) + "): " + message.str();
  }
  return failure();
}

//===----------------------------------------------------------------------===//
// HandlerTable
//===----------------------------------------------------------------------===//

static std::string key(StringRef domain, StringRef op) {
  if (domain == "ai.onnx")
    domain = "";
  return (domain + "::" + op).str();
}

void HandlerTable::on(StringRef op, int sinceVersion, Handler h,
                      StringRef domain) {
  auto &list = table[key(domain, op)];
  list.emplace_back(sinceVersion, std::move(h));
  llvm::sort(list, [](auto &a, auto &b) { return a.first < b.first; });
}

const Handler *HandlerTable::lookup(StringRef domain, StringRef op,
                                    int64_t opset) const {
  auto it = table.find(key(domain, op));
  if (it == table.end())
    return nullptr;
  const Handler *best = nullptr;
  for (const auto &[since, h] : it->second)
    if (since <= opset)
      best = &h;
  return best;
}

const HandlerTable &HandlerTable::get() {
  static const HandlerTable table = [] {
    HandlerTable t;
    registerElementwiseHandlers(t);
    registerNNHandlers(t);
    registerVisionHandlers(t);
    registerSignalHandlers(t);
    registerRandomHandlers(t);
    registerControlFlowHandlers(t);
    registerSequenceHandlers(t);
    registerRecurrentHandlers(t);
    registerShapeHandlers(t);
    registerTrainingHandlers(t);
    registerMLHandlers(t);
    return t;
  }();
  return table;
}
