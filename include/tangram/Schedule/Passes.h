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
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tangram {

#define GEN_PASS_DECL
#include "tangram/Schedule/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tangram/Schedule/Passes.h.inc"

/// The module attribute listing the compile's devices, in order: an array
/// of dictionaries `{id = "cpu0", target = "cpu"}`.
inline constexpr llvm::StringLiteral kDevicesAttr = "tg.devices";
/// The device affinity of an op, and the device of an executable: the id of
/// one of the module's devices.
inline constexpr llvm::StringLiteral kDeviceAttr = "tg.device";
/// The manifest plan tg-serialize-schedule leaves on the module (JSON).
inline constexpr llvm::StringLiteral kManifestAttr = "tg.manifest";

/// One device of the compile: its id and the target that compiles for it.
struct DeviceEntry {
  std::string id, target;
  /// Target features of the device (a catalog's "features"), e.g.
  /// "-Float64" for a Vulkan device without f64.
  std::string features{};
};

/// The schedule stage (registered as -tg-schedule): tg-hoist-weights,
/// tg-assign-devices with `devices` and `pins`, tg-outline-executables,
/// tg-serialize-schedule.
void buildSchedulePipeline(OpPassManager &pm,
                           const std::vector<DeviceEntry> &devices,
                           llvm::ArrayRef<std::string> pins);
/// The module's `tg.devices`, or an empty list when it has none.
std::vector<DeviceEntry> readDevices(ModuleOp module);

} // namespace mlir::tangram

#endif // TANGRAM_SCHEDULE_PASSES_H
