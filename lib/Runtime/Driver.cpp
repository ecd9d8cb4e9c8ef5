//===- Driver.cpp - The registry of device drivers ------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/CPUDevice.h"
#include "tangram/Runtime/CUDAHIPDevice.h"
#include "tangram/Runtime/VulkanDevice.h"

#include <thread>

#include <map>

using namespace tangram;

Driver::~Driver() = default;

namespace {
class CPUDriver : public Driver {
public:
  const char *kind() const override { return "cpu"; }
  std::unique_ptr<Device> createDevice(const DeviceDesc &desc,
                                       const DeviceOptions &options,
                                       std::string &error) override {
    if (options.ordinal != 0) {
      error = "there is one cpu device (cpu:0), not cpu:" +
              std::to_string(options.ordinal);
      return nullptr;
    }
    return std::make_unique<CPUDevice>(desc, options);
  }
  std::vector<std::string> listDevices() override {
    return {"cpu:0  host CPU, " +
            std::to_string(std::thread::hardware_concurrency()) +
            " hardware threads"};
  }
};

/// A kind's factory and, once looked up, its driver.
struct Entry {
  DriverFactory factory;
  std::unique_ptr<Driver> driver;
};

struct Registry {
  std::mutex mutex;
  std::map<std::string, Entry> entries;
};

/// Built on first use (no static constructors), with the built-in drivers.
/// A new device kind is one factory line here (or a registerDriver call).
Registry &registry() {
  static Registry r;
  static std::once_flag builtins;
  std::call_once(builtins, [] {
    r.entries["cpu"].factory = [] {
      return std::unique_ptr<Driver>(new CPUDriver());
    };
#ifdef TANGRAM_HAVE_VULKAN
    r.entries["vulkan"].factory = createVulkanDriver;
#endif
    r.entries["cuda"].factory = createCUDADriver;
    r.entries["hip"].factory = createHIPDriver;
  });
  return r;
}
} // namespace

void tangram::registerDriver(const std::string &kind, DriverFactory factory) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  Entry &e = r.entries[kind];
  if (!e.driver)
    e.factory = factory;
}

Driver *tangram::lookupDriver(const std::string &kind) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.entries.find(kind);
  if (it == r.entries.end())
    return nullptr;
  if (!it->second.driver)
    it->second.driver = it->second.factory();
  return it->second.driver.get();
}

std::vector<std::string> tangram::driverKinds() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> kinds;
  for (auto &e : r.entries)
    kinds.push_back(e.first);
  return kinds;
}
