//===- Passes.h - the schedule passes ---------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Device assignment, outlining into per-device executables with explicit
// transfers, and the schedule's serialization into a bundle manifest.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_SCHEDULE_PASSES_H
#define TANGRAM_SCHEDULE_PASSES_H

#include "Graph/GraphDialect.h"
#include "Graph/NodeNames.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "tangram/Schedule/Catalog.h"

namespace mlir::tangram {

#define GEN_PASS_DECL
#include "tangram/Schedule/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tangram/Schedule/Passes.h.inc"

/// The device affinity of an op, and the device of an executable: the id of
/// one of the module's devices.
inline constexpr llvm::StringLiteral kDeviceAttr = "tg.device";
/// The manifest plan tg-serialize-schedule leaves on the module (JSON).
inline constexpr llvm::StringLiteral kManifestAttr = "tg.manifest";

/// A pinned op: tg-assign-devices set its `tg.device` from a pin, and
/// placement keeps it.
inline constexpr llvm::StringLiteral kPinnedAttr = "tg.pinned";
/// The placement decision and its predicted figures (JSON), left on the
/// module by tg-place-ops for reports.
inline constexpr llvm::StringLiteral kPlacementAttr = "tg.placement";

/// How placement chooses (tg-place-ops' options).
struct PlacementOptions {
  std::string objective = "latency";
  int64_t dynamicDim = 1;
  unsigned timeLimitMs = 2000;
  /// DEVICE:NODE: the ops of that ONNX node cannot run on DEVICE.
  std::vector<std::string> avoid{};
};

/// The schedule stage (registered as -tg-schedule): tg-hoist-weights,
/// tg-assign-devices with `devices` (ID=TARGET; when empty, the module's
/// catalog) and `pins`, tg-place-ops, tg-outline-executables,
/// tg-serialize-schedule.
void buildSchedulePipeline(OpPassManager &pm,
                           const std::vector<DeviceEntry> &devices,
                           llvm::ArrayRef<std::string> pins,
                           const PlacementOptions &placement = {});

} // namespace mlir::tangram

#endif // TANGRAM_SCHEDULE_PASSES_H
