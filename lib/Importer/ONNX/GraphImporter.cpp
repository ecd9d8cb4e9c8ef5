//===- GraphImporter.cpp - ONNX graph to a tg function --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The import driver: checks opsets and ops up front (reporting every
// unsupported op of the model at once), orders the nodes (rejecting unknown
// names and cycles), turns initializers into constants and runs one handler
// per node. The result is cleaned up by shape inference and canonicalization.
//
//===----------------------------------------------------------------------===//
#include "FunctionExpansion.h"
#include "Graph/GraphDialect.h"
#include "ModelLoader.h"
#include "OpBinder.h"
#include "TensorConversion.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "tangram/Importer/ONNX/Importer.h"
#include "tangram/Transforms/Passes.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <deque>

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

void mlir::tangram::registerImporterDialects(DialectRegistry &registry) {
  registry.insert<tg::TGDialect, func::FuncDialect>();
}

namespace {

class GraphImporter {
public:
  GraphImporter(onnx::ModelProto &model, StringRef baseDir, StringRef name,
                MLIRContext &ctx)
      : model(model), baseDir(baseDir), state{&ctx,       OpBuilder(&ctx),
                                              name.str(), baseDir.str(),
                                              {},         {},
                                              {},         {},
                                              {}} {}

  OwningOpRef<ModuleOp> run(std::string &error);

private:
  LogicalResult readOpsets();
  LogicalResult checkOps();
  /// An unsupported op type, how many nodes have it, and the first few of
  /// their names (so a user can find them in the model).
  struct MissingOp {
    std::string entry;
    int count = 0;
    std::vector<std::string> nodes;
  };
  LogicalResult checkNodes(const onnx::GraphProto &graph,
                           std::vector<MissingOp> &missing);
  LogicalResult orderNodes(const onnx::GraphProto &graph,
                           const llvm::StringSet<> &outer,
                           std::vector<const onnx::NodeProto *> &order);
  FailureOr<SmallVector<Value>> importSubgraph(const onnx::GraphProto &graph,
                                               ValueRange inputs);
  LogicalResult importNode(const onnx::NodeProto &node, int64_t opset,
                           unsigned depth);
  FailureOr<Type> convertValueType(const onnx::ValueInfoProto &v,
                                   StringRef what);
  LogicalResult fail(const Twine &msg) {
    if (state.error.empty())
      state.error = state.modelName + ": " + msg.str();
    return failure();
  }
  int64_t opsetOf(StringRef domain) const {
    return opsets.lookup(domain == "ai.onnx" ? "" : domain);
  }
  /// Counts expanded function nodes, to name their bodies' values uniquely.
  unsigned numExpansions = 0;

  onnx::ModelProto &model;
  std::string baseDir;
  ImportState state;
  llvm::StringMap<int64_t> opsets;
};

} // namespace

/// The newest opset Tangram knows of each domain it has handlers in (onnx
/// 1.17): a newer one may have changed an op's meaning. Other domains are
/// not checked here; their nodes are reported by checkOps.
static int64_t maxOpset(StringRef domain) {
  return llvm::StringSwitch<int64_t>(domain)
      .Cases({"", "ai.onnx"}, kMaxOnnxOpset)
      .Case("ai.onnx.ml", 5)
      .Case("ai.onnx.preview.training", 1)
      .Default(0);
}

/// A model may import any set of domains (ai.onnx.ml models often import
/// only ai.onnx.ml); a node whose domain is not imported is reported by
/// checkOps.
LogicalResult GraphImporter::readOpsets() {
  for (const auto &o : model.opset_import())
    opsets[o.domain() == "ai.onnx" ? "" : o.domain()] = o.version();
  if (opsets.empty())
    return fail("the model imports no opset");
  for (const auto &o : model.opset_import()) {
    StringRef domain = o.domain();
    if (domain.empty())
      domain = "ai.onnx";
    int64_t max = maxOpset(domain);
    if (max && (o.version() < 1 || o.version() > max))
      return fail("unsupported opset " + Twine(o.version()) + " for domain " +
                  domain + " (Tangram handles opsets 1 to " + Twine(max) +
                  ")");
  }
  return success();
}

/// How many node names an unsupported-op error gives per op type.
static constexpr size_t kNodesNamed = 3;

