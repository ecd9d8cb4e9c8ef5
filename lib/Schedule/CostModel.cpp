//===- CostModel.cpp - roofline time, transfers ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "CostModel.h"
#include "mlir/IR/BuiltinTypes.h"
#include <algorithm>

using namespace mlir;
using namespace mlir::tangram;

std::string mlir::tangram::dtypeKey(Type t) {
  if (auto f = dyn_cast<FloatType>(t)) {
    if (t.isBF16())
      return "bf16";
    if (f.getWidth() == 8)
      return "f8";
    return "f" + std::to_string(f.getWidth());
  }
  if (auto i = dyn_cast<IntegerType>(t))
    return "i" + std::to_string(std::max(8u, i.getWidth()));
  if (t.isIndex())
    return "i64";
  return "";
}

CostModel::CostModel(const Catalog &catalog)
    : devices(catalog.devices), links(catalog.links) {
  for (unsigned d = 0; d < devices.size(); ++d) {
    if (!hostDevice && devices[d].target == "cpu")
      hostDevice = d;
    allPriced &= devices[d].priced();
  }
}

bool CostModel::supportsType(Type t, unsigned d, std::string &why) const {
  const DeviceEntry &e = devices[d];
  if (!e.priced())
    return true;
  std::string key = dtypeKey(t);
  auto it = e.peakGflops.find(key);
  bool isFloat = isa<FloatType>(t);
  if (it == e.peakGflops.end() ? isFloat : it->second <= 0) {
    why = "the catalog gives device '" + e.id + "' no " + key + " rate";
    return false;
  }
  return true;
}

double CostModel::computeMs(const tg::OpWork &w, unsigned d) const {
  const DeviceEntry &e = devices[d];
  if (w.flops <= 0 && w.bytesRead + w.bytesWritten <= 0)
    return 0;
  if (!e.priced())
    return 0;
  double rate = 0; // GFLOP/s
  if (w.computeType) {
    std::string key = dtypeKey(w.computeType);
    auto peak = e.peakGflops.find(key);
    if (peak != e.peakGflops.end())
      rate = peak->second;
    else if (isa<IntegerType>(w.computeType) && e.peakGflops.count("f32"))
      rate = e.peakGflops.at("f32");
    auto gemm = e.gemmGflops.find(key);
    if (w.contraction && gemm != e.gemmGflops.end() && gemm->second > 0)
      rate = gemm->second;
    else if (!w.contraction && gemm != e.gemmGflops.end() && rate > 0)
      // Calibration measured what the device reaches on a GEMM; other math
      // reaches no more of its peak than that.
      rate = std::min(rate, gemm->second);
  }
  double computeS = w.flops > 0 ? (rate > 0 ? w.flops / (rate * 1e9) : kInfinity)
                                : 0;
  double bandwidth = e.copyGBs > 0 ? e.copyGBs : e.memBandwidthGBs;
  double bytes = w.bytesRead + w.bytesWritten;
  double memoryS = bytes > 0 && bandwidth > 0 ? bytes / (bandwidth * 1e9) : 0;
  return std::max(computeS, memoryS) * 1e3 + e.launchUs * 1e-3;
}

const LinkEntry *CostModel::link(unsigned from, unsigned to) const {
  const LinkEntry *reverse = nullptr;
  for (const LinkEntry &l : links) {
    if (l.from == devices[from].id && l.to == devices[to].id)
      return &l;
    if (l.from == devices[to].id && l.to == devices[from].id)
      reverse = &l;
  }
  return reverse;
}

double CostModel::transferMs(double bytes, unsigned from, unsigned to) const {
  if (from == to || bytes <= 0)
    return 0;
  auto over = [&](const LinkEntry &l) {
    double s = l.bandwidthGBs > 0 ? bytes / (l.bandwidthGBs * 1e9) : kInfinity;
    return s * 1e3 + l.latencyUs * 1e-3;
  };
  // The cheapest route over the links (the runtime stages a transfer
  // between devices without a link of their own through host memory, and
  // a fleet's nodes reach each other over their network links).
  unsigned n = devices.size();
  std::vector<double> best(n, kInfinity);
  std::vector<bool> done(n, false);
  best[from] = 0;
  for (unsigned round = 0; round < n; ++round) {
    unsigned u = n;
    for (unsigned d = 0; d < n; ++d)
      if (!done[d] && best[d] != kInfinity && (u == n || best[d] < best[u]))
        u = d;
    if (u == n)
      break;
    done[u] = true;
    for (unsigned d = 0; d < n; ++d)
      if (const LinkEntry *l = d != u ? link(u, d) : nullptr)
        best[d] = std::min(best[d], best[u] + over(*l));
  }
  if (best[to] != kInfinity)
    return best[to];
  // No route: devices that share host memory copy at memory speed.
  double bw = std::min(devices[from].memBandwidthGBs, devices[to].memBandwidthGBs);
  if (bw <= 0)
    return 0;
  return bytes / (bw * 1e9) * 1e3;
}
