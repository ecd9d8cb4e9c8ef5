//===- ModelLoader.cpp - reading ONNX files --------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "ModelLoader.h"
#include <climits>
#include <google/protobuf/io/coded_stream.h>
#include <onnx/defs/parser.h>

using namespace mlir::tangram::onnx_importer;

bool mlir::tangram::onnx_importer::parseModel(llvm::StringRef bytes,
                                              bool textual,
                                              onnx::ModelProto &model,
                                              std::string &error) {
  if (bytes.empty()) {
    error = "the file is empty";
    return false;
  }
  if (textual) {
    try {
      std::string text = bytes.str();
      auto status = onnx::OnnxParser::Parse(model, text.c_str());
      if (!status.IsOK()) {
        error = "textual ONNX does not parse: " + status.ErrorMessage();
        return false;
      }
    } catch (const std::exception &e) {
      error = std::string("textual ONNX does not parse: ") + e.what();
      return false;
    }
  } else {
    google::protobuf::io::CodedInputStream stream(
        reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
    stream.SetTotalBytesLimit(INT_MAX);
    if (!model.ParseFromCodedStream(&stream) ||
        !stream.ConsumedEntireMessage()) {
      error = "not a valid ONNX model (the protobuf does not parse: the file "
              "is truncated or not ONNX)";
      return false;
    }
  }
  if (!model.has_graph() || model.ir_version() <= 0 ||
      model.opset_import_size() == 0) {
    error = "not an ONNX model (no graph, IR version or opset import)";
    return false;
  }
  return true;
}
