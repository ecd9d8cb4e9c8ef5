//===- DType.h - Element types of bundle tensors ----------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The element types a bundle can name, their manifest spellings and sizes,
// and shape helpers shared by the bundle reader, the runtime and the tools.
// Plain C++17: the runtime must not depend on LLVM or MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_BUNDLE_DTYPE_H
#define TANGRAM_BUNDLE_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tangram {

/// Element types. `I1` is a bool stored as one byte per element (0 or 1).
enum class DType : uint8_t {
  F32,
  F16,
  BF16,
  F64,
  I8,
  I16,
  I32,
  I64,
  U8,
  U16,
  U32,
  U64,
  I1,
  /// 8-bit floats (ONNX FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2,
  /// FLOAT8E5M2FNUZ), one byte each.
  F8E4M3FN,
  F8E4M3FNUZ,
  F8E5M2,
  F8E5M2FNUZ,
};

/// The manifest spelling: "f32", "i64", "i1", ...
const char *dtypeName(DType dtype);

/// Parses a manifest spelling; false if `name` is not one.
bool parseDType(std::string_view name, DType &dtype);

/// Bytes per element.
size_t dtypeSize(DType dtype);

/// True for f16, bf16, f32, f64 and the 8-bit floats.
bool isFloatDType(DType dtype);

/// The value of an 8-bit float of `dtype` (one of the F8 types).
float float8ToFloat(uint8_t bits, DType dtype);

/// A shape; -1 marks a dynamic dim (only in input/output descriptions).
using Shape = std::vector<int64_t>;

/// The number of elements of a static shape, or false when a dim is negative
/// or the product overflows int64. An empty shape (a scalar) has 1 element.
bool shapeNumElements(const Shape &shape, int64_t &numElements);

/// The byte size of a static shape of `dtype`, or false on a negative dim or
/// an overflow.
bool shapeByteSize(const Shape &shape, DType dtype, uint64_t &bytes);

/// `[1,3,?,224]`: dynamic dims print as `?`.
std::string formatShape(const Shape &shape);

} // namespace tangram

#endif // TANGRAM_BUNDLE_DTYPE_H
