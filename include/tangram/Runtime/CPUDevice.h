//===- CPUDevice.h - The host CPU device ------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Runs x86-64 ELF shared objects in process: a code object is written to a
// memfd (no temporary files) and dlopen'ed from /proc/self/fd. The device
// owns a ThreadPool that it hands to code objects exporting
// `tangram_set_parallel_for`.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_CPUDEVICE_H
#define TANGRAM_RUNTIME_CPUDEVICE_H

#include "tangram/Runtime/Device.h"
#include "tangram/Runtime/MemRef.h"
#include "tangram/Runtime/ThreadPool.h"

namespace tangram {

/// The parallel-for generated code calls: (ctx, n, fn(ctx, begin, end)).
using ParallelForFn = void (*)(void *ctx, int64_t n,
                               void (*fn)(void *ctx, int64_t begin,
                                          int64_t end));
/// The optional hook a code object exports to receive the parallel-for.
using SetParallelForFn = void (*)(ParallelForFn parallelFor);
/// `const char *tangram_take_error(void)`: the first check that failed in
/// the last entry call (null if none), cleared by the call.
using TakeErrorFn = const char *(*)();
using SetProfilerFn = void (*)(int64_t (*now)(),
                               void (*record)(const char *, const int64_t *,
                                              int64_t, int64_t));

/// The code object format of the cpu device.
constexpr const char *kElfSharedObjectFormat = "elf-shared-object";
/// A test-only format: each export is looked up among the functions given
/// to registerInProcessEntry instead of being loaded from the bytes; those
/// functions allocate their results (the shape functions' ABI).
constexpr const char *kInProcessFormat = "in-process";

class CPUDevice : public Device {
public:
  CPUDevice(DeviceDesc desc, const DeviceOptions &options);

  ThreadPool &threadPool() { return pool_; }

  /// Host memory.
  Allocator &allocator() override { return hostAllocator(); }
  std::unique_ptr<Executable> loadExecutable(const CodeObjectDesc &desc,
                                             ByteSpan bytes,
                                             std::string &error) override;
  bool copyIn(const Buffer &src, Buffer &dst, std::string &error) override;

  /// An executable whose one export is `entry`, an in-process function with
  /// the allocating ABI of shape functions (it returns result descriptors
  /// the runtime copies out and frees), run on the device's thread pool.
  /// For tests; generated exports write into caller-allocated results.
  std::unique_ptr<Executable> wrapEntry(EntryFn entry);

private:
  ThreadPool pool_;
  bool profile_ = false;
};

/// Registers `entry` under `name` for code objects of format "in-process"
/// (tests). Thread safe; a later registration replaces an earlier one.
void registerInProcessEntry(const std::string &name, EntryFn entry);

} // namespace tangram

#endif // TANGRAM_RUNTIME_CPUDEVICE_H