/// Collects the unsupported ops of `graph` and of its subgraphs.
LogicalResult GraphImporter::checkNodes(const onnx::GraphProto &graph,
                                        std::vector<MissingOp> &missing) {
  const HandlerTable &table = HandlerTable::get();
  for (const auto &node : graph.node()) {
    for (const auto &a : node.attribute())
      if (a.has_g())
        (void)checkNodes(a.g(), missing);
    StringRef domain = node.domain();
    int64_t opset = opsetOf(domain);
    std::string d = domain.empty() ? "ai.onnx" : domain.str();
    std::string entry;
    if (opset == 0)
      entry = node.op_type() + " (domain " + d + " not imported)";
    else if (!table.lookup(domain, node.op_type(), opset) &&
             !hasFunctionBody(domain, node.op_type(), opset))
      entry = node.op_type() + (domain.empty() || domain == "ai.onnx"
                                    ? std::string()
                                    : " (domain " + d + ")");
    if (entry.empty())
      continue;
    auto it = llvm::find_if(missing, [&](auto &m) { return m.entry == entry; });
    if (it == missing.end())
      it = missing.insert(missing.end(), MissingOp{entry, 0, {}});
    ++it->count;
    // Unnamed nodes (textual ONNX, some exporters) go by their first output.
    std::string name = !node.name().empty()    ? node.name()
                       : node.output_size() > 0 ? node.output(0)
                                                : std::string();
    if (it->nodes.size() < kNodesNamed && !name.empty())
      it->nodes.push_back(name);
  }
  return success();
}

LogicalResult GraphImporter::checkOps() {
  std::vector<MissingOp> missing;
  (void)checkNodes(model.graph(), missing);
  if (missing.empty())
    return success();
  std::string list;
  int total = 0;
  for (const MissingOp &m : missing) {
    if (!list.empty())
      list += ", ";
    list += "'" + m.entry + "' x" + std::to_string(m.count);
    if (!m.nodes.empty()) {
      list += " (nodes";
      for (auto [i, n] : llvm::enumerate(m.nodes))
        list += (i ? ", '" : " '") + n + "'";
      list += m.count > (int)m.nodes.size() ? ", ...)" : ")";
    }
    total += m.count;
  }
  std::string opset =
      opsetOf("") ? ", ai.onnx opset " + std::to_string(opsetOf("")) : "";
  return fail(Twine(missing.size()) + " unsupported op type" +
              (missing.size() > 1 ? "s" : "") + " (" + Twine(total) +
              " node" + (total > 1 ? "s" : "") + opset +
              "): unsupported op " + list);
}

/// The names a node reads from enclosing scopes through its subgraphs
/// (used there, defined in none of them), which ordering must treat as
/// inputs of the node.
static void freeNames(const onnx::NodeProto &node,
                      std::vector<std::string> &out) {
  for (const auto &a : node.attribute()) {
    if (!a.has_g())
      continue;
    const auto &g = a.g();
    llvm::StringSet<> defined;
    for (const auto &in : g.input())
      defined.insert(in.name());
    for (const auto &init : g.initializer())
      defined.insert(init.name());
    for (const auto &n : g.node())
      for (const auto &o : n.output())
        defined.insert(o);
    auto use = [&](const std::string &name) {
      if (!name.empty() && !defined.contains(name))
        out.push_back(name);
    };
    for (const auto &n : g.node()) {
      for (const auto &in : n.input())
        use(in);
      std::vector<std::string> inner;
      freeNames(n, inner);
      for (const auto &name : inner)
        use(name);
    }
    for (const auto &o : g.output())
      use(o.name());
  }
}

