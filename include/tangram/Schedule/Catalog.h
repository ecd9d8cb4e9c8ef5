//===- Catalog.h - the devices of a compile and what they cost --*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A device catalog (docs/DeviceCatalog.md) as the schedule passes see it:
// each device's id, target and features, its cost fields (peak rates per
// element type, memory bandwidth and size, launch overhead, price) and the
// links between devices. The driver records it on the module
// (`tg.devices`, `tg.links`), so a lit test states a catalog in IR.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_SCHEDULE_CATALOG_H
#define TANGRAM_SCHEDULE_CATALOG_H

#include "mlir/IR/BuiltinOps.h"
#include <map>
#include <string>
#include <vector>

namespace mlir::tangram {

/// The module attribute listing the compile's devices, in order: an array
/// of dictionaries `{id = "cpu0", target = "cpu", ...}` with the catalog's
/// fields under their JSON names.
inline constexpr llvm::StringLiteral kDevicesAttr = "tg.devices";
/// The module attribute listing the links: `[{from, to, bandwidth_gbs,
/// latency_us}]`.
inline constexpr llvm::StringLiteral kLinksAttr = "tg.links";

/// One device of the compile.
struct DeviceEntry {
  std::string id, target;
  /// Target features of the device (a catalog's "features"), e.g.
  /// "-Float64" for a Vulkan device without f64.
  std::string features{};
  /// Peak GFLOP/s per element type ("f32", "f16", "bf16", "f64", "i8", ...).
  /// A floating-point type missing or at 0 is unsupported on the device;
  /// integer types are assumed at the f32 rate unless listed.
  std::map<std::string, double> peakGflops{};
  double memBandwidthGBs = 0;
  double memoryBytes = 0; ///< 0: unlimited
  /// The largest buffer one op may read or write on the device (a Vulkan
  /// device's storage buffer range); an op with a larger operand or result
  /// is not placed there. 0: unlimited.
  double maxBufferBytes = 0;
  double launchUs = 0;
  double pricePerHour = 0;
  /// Measured by tangram-calibrate: GEMM GFLOP/s per element type and copy
  /// bandwidth; when present they replace the peaks for what they measure.
  std::map<std::string, double> gemmGflops{};
  double copyGBs = 0;
  /// Measured f32 times per kernel kind ("gemm", "conv", "depthwise":
  /// (FLOPs, ms) points; "elementwise": (bytes, ms) points), by increasing
  /// work: an op's time is interpolated between them, so the efficiency of
  /// small and large ops is what the device showed at those sizes.
  std::map<std::string, std::vector<std::pair<double, double>>> curves{};
  /// Measured time of a reference network over its prediction from the
  /// figures above: ops in a network run slower than alone (cold caches,
  /// layouts between ops), and every op time is scaled by it. 1: none.
  double scale = 1;

  /// Whether the catalog gives the device a cost model (peak rates).
  bool priced() const { return !peakGflops.empty(); }
};

/// A link between two devices' memories (both directions unless the
/// reverse is listed too).
struct LinkEntry {
  std::string from, to;
  double bandwidthGBs = 0, latencyUs = 0;
};

struct Catalog {
  std::vector<DeviceEntry> devices;
  std::vector<LinkEntry> links;
};

/// Records `catalog` on `module` (`tg.devices`, `tg.links`).
void writeCatalog(ModuleOp module, const Catalog &catalog);
/// The module's catalog; no devices when it has none or one is malformed.
Catalog readCatalog(ModuleOp module);
/// The module's devices (readCatalog(module).devices).
std::vector<DeviceEntry> readDevices(ModuleOp module);

} // namespace mlir::tangram

#endif // TANGRAM_SCHEDULE_CATALOG_H
