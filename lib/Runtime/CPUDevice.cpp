//===- CPUDevice.cpp - The host CPU device --------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/CPUDevice.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <malloc.h>
#include <map>
#include <mutex>
#include <sys/mman.h>
#include <unistd.h>

using namespace tangram;

Device::~Device() = default;

Queue &Device::queue() {
  std::call_once(queueOnce_, [this] {
    queue_ = std::make_unique<Queue>(desc_.name.empty() ? desc_.kind
                                                        : desc_.name);
  });
  return *queue_;
}

namespace {

class CPUExecutable : public Executable {
public:
  CPUExecutable(std::vector<EntryFn> entries, ThreadPool &pool,
                void *handle = nullptr, int fd = -1,
                TakeErrorFn takeError = nullptr)
      : entries(std::move(entries)), pool(pool), handle(handle), fd(fd),
        takeError(takeError) {}

  ~CPUExecutable() override {
    if (handle)
      dlclose(handle);
    if (fd >= 0)
      ::close(fd);
  }

  unsigned numExports() const override { return entries.size(); }

  bool launch(unsigned exportIndex, const std::vector<const Buffer *> &args,
              const std::vector<ResultSpec> &results,
              std::vector<Buffer> &outputs, std::string &error) override {
    if (exportIndex >= entries.size()) {
      error = "export " + std::to_string(exportIndex) + " does not exist";
      return false;
    }
    ScopedCurrentPool scope(&pool);
    if (!callEntry(entries[exportIndex], args, results, outputs, error))
      return false;
    if (const char *message = takeError ? takeError() : nullptr) {
      error = std::string("the model failed at run time: ") + message;
      outputs.clear();
      return false;
    }
    return true;
  }

private:
  std::vector<EntryFn> entries;
  ThreadPool &pool;
  void *handle;
  /// The memfd the object was loaded from. It stays open while the object is
  /// loaded: glibc recognizes loaded objects by path, and a second code
  /// object loaded from a reused "/proc/self/fd/N" would get the first one.
  int fd;
  TakeErrorFn takeError;
};

std::mutex &inProcessMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, EntryFn> &inProcessEntries() {
  static std::map<std::string, EntryFn> entries;
  return entries;
}

std::string dlerrorText() {
  const char *message = dlerror();
  return message ? message : "unknown error";
}

} // namespace

void tangram::registerInProcessEntry(const std::string &name, EntryFn entry) {
  std::lock_guard<std::mutex> lock(inProcessMutex());
  inProcessEntries()[name] = entry;
}

namespace {
/// Generated code mallocs every intermediate tensor and frees it when done.
/// With glibc's defaults, buffers over 128 KiB are fresh mmaps and freed heap
/// tops are trimmed, so each run faults in and zeroes its memory again (over
/// half the time of a run, measured on mobilenet_v2). Keeping freed memory
/// in the heap makes later runs reuse it.
void keepFreedMemory() {
  static std::once_flag once;
  std::call_once(once, [] {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  });
}
} // namespace

CPUDevice::CPUDevice(DeviceDesc desc, const DeviceOptions &options)
    : Device(std::move(desc)), pool_(options.threads) {
  keepFreedMemory();
}

Buffer CPUDevice::allocate(DType dtype, const Shape &shape) {
  return Buffer::allocate(dtype, shape);
}

bool CPUDevice::copyIn(const Buffer &src, Buffer &dst, std::string &error) {
  dst = Buffer::allocate(src.dtype(), src.shape());
  if (!dst) {
    error = "cannot allocate " + std::to_string(src.byteSize()) + " bytes";
    return false;
  }
  if (src.byteSize())
    std::memcpy(dst.mutableData(), src.data(), src.byteSize());
  return true;
}

std::unique_ptr<Executable> CPUDevice::wrapEntry(EntryFn entry) {
  return std::make_unique<CPUExecutable>(std::vector<EntryFn>{entry}, pool_);
}

std::unique_ptr<Executable>
CPUDevice::loadExecutable(const CodeObjectDesc &desc, ByteSpan bytes,
                          std::string &error) {
  if (desc.format == kInProcessFormat) {
    std::lock_guard<std::mutex> lock(inProcessMutex());
    std::vector<EntryFn> entries;
    for (const ExportDesc &x : desc.exports) {
      auto it = inProcessEntries().find(x.name);
      if (it == inProcessEntries().end()) {
        error = "no in-process entry '" + x.name + "' is registered";
        return nullptr;
      }
      entries.push_back(it->second);
    }
    return std::make_unique<CPUExecutable>(std::move(entries), pool_);
  }
  if (desc.format != kElfSharedObjectFormat) {
    error = "format '" + desc.format +
            "' is not supported by the cpu device (expected " +
            kElfSharedObjectFormat + ")";
    return nullptr;
  }
  if (bytes.size < 4 || std::memcmp(bytes.data,
                                    "\x7f"
                                    "ELF",
                                    4) != 0) {
    error = "not an ELF shared object (bad magic)";
    return nullptr;
  }
  int fd = memfd_create("tangram-code", MFD_CLOEXEC);
  if (fd < 0) {
    error = std::string("memfd_create failed: ") + std::strerror(errno);
    return nullptr;
  }
  for (size_t done = 0; done < bytes.size;) {
    ssize_t n = ::write(fd, bytes.data + done, bytes.size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = std::string("cannot write the code object to a memfd: ") +
              std::strerror(n < 0 ? errno : EIO);
      ::close(fd);
      return nullptr;
    }
    done += static_cast<size_t>(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  dlerror();
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    error = "cannot load: " + dlerrorText();
    ::close(fd);
    return nullptr;
  }
  std::vector<EntryFn> entries;
  for (const ExportDesc &x : desc.exports) {
    dlerror();
    auto entry = reinterpret_cast<EntryFn>(dlsym(handle, x.name.c_str()));
    if (!entry) {
      error = "export '" + x.name + "' not found: " + dlerrorText();
      dlclose(handle);
      ::close(fd);
      return nullptr;
    }
    entries.push_back(entry);
  }
  // Code objects that parallelize their loops ask for the pool this way.
  if (auto setParallelFor = reinterpret_cast<SetParallelForFn>(
          dlsym(handle, "tangram_set_parallel_for")))
    setParallelFor(&tangram_parallel_for);
  auto takeError =
      reinterpret_cast<TakeErrorFn>(dlsym(handle, "tangram_take_error"));
  return std::make_unique<CPUExecutable>(std::move(entries), pool_, handle,
                                         fd, takeError);
}
