//===- ModelLoader.h - reading ONNX files -----------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_IMPORTER_ONNX_MODELLOADER_H
#define TANGRAM_LIB_IMPORTER_ONNX_MODELLOADER_H

#include "llvm/ADT/StringRef.h"
#include <onnx/onnx_pb.h>
#include <string>

namespace mlir::tangram::onnx_importer {

/// Parses a ModelProto from binary protobuf bytes, or from textual ONNX when
/// `textual` is set, and checks that it looks like a model (a graph, an IR
/// version, opset imports). Sets `error` (without the file name) on failure.
bool parseModel(llvm::StringRef bytes, bool textual, onnx::ModelProto &model,
                std::string &error);

} // namespace mlir::tangram::onnx_importer

#endif // TANGRAM_LIB_IMPORTER_ONNX_MODELLOADER_H
