//===- TensorFiles.h - Tensors in .pb and .npy files ------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tangram-run reads and writes ONNX TensorProto files (the ONNX test data
// layout: input_<i>.pb, output_<j>.pb) and NumPy .npy files. Writers go
// through a temporary file that the caller renames into place, so no partial
// file is ever left.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TOOLS_TANGRAM_RUN_TENSORFILES_H
#define TANGRAM_TOOLS_TANGRAM_RUN_TENSORFILES_H

#include "tangram/Runtime/Buffer.h"

#include <string>
#include <string_view>

namespace tangram {

/// Reads a TensorProto (raw_data or the typed fields); `name` gets its name.
/// Errors start with `path`.
bool readTensorProto(const std::string &path, Buffer &out, std::string &name,
                     std::string &error);

/// Reads a little-endian, C-order .npy file (format versions 1 to 3).
bool readNpy(const std::string &path, Buffer &out, std::string &error);

/// The readers above on bytes in memory; `path` names them in errors. Both
/// check that the data is all there before allocating the shape it claims.
bool parseTensorProto(std::string_view bytes, const std::string &path,
                      Buffer &out, std::string &name, std::string &error);
bool parseNpy(std::string_view bytes, const std::string &path, Buffer &out,
              std::string &error);

/// Serializes `buffer` as a TensorProto named `name` with raw_data.
bool encodeTensorProto(const Buffer &buffer, const std::string &name,
                       std::string &bytes, std::string &error);

/// Serializes `buffer` as a version 1 .npy file (bf16 is stored as '<u2').
bool encodeNpy(const Buffer &buffer, std::string &bytes, std::string &error);

/// Writes `bytes` to a new temporary file beside `path` and sets `tmpPath`;
/// the caller renames it (or removes it on a later failure).
bool writeTemporary(const std::string &path, const std::string &bytes,
                    std::string &tmpPath, std::string &error);

} // namespace tangram

#endif // TANGRAM_TOOLS_TANGRAM_RUN_TENSORFILES_H
