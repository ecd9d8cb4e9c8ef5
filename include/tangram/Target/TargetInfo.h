//===- TargetInfo.h - what differs between targets in emission --*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Triton's TargetInfoBase, in small: the questions a lowering asks about
// the target it emits for, answered by the target instead of by tests on
// its name. The CPU's emission passes ask them; every target, the GPU
// ones included, answers them (TargetBackend::info).
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_TARGETINFO_H
#define TANGRAM_TARGET_TARGETINFO_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"

namespace mlir::tangram {

class TargetInfo {
public:
  virtual ~TargetInfo() = default;

  /// Emits, at `b`'s insertion point (inside a module), the report of a run-time
  /// check: when `failed` (i1) is true, the check that says `message`
  /// failed. The code carries on with safe values; the runtime fails the
  /// run with the message (docs/BundleFormat.md).
  virtual void emitErrorReport(OpBuilder &b, Location loc, Value failed,
                               StringRef message) const = 0;

  /// Whether conversions to and from 8-bit floats are expanded into
  /// integer bit manipulation (the target has no instructions for them, or
  /// its LLVM backend has no such types).
  virtual bool expandsFloat8() const = 0;

  /// Whether the f32 math op `name` ("math.exp") is computed as a
  /// polynomial when optimizing, rather than by the target's own function.
  virtual bool approximatesMath(StringRef name) const = 0;
};

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_TARGETINFO_H