/// Orders the nodes of `graph` so that each comes after the producers of its
/// inputs (those of its subgraphs included); `outer` names the values of
/// enclosing scopes, which are available from the start.
LogicalResult
GraphImporter::orderNodes(const onnx::GraphProto &graph,
                          const llvm::StringSet<> &outer,
                          std::vector<const onnx::NodeProto *> &order) {
  llvm::StringMap<int> producer; // value -> node index, -1 for graph values
  for (const auto &name : outer)
    producer[name.getKey()] = -1;
  for (const auto &in : graph.input())
    producer[in.name()] = -1;
  for (const auto &init : graph.initializer())
    producer[init.name()] = -1;
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto &out : graph.node(i).output()) {
      if (out.empty())
        continue;
      auto [it, inserted] = producer.try_emplace(out, i);
      // A subgraph may shadow an enclosing scope's name, nothing else.
      if (!inserted && (it->second >= 0 || !outer.contains(out)))
        return fail("value '" + out + "' is defined more than once");
      it->second = i;
    }
  std::vector<int> pending(graph.node_size(), 0);
  std::vector<std::vector<int>> users(graph.node_size());
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto &node = graph.node(i);
    std::vector<std::string> inputs(node.input().begin(), node.input().end());
    freeNames(node, inputs);
    for (const auto &in : inputs) {
      if (in.empty())
        continue;
      auto it = producer.find(in);
      if (it == producer.end())
        return fail("node '" + node.name() + "' (" + node.op_type() +
                    ") uses the undefined value '" + in + "'");
      if (it->second >= 0 && it->second != i) {
        ++pending[i];
        users[it->second].push_back(i);
      }
    }
  }
  std::deque<int> ready;
  for (int i = 0; i < graph.node_size(); ++i)
    if (pending[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(&graph.node(i));
    for (int u : users[i])
      if (--pending[u] == 0)
        ready.push_back(u);
  }
  if ((int)order.size() != graph.node_size()) {
    for (int i = 0; i < graph.node_size(); ++i)
      if (pending[i] > 0)
        return fail("the graph has a cycle through node '" +
                    graph.node(i).name() + "' (" + graph.node(i).op_type() +
                    ")");
  }
  for (const auto &out : graph.output())
    if (!producer.count(out.name()))
      return fail("graph output '" + out.name() + "' is never computed");
  return success();
}

/// A subgraph imports in place: its inputs are bound to `inputs`, its
/// initializers become constants, its nodes are imported in order, and the
/// enclosing scopes' names stay visible but are restored afterwards (a
/// subgraph may shadow them).
FailureOr<SmallVector<Value>>
GraphImporter::importSubgraph(const onnx::GraphProto &graph,
                              ValueRange inputs) {
  llvm::StringMap<Value> saved = state.values;
  llvm::scope_exit restore([&] { state.values = std::move(saved); });
  llvm::StringSet<> outer;
  for (const auto &entry : state.values)
    outer.insert(entry.getKey());
  std::vector<const onnx::NodeProto *> order;
  if (failed(orderNodes(graph, outer, order)))
    return failure();
  for (auto [in, v] : llvm::zip(graph.input(), inputs))
    state.values[in.name()] = v;
  OpBuilder &b = state.builder;
  Location fileLoc = FileLineColLoc::get(state.ctx, state.modelName, 0, 0);
  for (const auto &init : graph.initializer()) {
    onnx::TensorProto copy = init;
    std::string err;
    ElementsAttr value = convertTensor(copy, baseDir, state.ctx, err);
    if (!value)
      return (void)fail(err), failure();
    state.values[init.name()] = tg::ConstantOp::create(
        b, NameLoc::get(b.getStringAttr(init.name()), fileLoc), value);
  }
  for (const onnx::NodeProto *node : order)
    if (failed(importNode(*node, opsetOf(node->domain()), 0)))
      return failure();
  SmallVector<Value> outs;
  for (const auto &o : graph.output()) {
    Value v = state.values.lookup(o.name());
    if (!v)
      return (void)fail("subgraph output '" + o.name() + "' is not computed"),
             failure();
    outs.push_back(v);
  }
  return outs;
}

FailureOr<Type> GraphImporter::convertValueType(const onnx::ValueInfoProto &v,
                                                StringRef what) {
  std::string err;
  Type t = convertTypeProto(v.type(), state.ctx, /*allowUnranked=*/false, err);
  if (!t)
    return (void)fail(what + " '" + v.name() + "' " +
                (StringRef(err).starts_with("is ") ? err : "has " + err)),
           failure();
  return t;
}

/// Ops whose handlers take sequences, optionals and tensors of unknown
/// rank; every other handler gets ranked tensors only.
static bool takesNonTensors(StringRef op) {
  return llvm::is_contained(
      {"Identity", "If", "Loop", "SequenceConstruct", "SequenceEmpty",
       "SequenceInsert", "SequenceAt", "SequenceErase", "SequenceLength",
       "SplitToSequence", "ConcatFromSequence", "Optional",
       "OptionalHasElement", "OptionalGetElement"},
      op);
}

