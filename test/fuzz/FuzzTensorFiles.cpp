//===- FuzzTensorFiles.cpp - libFuzzer harness: tangram-run's tensors -----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Reads the input as an ONNX TensorProto and as a .npy file, the two tensor
// formats tangram-run takes, and writes back what it read (the writers must
// take whatever a reader returned). A file that claims a huge shape must be
// an error, not an allocation: libFuzzer's -malloc_limit_mb catches one.
//
//===----------------------------------------------------------------------===//
#include "TensorFiles.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  tangram::Buffer buffer;
  std::string name, error, encoded;
  if (tangram::parseTensorProto(bytes, "fuzz.pb", buffer, name, error)) {
    if (!tangram::encodeTensorProto(buffer, name, encoded, error))
      std::abort();
  } else if (error.rfind("fuzz.pb: ", 0) != 0) {
    std::abort();
  }
  error.clear();
  if (tangram::parseNpy(bytes, "fuzz.npy", buffer, error)) {
    if (!tangram::encodeNpy(buffer, encoded, error))
      std::abort();
    // What was written reads back the same.
    tangram::Buffer again;
    if (!tangram::parseNpy(encoded, "again.npy", again, error) ||
        again.byteSize() != buffer.byteSize() ||
        again.shape() != buffer.shape())
      std::abort();
  } else if (error.rfind("fuzz.npy: ", 0) != 0) {
    std::abort();
  }
  return 0;
}
