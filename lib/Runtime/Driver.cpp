//===- Driver.cpp - The registry of device drivers ------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/CPUDevice.h"

using namespace tangram;

Driver::~Driver() = default;

namespace {
class CPUDriver : public Driver {
public:
  const char *kind() const override { return "cpu"; }
  std::unique_ptr<Device> createDevice(const DeviceDesc &desc,
                                       const DeviceOptions &options,
                                       std::string &error) override {
    return std::make_unique<CPUDevice>(desc, options);
  }
};

/// Every driver of this runtime; built on first use (no static
/// constructors).
std::vector<Driver *> &drivers() {
  static CPUDriver cpu;
  static std::vector<Driver *> all = {&cpu};
  return all;
}
} // namespace

Driver *tangram::lookupDriver(const std::string &kind) {
  for (Driver *d : drivers())
    if (kind == d->kind())
      return d;
  return nullptr;
}

std::vector<std::string> tangram::driverKinds() {
  std::vector<std::string> kinds;
  for (Driver *d : drivers())
    kinds.push_back(d->kind());
  return kinds;
}
