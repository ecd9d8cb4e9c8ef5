//===- DType.cpp - Element types of bundle tensors ------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/DType.h"
#include <cmath>

#include <limits>

using namespace tangram;

namespace {
struct DTypeInfo {
  DType dtype;
  const char *name;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "f32", 4}, {DType::F16, "f16", 2}, {DType::BF16, "bf16", 2},
    {DType::F64, "f64", 8}, {DType::I8, "i8", 1},   {DType::I16, "i16", 2},
    {DType::I32, "i32", 4}, {DType::I64, "i64", 8}, {DType::U8, "u8", 1},
    {DType::U16, "u16", 2}, {DType::U32, "u32", 4}, {DType::U64, "u64", 8},
    {DType::I1, "i1", 1},
    {DType::F8E4M3FN, "f8e4m3fn", 1}, {DType::F8E4M3FNUZ, "f8e4m3fnuz", 1},
    {DType::F8E5M2, "f8e5m2", 1}, {DType::F8E5M2FNUZ, "f8e5m2fnuz", 1},
};
} // namespace

const char *tangram::dtypeName(DType dtype) {
  return kDTypes[static_cast<unsigned>(dtype)].name;
}

bool tangram::parseDType(std::string_view name, DType &dtype) {
  for (const DTypeInfo &info : kDTypes) {
    if (name == info.name) {
      dtype = info.dtype;
      return true;
    }
  }
  return false;
}

size_t tangram::dtypeSize(DType dtype) {
  return kDTypes[static_cast<unsigned>(dtype)].size;
}

bool tangram::isFloatDType(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16 ||
         dtype == DType::F64 || dtype == DType::F8E4M3FN ||
         dtype == DType::F8E4M3FNUZ || dtype == DType::F8E5M2 ||
         dtype == DType::F8E5M2FNUZ;
}

float tangram::float8ToFloat(uint8_t bits, DType dtype) {
  bool e5 = dtype == DType::F8E5M2 || dtype == DType::F8E5M2FNUZ;
  bool fnuz = dtype == DType::F8E4M3FNUZ || dtype == DType::F8E5M2FNUZ;
  int mantissaBits = e5 ? 2 : 3;
  int bias = (e5 ? 15 : 7) + (fnuz ? 1 : 0);
  if (fnuz && bits == 0x80)
    return NAN;
  int exponent = (bits & 0x7F) >> mantissaBits;
  int mantissa = bits & ((1 << mantissaBits) - 1);
  float sign = (bits & 0x80) ? -1.0f : 1.0f;
  if (!fnuz && e5 && exponent == 31)
    return mantissa ? NAN : sign * INFINITY;
  if (!fnuz && !e5 && (bits & 0x7F) == 0x7F)
    return NAN;
  if (exponent == 0)
    return sign * std::ldexp(static_cast<float>(mantissa),
                             1 - bias - mantissaBits);
  return sign * std::ldexp(static_cast<float>(mantissa | (1 << mantissaBits)),
                           exponent - bias - mantissaBits);
}

bool tangram::shapeNumElements(const Shape &shape, int64_t &numElements) {
  int64_t n = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return false;
    if (dim != 0 && n > std::numeric_limits<int64_t>::max() / dim)
      return false;
    n *= dim;
  }
  numElements = n;
  return true;
}

bool tangram::shapeByteSize(const Shape &shape, DType dtype, uint64_t &bytes) {
  int64_t n;
  if (!shapeNumElements(shape, n))
    return false;
  uint64_t size = dtypeSize(dtype);
  if (static_cast<uint64_t>(n) > std::numeric_limits<uint64_t>::max() / size)
    return false;
  bytes = static_cast<uint64_t>(n) * size;
  return true;
}

std::string tangram::formatShape(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ",";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}