/// Imports one node with its handler, or expands it into its ONNX function
/// body (whose nodes are imported in turn, against the body's opsets).
LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int64_t opset, unsigned depth) {
  OpBuilder &b = state.builder;
  std::string name = node.name().empty()
                         ? (node.output_size() ? node.output(0) : "")
                         : node.name();
  Location loc = NameLoc::get(
      b.getStringAttr(name), FileLineColLoc::get(state.ctx, state.modelName, 0, 0));
  OpBinder binder(state, node, opset, loc);
  // Every node input must be bound (an earlier node may have produced
  // nothing for an optional output a later node reads).
  for (const auto &in : node.input())
    if (!in.empty() && !state.values.count(in))
      return binder.fail("input '" + in + "' has no value");
  if (const Handler *h =
          HandlerTable::get().lookup(node.domain(), node.op_type(), opset)) {
    if (!takesNonTensors(node.op_type()))
      for (unsigned i = 0; i < binder.numInputs(); ++i)
        if (Value v = binder.input(i); v && !isa<RankedTensorType>(v.getType()))
          return binder.fail("input '" + node.input(i) + "' is " +
                             (isa<TensorType>(v.getType())
                                  ? "a tensor of unknown rank"
                                  : "a sequence or an optional") +
                             "; this op takes ranked tensors");
    if (failed((*h)(binder)))
      return binder.fail("cannot import this node");
    return success();
  }
  // Function bodies do not recurse in valid ONNX; a bound keeps a broken
  // schema from looping.
  if (depth > 8)
    return binder.fail("function bodies nest too deeply");
  SmallVector<Type> inputTypes;
  for (unsigned i = 0; i < binder.numInputs(); ++i)
    inputTypes.push_back(binder.hasInput(i) ? binder.input(i).getType()
                                            : Type());
  std::string err;
  std::string prefix = name + "/" + node.op_type() + "#" +
                       std::to_string(numExpansions++);
  auto body = expandFunction(node, opset, inputTypes, prefix, err);
  if (failed(body))
    return binder.fail(err.empty() ? "unsupported op" : err);
  for (const onnx::NodeProto &inner : body->nodes) {
    std::string d = inner.domain() == "ai.onnx" ? "" : inner.domain();
    int64_t innerOpset =
        body->opsets.count(d) ? body->opsets.lookup(d) : opsetOf(d);
    if (innerOpset == 0)
      return binder.fail("its function body uses domain '" + d +
                         "', which the model does not import");
    if (failed(importNode(inner, innerOpset, depth + 1)))
      return failure();
  }
  for (const auto &out : node.output())
    if (!out.empty() && !state.values.count(out))
      return binder.fail("its function body does not compute output '" + out +
                         "'");
  return success();
}

/// The ONNX dim_param names of a graph input's or output's dims ("" for
/// the others), or null when it names none: the bundle records them so
/// the runtime can check that dims of one name agree.
static ArrayAttr dimNamesOf(const onnx::ValueInfoProto &v, OpBuilder &b) {
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
    return nullptr;
  SmallVector<Attribute> names;
  bool any = false;
  for (const auto &d : v.type().tensor_type().shape().dim()) {
    bool named = !d.has_dim_value() && d.has_dim_param() && !d.dim_param().empty();
    any |= named;
    names.push_back(b.getStringAttr(named ? d.dim_param() : ""));
  }
  return any ? b.getArrayAttr(names) : nullptr;
}


