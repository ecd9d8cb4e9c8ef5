//===- Compare.cpp - Comparing and printing output tensors ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "Compare.h"

#include <cmath>
#include <cstdio>
#include <cstring>

using namespace tangram;

namespace {

float halfToFloat(uint16_t h) {
  uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float value;
  if (exp == 0)
    value = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31)
    value = mant ? NAN : INFINITY;
  else
    value = std::ldexp(static_cast<float>(mant | 0x400),
                       static_cast<int>(exp) - 25);
  return sign ? -value : value;
}

float bf16ToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

template <typename T> T load(const Buffer &b, int64_t i) {
  T v;
  std::memcpy(&v, static_cast<const uint8_t *>(b.data()) + i * sizeof(T),
              sizeof(T));
  return v;
}

} // namespace

double tangram::elementAsDouble(const Buffer &b, int64_t i) {
  switch (b.dtype()) {
  case DType::F32:
    return load<float>(b, i);
  case DType::F64:
    return load<double>(b, i);
  case DType::F16:
    return halfToFloat(load<uint16_t>(b, i));
  case DType::BF16:
    return bf16ToFloat(load<uint16_t>(b, i));
  case DType::I8:
    return load<int8_t>(b, i);
  case DType::I16:
    return load<int16_t>(b, i);
  case DType::I32:
    return load<int32_t>(b, i);
  case DType::I64:
    return static_cast<double>(load<int64_t>(b, i));
  case DType::U8:
    return load<uint8_t>(b, i);
  case DType::U16:
    return load<uint16_t>(b, i);
  case DType::U32:
    return load<uint32_t>(b, i);
  case DType::U64:
    return static_cast<double>(load<uint64_t>(b, i));
  case DType::I1:
    return load<uint8_t>(b, i) != 0;
  case DType::F8E4M3FN:
  case DType::F8E4M3FNUZ:
  case DType::F8E5M2:
  case DType::F8E5M2FNUZ:
    return float8ToFloat(load<uint8_t>(b, i), b.dtype());
  }
  return 0;
}

/// Integers compare exactly on their bits (i64 values beyond 2^53 too).
static bool sameInteger(const Buffer &a, const Buffer &e, int64_t i) {
  size_t size = dtypeSize(a.dtype());
  if (a.dtype() == DType::I1)
    return (static_cast<const uint8_t *>(a.data())[i] != 0) ==
           (static_cast<const uint8_t *>(e.data())[i] != 0);
  return std::memcmp(static_cast<const uint8_t *>(a.data()) + i * size,
                     static_cast<const uint8_t *>(e.data()) + i * size,
                     size) == 0;
}

Comparison tangram::compareBuffers(const Buffer &actual, const Buffer &expected,
                                   double rtol, double atol) {
  Comparison c;
  if (actual.dtype() != expected.dtype() ||
      actual.shape() != expected.shape()) {
    c.ok = false;
    c.structural = std::string("got ") + formatShape(actual.shape()) + " (" +
                   dtypeName(actual.dtype()) + "), expected " +
                   formatShape(expected.shape()) + " (" +
                   dtypeName(expected.dtype()) + ")";
    return c;
  }
  bool isFloat = isFloatDType(actual.dtype());
  for (int64_t i = 0; i < actual.numElements(); ++i) {
    double a = elementAsDouble(actual, i), e = elementAsDouble(expected, i);
    bool pass;
    double absErr = 0;
    if (!isFloat) {
      pass = sameInteger(actual, expected, i);
      absErr = std::fabs(a - e);
    } else if (std::isnan(a) || std::isnan(e)) {
      pass = std::isnan(a) && std::isnan(e);
      absErr = pass ? 0 : INFINITY;
    } else if (std::isinf(a) || std::isinf(e)) {
      pass = a == e;
      absErr = pass ? 0 : INFINITY;
    } else {
      absErr = std::fabs(a - e);
      pass = absErr <= atol + rtol * std::fabs(e);
    }
    c.maxAbsErr = std::max(c.maxAbsErr, absErr);
    if (absErr > 0 && e != 0)
      c.maxRelErr = std::max(c.maxRelErr, absErr / std::fabs(e));
    if (!pass) {
      if (c.mismatches++ == 0) {
        c.firstBad = i;
        c.actualAtFirstBad = a;
        c.expectedAtFirstBad = e;
      }
      c.ok = false;
    }
  }
  return c;
}

std::string tangram::formatValues(const Buffer &b, int64_t count) {
  std::string s = "[";
  int64_t n = std::min(count, b.numElements());
  for (int64_t i = 0; i < n; ++i) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.6g", elementAsDouble(b, i));
    s += (i ? ", " : "") + std::string(text);
  }
  if (n < b.numElements())
    s += n ? ", ..." : "...";
  return s + "]";
}
