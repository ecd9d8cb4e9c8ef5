//===- TensorConversion.h - ONNX types and tensors to MLIR ------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_IMPORTER_ONNX_TENSORCONVERSION_H
#define TANGRAM_LIB_IMPORTER_ONNX_TENSORCONVERSION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include <onnx/onnx_pb.h>
#include <string>

namespace mlir::tangram::onnx_importer {

/// The MLIR element type of an ONNX TensorProto data type, or null for the
/// types Tangram does not handle (strings, complex, 4-bit floats).
Type convertElementType(int32_t onnxType, MLIRContext *ctx);

/// The MLIR type of an ONNX value type: a tensor (ranked when the shape is
/// given, unranked only when `allowUnranked`), `!tg.seq<...>` or
/// `!tg.optional<...>`. Null with `error` set for what Tangram cannot hold
/// (maps, sparse tensors, unsupported element types).
Type convertTypeProto(const onnx::TypeProto &type, MLIRContext *ctx,
                      bool allowUnranked, std::string &error);

/// The ONNX data type of an MLIR element type (the inverse of
/// convertElementType), or 0 (UNDEFINED) for types with no ONNX spelling.
int32_t onnxElementType(Type type);

/// The ONNX spelling of a data type ("FLOAT", "STRING", ...).
std::string dataTypeName(int32_t onnxType);

/// Converts an initializer or a Constant's tensor. Raw data is moved out of
/// `tensor` into a resource blob (no copy) when it is large; external data
/// is read from `baseDir` straight into the blob. Sets `error` on failure.
ElementsAttr convertTensor(onnx::TensorProto &tensor, StringRef baseDir,
                           MLIRContext *ctx, std::string &error);

} // namespace mlir::tangram::onnx_importer

#endif // TANGRAM_LIB_IMPORTER_ONNX_TENSORCONVERSION_H
