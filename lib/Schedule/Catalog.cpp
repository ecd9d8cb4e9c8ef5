//===- Catalog.cpp - the catalog as module attributes ---------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Schedule/Catalog.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

Attribute rates(Builder &b, const std::map<std::string, double> &m) {
  SmallVector<NamedAttribute> entries;
  for (auto &[k, v] : m)
    entries.push_back(b.getNamedAttr(k, b.getF64FloatAttr(v)));
  return b.getDictionaryAttr(entries);
}

/// Curves as flat arrays: work, ms, work, ms, ...
Attribute curves(Builder &b,
                 const std::map<std::string, std::vector<std::pair<double, double>>> &m) {
  SmallVector<NamedAttribute> entries;
  for (auto &[kind, points] : m) {
    SmallVector<double> flat;
    for (auto [work, ms] : points)
      flat.append({work, ms});
    entries.push_back(b.getNamedAttr(kind, b.getDenseF64ArrayAttr(flat)));
  }
  return b.getDictionaryAttr(entries);
}

/// A number field (float or integer attribute), or `fallback`.
double number(DictionaryAttr d, StringRef key, double fallback = 0) {
  Attribute a = d ? d.get(key) : Attribute();
  if (auto f = dyn_cast_or_null<FloatAttr>(a))
    return f.getValueAsDouble();
  if (auto i = dyn_cast_or_null<IntegerAttr>(a))
    return double(i.getValue().getSExtValue());
  return fallback;
}

std::map<std::string, double> readRates(DictionaryAttr d, StringRef key) {
  std::map<std::string, double> m;
  auto r = d ? d.getAs<DictionaryAttr>(key) : DictionaryAttr();
  if (r)
    for (NamedAttribute n : r)
      m[n.getName().str()] = number(r, n.getName());
  return m;
}

} // namespace

void mlir::tangram::writeCatalog(ModuleOp module, const Catalog &catalog) {
  Builder b(module.getContext());
  SmallVector<Attribute> devices;
  for (const DeviceEntry &d : catalog.devices) {
    SmallVector<NamedAttribute> f = {b.getNamedAttr("id", b.getStringAttr(d.id)),
                                     b.getNamedAttr("target", b.getStringAttr(d.target))};
    if (!d.features.empty())
      f.push_back(b.getNamedAttr("features", b.getStringAttr(d.features)));
    if (d.maxBufferBytes > 0)
      f.push_back(b.getNamedAttr("max_buffer_bytes",
                                 b.getF64FloatAttr(d.maxBufferBytes)));
    if (d.priced()) {
      f.push_back(b.getNamedAttr("peak_gflops", rates(b, d.peakGflops)));
      f.push_back(b.getNamedAttr("mem_bandwidth_gbs", b.getF64FloatAttr(d.memBandwidthGBs)));
      f.push_back(b.getNamedAttr("memory_bytes", b.getF64FloatAttr(d.memoryBytes)));
      f.push_back(b.getNamedAttr("launch_us", b.getF64FloatAttr(d.launchUs)));
      f.push_back(b.getNamedAttr("price_per_hour", b.getF64FloatAttr(d.pricePerHour)));
    }
    if (!d.gemmGflops.empty() || !d.curves.empty() || d.copyGBs > 0 ||
        d.scale != 1) {
      SmallVector<NamedAttribute> c = {
          b.getNamedAttr("gemm_gflops", rates(b, d.gemmGflops)),
          b.getNamedAttr("curves", curves(b, d.curves)),
          b.getNamedAttr("scale", b.getF64FloatAttr(d.scale)),
          b.getNamedAttr("copy_gbs", b.getF64FloatAttr(d.copyGBs))};
      f.push_back(b.getNamedAttr("calibration", b.getDictionaryAttr(c)));
    }
    devices.push_back(b.getDictionaryAttr(f));
  }
  module->setAttr(kDevicesAttr, b.getArrayAttr(devices));
  if (catalog.links.empty()) {
    module->removeAttr(kLinksAttr);
    return;
  }
  SmallVector<Attribute> links;
  for (const LinkEntry &l : catalog.links)
    links.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("from", b.getStringAttr(l.from)),
         b.getNamedAttr("to", b.getStringAttr(l.to)),
         b.getNamedAttr("bandwidth_gbs", b.getF64FloatAttr(l.bandwidthGBs)),
         b.getNamedAttr("latency_us", b.getF64FloatAttr(l.latencyUs))}));
  module->setAttr(kLinksAttr, b.getArrayAttr(links));
}

Catalog mlir::tangram::readCatalog(ModuleOp module) {
  Catalog catalog;
  auto list = module->getAttrOfType<ArrayAttr>(kDevicesAttr);
  if (!list)
    return catalog;
  for (Attribute a : list) {
    auto d = dyn_cast<DictionaryAttr>(a);
    auto id = d ? d.getAs<StringAttr>("id") : StringAttr();
    auto target = d ? d.getAs<StringAttr>("target") : StringAttr();
    if (!id || !target)
      return {};
    DeviceEntry e{id.str(), target.str()};
    if (auto f = d.getAs<StringAttr>("features"))
      e.features = f.str();
    e.maxBufferBytes = number(d, "max_buffer_bytes");
    e.peakGflops = readRates(d, "peak_gflops");
    e.memBandwidthGBs = number(d, "mem_bandwidth_gbs");
    e.memoryBytes = number(d, "memory_bytes");
    e.launchUs = number(d, "launch_us");
    e.pricePerHour = number(d, "price_per_hour");
    auto calibration = d.getAs<DictionaryAttr>("calibration");
    e.gemmGflops = readRates(calibration, "gemm_gflops");
    if (auto c = calibration ? calibration.getAs<DictionaryAttr>("curves")
                             : DictionaryAttr())
      for (NamedAttribute kind : c)
        if (auto points = dyn_cast<DenseF64ArrayAttr>(kind.getValue()))
          for (int64_t i = 0; i + 1 < points.size(); i += 2)
            e.curves[kind.getName().str()].push_back({points[i], points[i + 1]});
    e.copyGBs = number(calibration, "copy_gbs");
    e.scale = number(calibration, "scale", 1);
    catalog.devices.push_back(std::move(e));
  }
  if (auto links = module->getAttrOfType<ArrayAttr>(kLinksAttr))
    for (Attribute a : links) {
      auto d = dyn_cast<DictionaryAttr>(a);
      auto from = d ? d.getAs<StringAttr>("from") : StringAttr();
      auto to = d ? d.getAs<StringAttr>("to") : StringAttr();
      if (from && to)
        catalog.links.push_back({from.str(), to.str(),
                                 number(d, "bandwidth_gbs"),
                                 number(d, "latency_us")});
    }
  return catalog;
}

std::vector<DeviceEntry> mlir::tangram::readDevices(ModuleOp module) {
  return readCatalog(module).devices;
}
