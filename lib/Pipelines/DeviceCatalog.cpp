//===- DeviceCatalog.cpp - reading --devices CATALOG.json -----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/DeviceCatalog.h"
#include "llvm/Support/MemoryBuffer.h"
#include <nlohmann/json.hpp>
#include <set>

using namespace mlir::tangram;
using nlohmann::json;

namespace {

/// A non-negative number field, when present.
bool readNumber(const json &d, const char *key, const std::string &at,
                double &out, std::string &error) {
  if (!d.contains(key))
    return true;
  if (!d[key].is_number() || d[key].get<double>() < 0)
    return error = at + "." + key + ": expected a non-negative number", false;
  out = d[key].get<double>();
  return true;
}

/// An object of non-negative numbers per element type, when present.
bool readRates(const json &d, const char *key, const std::string &at,
               std::map<std::string, double> &out, std::string &error) {
  if (!d.contains(key))
    return true;
  if (!d[key].is_object())
    return error = at + "." + key +
                   ": expected an object of GFLOP/s per element type",
           false;
  for (auto &[dtype, value] : d[key].items()) {
    if (!value.is_number() || value.get<double>() < 0)
      return error = at + "." + key + "." + dtype +
                     ": expected a non-negative number",
             false;
    out[dtype] = value.get<double>();
  }
  return true;
}

/// Calibration curves: {"kind": [[work, ms], ...]} with positive figures
/// and increasing work.
bool readCurves(const json &c, const std::string &at,
                std::map<std::string, std::vector<std::pair<double, double>>> &out,
                std::string &error) {
  if (!c.contains("curves"))
    return true;
  if (!c["curves"].is_object())
    return error = at + ".curves: expected an object", false;
  for (auto &[kind, points] : c["curves"].items()) {
    std::string where = at + ".curves." + kind;
    if (!points.is_array() || points.empty())
      return error = where + ": expected an array of [work, ms] points", false;
    double last = 0;
    for (const json &p : points) {
      if (!p.is_array() || p.size() != 2 || !p[0].is_number() ||
          !p[1].is_number() || p[0].get<double>() <= last ||
          p[1].get<double>() <= 0)
        return error = where +
                       ": expected [work, ms] points with positive figures "
                       "and increasing work",
               false;
      last = p[0].get<double>();
      out[kind].push_back({p[0].get<double>(), p[1].get<double>()});
    }
  }
  return true;
}

} // namespace

bool mlir::tangram::readDeviceCatalog(const std::string &path,
                                      Catalog &catalog, std::string &error) {
  auto fail = [&](const std::string &m) {
    error = path + ": " + m;
    return false;
  };
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!file)
    return fail(file.getError().message());
  json root = json::parse((*file)->getBufferStart(), (*file)->getBufferEnd(),
                          nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded())
    return fail("not valid JSON");
  if (!root.is_object() || !root.contains("devices") ||
      !root["devices"].is_array())
    return fail("expected an object with a \"devices\" array");
  std::set<std::string> ids;
  std::string message;
  for (size_t i = 0; i < root["devices"].size(); ++i) {
    const json &d = root["devices"][i];
    std::string at = "devices[" + std::to_string(i) + "]";
    if (!d.is_object())
      return fail(at + ": expected an object");
    for (const char *key : {"id", "target"})
      if (!d.contains(key) || !d[key].is_string() ||
          d[key].get<std::string>().empty())
        return fail(at + "." + key + ": expected a non-empty string");
    DeviceEntry e{d["id"].get<std::string>(), d["target"].get<std::string>()};
    if (!ids.insert(e.id).second)
      return fail(at + ".id: device '" + e.id + "' is listed twice");
    if (d.contains("features")) {
      if (!d["features"].is_string())
        return fail(at + ".features: expected a string");
      e.features = d["features"].get<std::string>();
    }
    if (!readRates(d, "peak_gflops", at, e.peakGflops, message) ||
        !readNumber(d, "mem_bandwidth_gbs", at, e.memBandwidthGBs, message) ||
        !readNumber(d, "memory_bytes", at, e.memoryBytes, message) ||
        !readNumber(d, "max_buffer_bytes", at, e.maxBufferBytes, message) ||
        !readNumber(d, "launch_us", at, e.launchUs, message) ||
        !readNumber(d, "price_per_hour", at, e.pricePerHour, message))
      return fail(message);
    if (d.contains("peak_gflops") && e.memBandwidthGBs <= 0)
      return fail(at + ".mem_bandwidth_gbs: a device with peak_gflops needs "
                       "a positive memory bandwidth");
    if (d.contains("calibration")) {
      const json &c = d["calibration"];
      if (!c.is_object())
        return fail(at + ".calibration: expected an object");
      if (!readRates(c, "gemm_gflops", at + ".calibration", e.gemmGflops,
                     message) ||
          !readCurves(c, at + ".calibration", e.curves, message) ||
          !readNumber(c, "scale", at + ".calibration", e.scale, message) ||
          !readNumber(c, "copy_gbs", at + ".calibration", e.copyGBs, message))
        return fail(message);
    }
    catalog.devices.push_back(std::move(e));
  }
  if (catalog.devices.empty())
    return fail("\"devices\" is empty");
  bool priced = catalog.devices.front().priced();
  for (size_t i = 0; i < catalog.devices.size(); ++i)
    if (catalog.devices[i].priced() != priced)
      return fail("devices[" + std::to_string(i) +
                  "]: either every device has peak_gflops (placement by "
                  "cost) or none has");
  if (root.contains("links")) {
    if (!root["links"].is_array())
      return fail("links: expected an array");
    for (size_t i = 0; i < root["links"].size(); ++i) {
      const json &l = root["links"][i];
      std::string at = "links[" + std::to_string(i) + "]";
      if (!l.is_object())
        return fail(at + ": expected an object");
      LinkEntry link;
      for (const char *key : {"from", "to"}) {
        if (!l.contains(key) || !l[key].is_string())
          return fail(at + "." + key + ": expected a device id");
        std::string id = l[key].get<std::string>();
        if (!ids.count(id))
          return fail(at + "." + key + ": no device '" + id + "'");
        (std::string(key) == "from" ? link.from : link.to) = id;
      }
      if (!l.contains("bandwidth_gbs") || !l["bandwidth_gbs"].is_number() ||
          l["bandwidth_gbs"].get<double>() <= 0)
        return fail(at + ".bandwidth_gbs: expected a positive number");
      link.bandwidthGBs = l["bandwidth_gbs"].get<double>();
      if (!readNumber(l, "latency_us", at, link.latencyUs, message))
        return fail(message);
      catalog.links.push_back(link);
    }
  }
  return true;
}
