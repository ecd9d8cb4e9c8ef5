//===- FunctionExpansion.h - ONNX function bodies of composite ops -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Many ONNX ops (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss,
// DynamicQuantizeLinear, the window functions, ...) are defined by a function
// body made of simpler ops, either fixed in the schema or built from the
// node's attributes and input types. When Tangram has no handler for such an
// op, the importer expands the node into that body, so one handler per
// primitive op covers the composite ones. The schemas come from the onnx
// library we link (libonnx), so only bodies that version knows are used.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_IMPORTER_ONNX_FUNCTIONEXPANSION_H
#define TANGRAM_LIB_IMPORTER_ONNX_FUNCTIONEXPANSION_H

#include "mlir/IR/Types.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"
#include <onnx/onnx_pb.h>
#include <string>
#include <vector>

namespace mlir::tangram::onnx_importer {

/// A node's op replaced by the nodes of its function body.
struct ExpandedFunction {
  /// The body's nodes with the node's inputs, outputs and attributes
  /// substituted and the body's own values renamed to be unique.
  std::vector<onnx::NodeProto> nodes;
  /// The opset of each domain the body's nodes are written against.
  llvm::StringMap<int64_t> opsets;
};

/// Whether the op has an ONNX function body at this opset (static, or built
/// from the node's context).
bool hasFunctionBody(StringRef domain, StringRef opType, int64_t opset);

/// Expands `node` into its function body. `inputTypes[i]` is the type of
/// input i (null when absent); context-dependent bodies are built from them.
/// `prefix` makes the body's internal value names unique. On failure, sets
/// `error` to one line.
FailureOr<ExpandedFunction> expandFunction(const onnx::NodeProto &node,
                                           int64_t opset,
                                           ArrayRef<Type> inputTypes,
                                           StringRef prefix,
                                           std::string &error);

} // namespace mlir::tangram::onnx_importer

#endif // TANGRAM_LIB_IMPORTER_ONNX_FUNCTIONEXPANSION_H
