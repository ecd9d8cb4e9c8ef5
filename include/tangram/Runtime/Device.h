//===- Device.h - Devices and the drivers that create them ------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// IREE's HAL shape in small: a Driver knows one device kind ("cpu") and
// creates Devices; a Device allocates Buffers and loads code objects into
// Executables, and runs a schedule's steps on its Queue. Drivers register
// by kind through factories (registerDriver); the built-in ones are listed
// in Driver.cpp, and an embedder may add its own before opening a bundle.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_DEVICE_H
#define TANGRAM_RUNTIME_DEVICE_H

#include "tangram/Bundle/Bundle.h"
#include "tangram/Runtime/Buffer.h"
#include "tangram/Runtime/Executable.h"
#include "tangram/Runtime/Queue.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tangram {

struct DeviceOptions {
  /// Worker threads of a CPU device, the calling thread included; 0 means
  /// one per hardware thread.
  unsigned threads = 0;
  /// Which device of the kind (`--device vulkan:1`); 0 is the first.
  unsigned ordinal = 0;
  /// Code objects loaded by the device report each kernel call
  /// (Profile.h); the CPU device's do, and the cuda and hip devices time
  /// each dispatch by events.
  bool profile = false;
};

class Device {
public:
  virtual ~Device();

  /// The bundle's description of this device.
  const DeviceDesc &desc() const { return desc_; }

  /// The allocator of this device's memory: every buffer the device makes
  /// (results, transfer destinations) comes from it.
  virtual Allocator &allocator() = 0;

  /// A zero-filled buffer in this device's memory; invalid on failure.
  Buffer allocate(DType dtype, const Shape &shape) {
    return Buffer::allocate(dtype, shape, /*zeroed=*/true, allocator());
  }

  /// Loads a code object (its bytes stay owned by the bundle). Errors name
  /// the reason, e.g. the dlopen message.
  virtual std::unique_ptr<Executable> loadExecutable(const CodeObjectDesc &desc,
                                                     ByteSpan bytes,
                                                     std::string &error) = 0;

  /// Copies `src` (from any device) into a new buffer on this device, or
  /// fails with a message when it cannot read `src`'s memory.
  virtual bool copyIn(const Buffer &src, Buffer &dst, std::string &error) = 0;

  /// The queue this device's schedule steps run on (its thread starts on
  /// first use). Thread safe.
  Queue &queue();

protected:
  explicit Device(DeviceDesc desc) : desc_(std::move(desc)) {}

private:
  DeviceDesc desc_;
  std::once_flag queueOnce_;
  std::unique_ptr<Queue> queue_;
};

class Driver {
public:
  virtual ~Driver();
  /// The device kind this driver serves, as in the manifest ("cpu").
  virtual const char *kind() const = 0;
  virtual std::unique_ptr<Device> createDevice(const DeviceDesc &desc,
                                               const DeviceOptions &options,
                                               std::string &error) = 0;
  /// One line per device this driver can open ("vulkan:0  llvmpipe ...");
  /// on failure (no loader, no device) one line saying why.
  virtual std::vector<std::string> listDevices() = 0;
  /// The largest buffer a kernel of device `ordinal` may bind, in bytes (a
  /// Vulkan device's storage buffer range, 128 MiB on lavapipe); 0 when
  /// only its memory limits it.
  virtual uint64_t maxBufferBytes(unsigned ordinal) {
    (void)ordinal;
    return 0;
  }
};

/// Makes the driver of one kind; called once, on first lookup of the kind.
using DriverFactory = std::unique_ptr<Driver> (*)();

/// Registers a factory for device kind `kind`; a later registration of the
/// same kind replaces an earlier one that has not been used yet. Thread
/// safe.
void registerDriver(const std::string &kind, DriverFactory factory);

/// The driver for `kind`, or null when this runtime has none.
Driver *lookupDriver(const std::string &kind);

/// The kinds that have a driver, for error messages ("cpu").
std::vector<std::string> driverKinds();

} // namespace tangram

#endif // TANGRAM_RUNTIME_DEVICE_H
