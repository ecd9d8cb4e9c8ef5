//===- OpBinder.h - what an ONNX op handler sees ----------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Handlers are small functions `LogicalResult(OpBinder &)`, registered by
// (op type, since-version) as torch-mlir does. The binder hands them the
// node's operands and attributes with ONNX defaults, builds tg ops with their
// types inferred (never aborting: a failed inference becomes an error naming
// the node) and binds the node's outputs.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_IMPORTER_ONNX_OPBINDER_H
#define TANGRAM_LIB_IMPORTER_ONNX_OPBINDER_H

#include "Graph/GraphOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include <functional>
#include <onnx/onnx_pb.h>

namespace mlir::tangram::onnx_importer {

/// State shared by all nodes of one graph import.
struct ImportState {
  MLIRContext *ctx;
  OpBuilder builder;
  std::string modelName;
  /// Where external-data files are looked up.
  std::string baseDir;
  /// ONNX value name -> SSA value.
  llvm::StringMap<Value> values;
  /// The message of the last error diagnostic MLIR emitted, and the node
  /// (location name) it was about.
  std::string lastDiagnostic;
  std::string lastDiagnosticNode;
  /// The first import error, one line.
  std::string error;
  /// Imports an ONNX subgraph (an If branch, a Loop body) at the builder's
  /// insertion point with its inputs bound to `inputs` and the enclosing
  /// scopes' values visible; returns its outputs. Set by the graph importer.
  std::function<FailureOr<SmallVector<Value>>(const onnx::GraphProto &,
                                              ValueRange)>
      importGraph;
};

class OpBinder {
public:
  OpBinder(ImportState &state, const onnx::NodeProto &node, int64_t opset,
           Location loc)
      : node(node), opset(opset), b(state.builder), loc(loc),
        ctx(state.ctx), state(state) {}

  const onnx::NodeProto &node;
  /// The opset of the node's domain in this model.
  const int64_t opset;
  OpBuilder &b;
  const Location loc;
  MLIRContext *const ctx;

  //===--- operands and results ---------------------------------------===//
  unsigned numInputs() const { return node.input_size(); }
  /// The i-th input; null when absent or given as the empty name.
  Value input(unsigned i) const;
  bool hasInput(unsigned i) const { return (bool)input(i); }
  /// Fails unless inputs 0..n-1 are all given.
  LogicalResult need(unsigned n);
  unsigned numOutputs() const { return node.output_size(); }
  bool outputUsed(unsigned i) const {
    return (int)i < node.output_size() && !node.output(i).empty();
  }
  /// Binds the node's outputs to `values` (in order).
  LogicalResult setResults(ValueRange values);
  LogicalResult setResult(Value v) { return setResults(ValueRange(v)); }
  /// Fails when any output past the first `n` is used.
  LogicalResult onlyOutputs(unsigned n);

  //===--- attributes (with ONNX defaults) ----------------------------===//
  const onnx::AttributeProto *attr(StringRef name) const;
  int64_t i(StringRef name, int64_t def) const;
  float f(StringRef name, float def) const;
  std::string s(StringRef name, StringRef def) const;
  SmallVector<int64_t> ints(StringRef name) const;
  SmallVector<float> floats(StringRef name) const;
  /// The graph attribute `name`, or null.
  const onnx::GraphProto *graph(StringRef name) const;
  /// Imports the graph attribute `name` at the insertion point with its
  /// inputs bound to `inputs` (see ImportState::importGraph).
  FailureOr<SmallVector<Value>> subgraph(StringRef name, ValueRange inputs);

  //===--- types and constants ----------------------------------------===//
  static RankedTensorType typeOf(Value v) {
    return cast<RankedTensorType>(v.getType());
  }
  static int64_t rankOf(Value v) { return typeOf(v).getRank(); }
  /// A 1-D i64 constant.
  Value constI64(ArrayRef<int64_t> values);
  /// A 0-D constant of `elem` type holding `value`.
  Value scalar(Type elem, double value);
  /// `v` cast to element type `elem` (itself if it has it); `saturate`
  /// matters only for 8-bit float targets.
  FailureOr<Value> castTo(Value v, Type elem, bool saturate = true);
  /// The values of a constant integer tensor.
  static bool constInts(Value v, SmallVectorImpl<int64_t> &out) {
    return tg::getConstantInts(v, out);
  }
  /// Input `i` must be a constant integer tensor (shapes, axes).
  LogicalResult requireConstInts(unsigned i, StringRef what,
                                 SmallVectorImpl<int64_t> &out);
  /// Normalizes an axis into [0, rank).
  FailureOr<int64_t> axis(int64_t a, int64_t rank);
  /// Normalizes, sorts and checks a list of axes.
  FailureOr<SmallVector<int64_t>> axes(ArrayRef<int64_t> a, int64_t rank);