OwningOpRef<ModuleOp> GraphImporter::run(std::string &error) {
  MLIRContext *ctx = state.ctx;
  ctx->loadDialect<tg::TGDialect, func::FuncDialect>();
  // Diagnostics from type inference and verification become import errors.
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error) {
      state.lastDiagnosticNode.clear();
      if (auto nl = dyn_cast<NameLoc>(d.getLocation()))
        state.lastDiagnosticNode = nl.getName().str();
      state.lastDiagnostic = d.str();
    }
    return success();
  });
  auto done = [&]() -> OwningOpRef<ModuleOp> {
    error = state.error;
    return nullptr;
  };
  if (failed(readOpsets()) || failed(checkOps()))
    return done();
  std::vector<const onnx::NodeProto *> order;
  if (failed(orderNodes(model.graph(), {}, order)))
    return done();
  state.importGraph = [this](const onnx::GraphProto &g, ValueRange inputs) {
    return importSubgraph(g, inputs);
  };

  auto &graph = *model.mutable_graph();
  Location fileLoc = FileLineColLoc::get(ctx, state.modelName, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder &b = state.builder;
  b.setInsertionPointToEnd(module->getBody());

  llvm::StringSet<> initNames;
  for (const auto &init : graph.initializer())
    initNames.insert(init.name());
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<ArrayAttr> argDims;
  for (const auto &in : graph.input()) {
    if (initNames.contains(in.name()))
      continue; // An initializer's default: imported as a constant.
    auto t = convertValueType(in, "graph input");
    if (failed(t))
      return done();
    argTypes.push_back(*t);
    argNames.push_back(in.name());
    argDims.push_back(dimNamesOf(in, b));
  }
  for (const auto &out : graph.output())
    if (failed(convertValueType(out, "graph output")))
      return done();

  auto func = func::FuncOp::create(b, fileLoc, "main",
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "tg.name", b.getStringAttr(name));
    if (argDims[i])
      func.setArgAttr(i, "tg.dims", argDims[i]);
    state.values[name] = entry->getArgument(i);
  }
  b.setInsertionPointToStart(entry);

  for (auto &init : *graph.mutable_initializer()) {
    std::string err;
    ElementsAttr value = convertTensor(init, baseDir, ctx, err);
    if (!value) {
      (void)fail(err);
      return done();
    }
    Location loc = NameLoc::get(b.getStringAttr(init.name()), fileLoc);
    state.values[init.name()] = tg::ConstantOp::create(b, loc, value);
  }

  for (const onnx::NodeProto *node : order)
    if (failed(importNode(*node, opsetOf(node->domain()), 0)))
      return done();

  SmallVector<Value> results;
  for (const auto &out : graph.output())
    results.push_back(state.values.lookup(out.name()));
  if (llvm::any_of(results, [](Value v) { return !v; })) {
    (void)fail("a graph output is not computed");
    return done();
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, out] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "tg.name", b.getStringAttr(out.name()));
    if (ArrayAttr dims = dimNamesOf(out, b))
      func.setResultAttr(i, "tg.dims", dims);
    if (!out.type().has_tensor_type())
      continue; // Sequences and optionals: their element types are joined.
    Type declared = convertElementType(out.type().tensor_type().elem_type(), ctx);
    auto computedT = dyn_cast<TensorType>(results[i].getType());
    Type computed = computedT ? computedT.getElementType() : Type();
    if (declared != computed) {
      (void)fail("graph output '" + out.name() + "' is declared " +
           dataTypeName(out.type().tensor_type().elem_type()) +
           " but computes another element type");
      return done();
    }
  }

  auto where = [&] {
    return state.lastDiagnosticNode.empty()
               ? std::string()
               : "node '" + state.lastDiagnosticNode + "': ";
  };
  state.lastDiagnostic.clear();
  if (failed(verify(*module))) {
    (void)fail(where() + "the imported graph does not verify: " +
         state.lastDiagnostic);
    return done();
  }
  PassManager pm(ctx);
  buildImportCleanupPipeline(pm);
  if (failed(pm.run(*module))) {
    (void)fail(where() + "shape inference failed: " + state.lastDiagnostic);
    return done();
  }
  return module;
}

OwningOpRef<ModuleOp> mlir::tangram::importONNXBytes(StringRef bytes,
                                                     StringRef baseDir,
                                                     StringRef displayName,
                                                     MLIRContext &context,
                                                     std::string &error) {
  onnx::ModelProto model;
  std::string err;
  bool textual = displayName.ends_with(".onnxtxt");
  if (!parseModel(bytes, textual, model, err)) {
    error = displayName.str() + ": " + err;
    return nullptr;
  }
  GraphImporter importer(model, baseDir, displayName, context);
  return importer.run(error);
}

OwningOpRef<ModuleOp> mlir::tangram::importONNXFile(StringRef path,
                                                    MLIRContext &context,
                                                    std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = path.str() + ": cannot open file: " + buffer.getError().message();
    return nullptr;
  }
  StringRef dir = llvm::sys::path::parent_path(path);
  return importONNXBytes((*buffer)->getBuffer(), dir.empty() ? "." : dir, path,
                         context, error);
}
