//===- Importer.h - ONNX to tg ----------------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_IMPORTER_ONNX_IMPORTER_H
#define TANGRAM_IMPORTER_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include <string>

namespace mlir::tangram {

/// The newest ai.onnx opset the importer accepts (that of the pinned onnx).
constexpr int64_t kMaxOnnxOpset = 22;

/// Imports the model at `path` (binary `.onnx`, or textual ONNX when the
/// name ends in `.onnxtxt`) into a module holding `func.func @main` of tg
/// ops. External-data files are read from beside the model. On failure
/// returns null and sets `error` to one line naming the file and, where it
/// applies, the node, op type, domain and opset.
OwningOpRef<ModuleOp> importONNXFile(StringRef path, MLIRContext &context,
                                     std::string &error);

/// Imports a serialized ModelProto held in memory. `baseDir` is where
/// external data is looked up; `displayName` names the model in errors.
OwningOpRef<ModuleOp> importONNXBytes(StringRef bytes, StringRef baseDir,
                                      StringRef displayName,
                                      MLIRContext &context, std::string &error);

/// Registers the dialects the importer produces.
void registerImporterDialects(DialectRegistry &registry);

} // namespace mlir::tangram

#endif // TANGRAM_IMPORTER_ONNX_IMPORTER_H
