//===- CostModel.h - time, traffic and money on a catalog's devices -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Turns an op's work (tg::OpWork) into time on a device: a roofline, the
// larger of arithmetic at the device's rate for the op's element type and
// memory traffic at its bandwidth, plus one launch. Calibration data, when
// the catalog has it, replaces the nameplate figures for what it measured
// (GEMM rate for contractions, copy bandwidth for traffic). A transfer
// costs a link's latency plus its bytes at the link's bandwidth, over the
// cheapest route of links (two devices without a link of their own go
// through the host, a fleet's nodes through their network).
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_SCHEDULE_COSTMODEL_H
#define TANGRAM_LIB_SCHEDULE_COSTMODEL_H

#include "Graph/Work.h"
#include "tangram/Schedule/Catalog.h"
#include <limits>
#include <optional>

namespace mlir::tangram {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// The catalog's key for an element type ("f32", "bf16", "i8", ...).
std::string dtypeKey(Type elementType);

class CostModel {
public:
  explicit CostModel(const Catalog &catalog);

  unsigned numDevices() const { return devices.size(); }
  const DeviceEntry &device(unsigned d) const { return devices[d]; }
  /// Whether every device has a cost model (peak rates).
  bool priced() const { return allPriced; }
  /// The first CPU device: where model inputs arrive and outputs leave.
  std::optional<unsigned> host() const { return hostDevice; }

  /// Whether device `d` computes with `elementType`; otherwise `why` says
  /// what the catalog lacks.
  bool supportsType(Type elementType, unsigned d, std::string &why) const;
  /// Milliseconds device `d` takes for `work`, launch included (work that
  /// moves nothing costs nothing). A `fused` op runs inside its producer's
  /// kernel: no launch of its own, and `work` counts only the bytes it
  /// reads from elsewhere.
  double computeMs(const tg::OpWork &work, unsigned d,
                   bool fused = false) const;
  /// Milliseconds to move `bytes` from device `from` to device `to`.
  double transferMs(double bytes, unsigned from, unsigned to) const;

private:
  /// The link between two devices, if the catalog lists one.
  const LinkEntry *link(unsigned from, unsigned to) const;

  std::vector<DeviceEntry> devices;
  std::vector<LinkEntry> links;
  std::optional<unsigned> hostDevice;
  bool allPriced = true;
};

} // namespace mlir::tangram

#endif // TANGRAM_LIB_SCHEDULE_COSTMODEL_H
