//===- CostModel.cpp - roofline time, transfers ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "CostModel.h"
#include "mlir/IR/BuiltinTypes.h"
#include <algorithm>
#include <cmath>

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

namespace {
/// Milliseconds for `work` on a measured curve: interpolated between the
/// points around it in log-log space, and at the nearest point's rate
/// outside them.
double onCurve(const std::vector<std::pair<double, double>> &points,
               double work) {
  if (work <= points.front().first)
    return work * points.front().second / points.front().first;
  if (work >= points.back().first)
    return work * points.back().second / points.back().first;
  for (size_t i = 1; i < points.size(); ++i)
    if (work <= points[i].first) {
      auto [w0, t0] = points[i - 1];
      auto [w1, t1] = points[i];
      double f = std::log(work / w0) / std::log(w1 / w0);
      return std::exp(std::log(t0) + f * (std::log(t1) - std::log(t0)));
    }
  return work * points.back().second / points.back().first;
}
} // namespace

double CostModel::computeMs(const tg::OpWork &w, unsigned d,
                            bool fused) const {
  const DeviceEntry &e = devices[d];
  double bytes = w.bytesRead + w.bytesWritten;
  if ((w.flops <= 0 && bytes <= 0) || !e.priced())
    return 0;
  std::string key = w.computeType ? dtypeKey(w.computeType) : "";
  double fixedMs = fused ? 0 : e.launchUs * 1e-3;

  // Calibrated f32 kernels: the device's measured curve for the kind.
  if (key == "f32" && *w.kind) {
    auto curve = e.curves.find(w.kind);
    if (curve == e.curves.end() && w.contraction)
      curve = e.curves.find("gemm");
    if (curve != e.curves.end())
      return (onCurve(curve->second, w.flops) + fixedMs) * e.scale;
  }

  // The roofline: arithmetic at the rate for the element type (measured
  // GEMM rate for contractions when calibrated; other math reaches no more
  // of the peak than a GEMM does), traffic at the memory bandwidth (or the
  // measured elementwise curve).
  double rate = 0; // GFLOP/s
  if (!key.empty()) {
    auto peak = e.peakGflops.find(key);
    if (peak != e.peakGflops.end())
      rate = peak->second;
    else if (isa<IntegerType>(w.computeType) && e.peakGflops.count("f32"))
      rate = e.peakGflops.at("f32");
    auto gemm = e.gemmGflops.find(key);
    if (gemm != e.gemmGflops.end() && gemm->second > 0)
      rate = w.contraction ? gemm->second : std::min(rate, gemm->second);
  }
  double computeMs = w.flops > 0 ? (rate > 0 ? w.flops / (rate * 1e6) : kInfinity)
                                 : 0;
  double memoryMs = 0;
  auto traffic = e.curves.find("elementwise");
  double bandwidth = e.copyGBs > 0 ? e.copyGBs : e.memBandwidthGBs;
  if (bytes > 0 && traffic != e.curves.end())
    memoryMs = onCurve(traffic->second, bytes);
  else if (bytes > 0 && bandwidth > 0)
    memoryMs = bytes / (bandwidth * 1e6);
  return (std::max(computeMs, memoryMs) + fixedMs) * e.scale;
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