  //===--- building tg ops --------------------------------------------===//
  NamedAttribute named(StringRef name, Attribute a) {
    return NamedAttribute(StringAttr::get(ctx, name), a);
  }
  Attribute i64(int64_t v) { return b.getI64IntegerAttr(v); }
  Attribute f32(float v) { return b.getF32FloatAttr(v); }
  Attribute boolean(bool v) { return b.getBoolAttr(v); }
  Attribute str(StringRef v) { return b.getStringAttr(v); }
  Attribute array(ArrayRef<int64_t> v) { return b.getDenseI64ArrayAttr(v); }
  /// The `operandSegmentSizes` of an op whose optional operands are the
  /// null entries of `operands` (absent ONNX inputs).
  NamedAttribute segmentSizes(ArrayRef<Value> operands) {
    SmallVector<int32_t> sizes;
    for (Value v : operands)
      sizes.push_back(v ? 1 : 0);
    return named("operandSegmentSizes", b.getDenseI32ArrayAttr(sizes));
  }
  /// `operands` without the null (absent) entries.
  static SmallVector<Value> present(ArrayRef<Value> operands) {
    SmallVector<Value> out;
    for (Value v : operands)
      if (v)
        out.push_back(v);
    return out;
  }

  /// Builds `OpTy` with inferred result types; fails with an error naming
  /// the node when the operands or attributes are inconsistent.
  template <typename OpTy>
  FailureOr<Operation *> makeOp(ValueRange operands,
                                ArrayRef<NamedAttribute> attrs = {}) {
    OperationState st(loc, OpTy::getOperationName());
    st.addOperands(operands);
    st.addAttributes(attrs);
    if constexpr (!std::is_same_v<typename OpTy::Properties,
                                  EmptyProperties>) {
      auto &properties = st.getOrAddProperties<typename OpTy::Properties>();
      // Defaults first: type inference reads default-valued attributes the
      // node did not give (found by the onnx-import fuzzer: a Reshape built
      // without `allowzero` read a null attribute on a zero dim).
      OpTy::populateDefaultProperties(st.name, properties);
      OpaqueProperties props = &properties;
      if (failed(st.name.getRegisteredInfo()->setOpPropertiesFromAttribute(
              st.name, props, st.attributes.getDictionary(ctx), nullptr)))
        return fail("bad attributes for " + OpTy::getOperationName());
    }
    SmallVector<Type> types;
    state.lastDiagnostic.clear();
    if (failed(OpTy::inferReturnTypes(ctx, loc, st.operands,
                                      st.attributes.getDictionary(ctx),
                                      st.getRawProperties(), st.regions,
                                      types)))
      return fail(state.lastDiagnostic.empty() ? "inconsistent operands"
                                               : state.lastDiagnostic);
    st.addTypes(types);
    return b.create(st);
  }
  template <typename OpTy>
  FailureOr<Value> make(ValueRange operands,
                        ArrayRef<NamedAttribute> attrs = {}) {
    auto op = makeOp<OpTy>(operands, attrs);
    if (failed(op))
      return failure();
    return foldNow(*op);
  }

  /// Builds `OpTy` (as `make`) and binds it to the node's single output.
  template <typename OpTy>
  LogicalResult emit(ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
    auto r = make<OpTy>(operands, attrs);
    return failed(r) ? failure() : setResult(*r);
  }

  /// Folds a just-built single-result op right away, so that shape
  /// computations are constants by the time later nodes infer their types.
  Value foldNow(Operation *op);

  StringRef baseDir() const { return state.baseDir; }
  /// The last error diagnostic MLIR emitted (a verifier's message).
  StringRef lastDiagnostic() const { return state.lastDiagnostic; }

  /// Records an error about this node and returns failure.
  LogicalResult fail(const Twine &message);

private:
  ImportState &state;
};

using Handler = std::function<LogicalResult(OpBinder &)>;

/// Handlers keyed by (domain, op type, since-version).
class HandlerTable {
public:
  void on(StringRef op, int sinceVersion, Handler h, StringRef domain = "");
  /// The handler with the largest since-version <= `opset`, or null.
  const Handler *lookup(StringRef domain, StringRef op, int64_t opset) const;
  /// The table with every handler registered.
  static const HandlerTable &get();

private:
  llvm::StringMap<std::vector<std::pair<int, Handler>>> table;
};

void registerElementwiseHandlers(HandlerTable &t);
void registerNNHandlers(HandlerTable &t);
void registerRecurrentHandlers(HandlerTable &t);
void registerShapeHandlers(HandlerTable &t);
void registerVisionHandlers(HandlerTable &t);
void registerSignalHandlers(HandlerTable &t);
void registerRandomHandlers(HandlerTable &t);
void registerControlFlowHandlers(HandlerTable &t);
void registerSequenceHandlers(HandlerTable &t);
/// Domain ai.onnx.preview.training: the optimizers.
void registerTrainingHandlers(HandlerTable &t);
/// Domain ai.onnx.ml: the ops that are plain tensor arithmetic.
void registerMLHandlers(HandlerTable &t);

} // namespace mlir::tangram::onnx_importer

#endif // TANGRAM_LIB_IMPORTER_ONNX_OPBINDER_H
