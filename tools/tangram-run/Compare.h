//===- Compare.h - Comparing and printing output tensors --------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TOOLS_TANGRAM_RUN_COMPARE_H
#define TANGRAM_TOOLS_TANGRAM_RUN_COMPARE_H

#include "tangram/Runtime/Buffer.h"

#include <string>

namespace tangram {

struct Comparison {
  bool ok = true;
  double maxAbsErr = 0;
  double maxRelErr = 0;
  int64_t mismatches = 0;
  /// The first failing element, for the report.
  int64_t firstBad = -1;
  double actualAtFirstBad = 0;
  double expectedAtFirstBad = 0;
  /// Set when dtype or shape differ (then no values are compared).
  std::string structural;
};

/// Compares `actual` with `expected`: dtype and shape must be equal; floats
/// pass when |a - e| <= atol + rtol * |e| (NaN matches NaN, infinities must
/// be equal), integers and bools must be equal.
Comparison compareBuffers(const Buffer &actual, const Buffer &expected,
                          double rtol, double atol);

/// Element `i` as a double (f16 and bf16 converted).
double elementAsDouble(const Buffer &buffer, int64_t i);

/// "[1.5, 2, 3, ...]": the first `count` elements.
std::string formatValues(const Buffer &buffer, int64_t count);

} // namespace tangram

#endif // TANGRAM_TOOLS_TANGRAM_RUN_COMPARE_H
