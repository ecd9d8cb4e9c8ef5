//===- Work.h - the work of a tg op, for the cost model ---------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// What an op costs to run in device-neutral terms: arithmetic in one element
// type and memory traffic. Placement's cost model turns it into time on a
// device (a roofline); the op interface that reports it is in
// WorkInterface.td.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_DIALECTS_GRAPH_WORK_H
#define TANGRAM_DIALECTS_GRAPH_WORK_H

#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/Types.h"
#include <cstdint>

namespace mlir::tangram::tg {

struct OpWork {
  /// Arithmetic operations (a multiply-add is two).
  double flops = 0;
  /// The element type they are in (null when the op computes nothing).
  Type computeType;
  double bytesRead = 0, bytesWritten = 0;
  /// Whether the op is a contraction (matmul, conv, einsum): devices run
  /// those at their GEMM rate, other math at their peak.
  bool contraction = false;
  /// Which kind of kernel runs it, for devices calibrated per kind:
  /// "gemm" (matmul, einsum), "conv" (dense convolutions), "depthwise"
  /// (one input channel per group), or "" (everything else).
  const char *kind = "";
  /// Whether each result element is computed from the operands' elements
  /// at its position (broadcast): such an op fuses into its producer's
  /// kernel, reading that producer's value where it is made.
  bool elementwise = false;
};

/// Elements of a shaped type, with each run-time dim taken as `dynamicDim`
/// (1 for an unranked or non-shaped type).
double numElements(Type type, int64_t dynamicDim);
/// Bytes of a shaped type's elements (sub-byte types round up to a byte).
double numBytes(Type type, int64_t dynamicDim);

/// The default work of every tg op, by op class.
OpWork estimateWork(Operation *op, int64_t dynamicDim);

} // namespace mlir::tangram::tg

#include "Graph/WorkInterface.h.inc"

#endif // TANGRAM_DIALECTS_GRAPH_WORK_H
