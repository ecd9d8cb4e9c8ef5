//===- FunctionExpansion.cpp - ONNX function bodies of composite ops -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "FunctionExpansion.h"
#include "Graph/GraphOps.h"
#include "TensorConversion.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSet.h"
#include <functional>
#include <onnx/defs/schema.h>

using namespace mlir;
using namespace mlir::tangram::onnx_importer;

static const onnx::OpSchema *schemaOf(StringRef domain, StringRef opType,
                                      int64_t opset) {
  std::string d = domain == "ai.onnx" ? "" : domain.str();
  return onnx::OpSchemaRegistry::Schema(opType.str(), (int)opset, d);
}

bool mlir::tangram::onnx_importer::hasFunctionBody(StringRef domain,
                                                   StringRef opType,
                                                   int64_t opset) {
  const onnx::OpSchema *s = schemaOf(domain, opType, opset);
  return s && (s->HasFunction() || s->HasContextDependentFunction());
}

/// The TypeProto a context-dependent body builder sees for a value:
/// tensors (ranked or not), sequences and optionals of them.
static onnx::TypeProto typeProtoOf(Type t) {
  onnx::TypeProto proto;
  if (!t)
    return proto; // Absent input: an empty TypeProto, as onnx expects.
  if (auto seq = dyn_cast<mlir::tangram::tg::SequenceType>(t)) {
    *proto.mutable_sequence_type()->mutable_elem_type() =
        typeProtoOf(seq.getElementType());
    return proto;
  }
  if (auto opt = dyn_cast<mlir::tangram::tg::OptionalType>(t)) {
    *proto.mutable_optional_type()->mutable_elem_type() =
        typeProtoOf(opt.getValueType());
    return proto;
  }
  auto tensorT = dyn_cast<TensorType>(t);
  if (!tensorT)
    return proto;
  auto *tensor = proto.mutable_tensor_type();
  tensor->set_elem_type(onnxElementType(tensorT.getElementType()));
  if (!tensorT.hasRank())
    return proto;
  auto *shape = tensor->mutable_shape();
  for (int64_t d : tensorT.getShape()) {
    auto *dim = shape->add_dim();
    if (!ShapedType::isDynamic(d))
      dim->set_dim_value(d);
  }
  return proto;
}

/// Renames the names a subgraph of a body node reads from the function's
/// scope (not defined in the subgraph or an enclosing one of it), as the
/// body's own nodes are renamed.
static void
renameFreeNames(onnx::GraphProto &g,
                const std::function<std::string(const std::string &)> &rename,
                llvm::StringSet<> bound) {
  for (const auto &in : g.input())
    bound.insert(in.name());
  for (const auto &init : g.initializer())
    bound.insert(init.name());
  for (const auto &n : g.node())
    for (const auto &o : n.output())
      bound.insert(o);
  for (auto &n : *g.mutable_node()) {
    for (int i = 0; i < n.input_size(); ++i)
      if (!n.input(i).empty() && !bound.contains(n.input(i)))
        n.set_input(i, rename(n.input(i)));
    for (auto &a : *n.mutable_attribute())
      if (a.has_g())
        renameFreeNames(*a.mutable_g(), rename, bound);
  }
  for (auto &o : *g.mutable_output())
    if (!bound.contains(o.name()))
      o.set_name(rename(o.name()));
}

FailureOr<ExpandedFunction> mlir::tangram::onnx_importer::expandFunction(
    const onnx::NodeProto &node, int64_t opset, ArrayRef<Type> inputTypes,
    StringRef prefix, std::string &error) {
  const onnx::OpSchema *schema =
      schemaOf(node.domain(), node.op_type(), opset);
  if (!schema)
    return error = "no ONNX schema for this op", failure();
  onnx::FunctionProto body;
  try {
    if (schema->HasFunction()) {
      body = *schema->GetFunction();
    } else if (schema->HasContextDependentFunction()) {
      std::vector<onnx::TypeProto> types;
      for (Type t : inputTypes)
        types.push_back(typeProtoOf(t));
      onnx::FunctionBodyBuildContextImpl ctx(node, types);
      if (!schema->BuildContextDependentFunction(ctx, body))
        return error = "onnx cannot build the function body of this node",
               failure();
    } else {
      return error = "the op has no ONNX function body", failure();
    }
  } catch (const std::exception &e) {
    return error = std::string("building the function body failed: ") +
                   e.what(),
           failure();
  }
  if (node.input_size() > body.input_size() ||
      node.output_size() > body.output_size())
    return error = "the node has more inputs or outputs than its function",
           failure();

  ExpandedFunction result;
  for (const auto &o : body.opset_import())
    result.opsets[o.domain() == "ai.onnx" ? "" : o.domain()] = o.version();
  // Bodies that name no opset are written against the op's own version.
  if (!result.opsets.count(""))
    result.opsets[""] = schema->SinceVersion();

  // Formal parameters map to the node's values; a formal input the node
  // leaves out maps to "" (absent), a formal output it does not use stays an
  // internal value (it may feed other body nodes).
  llvm::StringMap<std::string> names;
  for (int i = 0; i < body.input_size(); ++i)
    names[body.input(i)] = i < node.input_size() ? node.input(i) : "";
  for (int i = 0; i < body.output_size(); ++i)
    if (i < node.output_size() && !node.output(i).empty())
      names[body.output(i)] = node.output(i);
  auto rename = [&](const std::string &name) -> std::string {
    if (name.empty())
      return name;
    auto it = names.find(name);
    return it != names.end() ? it->second : prefix.str() + "/" + name;
  };

  // Attributes a body node takes from the node (`ref_attr_name`): the node's
  // value, else the schema's default, else the body node goes without it.
  std::map<std::string, onnx::AttributeProto> attrs;
  for (const auto &[name, a] : schema->attributes())
    if (a.default_value.type() != onnx::AttributeProto::UNDEFINED)
      attrs[name] = a.default_value;
  for (const auto &a : node.attribute())
    attrs[a.name()] = a;

  for (const auto &bodyNode : body.node()) {
    onnx::NodeProto n = bodyNode;
    n.clear_input();
    n.clear_output();
    n.clear_attribute();
    for (const auto &in : bodyNode.input())
      n.add_input(rename(in));
    for (const auto &out : bodyNode.output())
      n.add_output(rename(out));
    if (!bodyNode.name().empty())
      n.set_name(prefix.str() + "/" + bodyNode.name());
    for (const auto &a : bodyNode.attribute()) {
      if (a.ref_attr_name().empty()) {
        onnx::AttributeProto &copy = *n.add_attribute();
        copy = a;
        if (copy.has_g())
          renameFreeNames(*copy.mutable_g(), rename, {});
        continue;
      }
      auto it = attrs.find(a.ref_attr_name());
      if (it == attrs.end())
        continue;
      onnx::AttributeProto copy = it->second;
      copy.set_name(a.name());
      *n.add_attribute() = copy;
    }
    result.nodes.push_back(std::move(n));
  }
  return result;
}
