//===- DeviceCatalog.cpp - reading --devices CATALOG.json -----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/DeviceCatalog.h"
#include "llvm/Support/MemoryBuffer.h"
#include <nlohmann/json.hpp>
#include <set>

using namespace mlir::tangram;

bool mlir::tangram::readDeviceCatalog(const std::string &path,
                                      std::vector<DeviceEntry> &devices,
                                      std::string &error) {
  auto fail = [&](const std::string &m) {
    error = path + ": " + m;
    return false;
  };
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!file)
    return fail(file.getError().message());
  nlohmann::json root = nlohmann::json::parse(
      (*file)->getBufferStart(), (*file)->getBufferEnd(), nullptr,
      /*allow_exceptions=*/false);
  if (root.is_discarded())
    return fail("not valid JSON");
  if (!root.is_object() || !root.contains("devices") ||
      !root["devices"].is_array())
    return fail("expected an object with a \"devices\" array");
  std::set<std::string> ids;
  for (size_t i = 0; i < root["devices"].size(); ++i) {
    const nlohmann::json &d = root["devices"][i];
    std::string at = "devices[" + std::to_string(i) + "]";
    if (!d.is_object())
      return fail(at + ": expected an object");
    for (const char *key : {"id", "target"})
      if (!d.contains(key) || !d[key].is_string() ||
          d[key].get<std::string>().empty())
        return fail(at + "." + key + ": expected a non-empty string");
    std::string id = d["id"].get<std::string>();
    if (!ids.insert(id).second)
      return fail(at + ".id: device '" + id + "' is listed twice");
    std::string features;
    if (d.contains("features")) {
      if (!d["features"].is_string())
        return fail(at + ".features: expected a string");
      features = d["features"].get<std::string>();
    }
    devices.push_back({id, d["target"].get<std::string>(), features});
  }
  if (devices.empty())
    return fail("\"devices\" is empty");
  return true;
}
