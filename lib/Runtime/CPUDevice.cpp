//===- CPUDevice.cpp - The host CPU device --------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/CPUDevice.h"
#include "tangram/Runtime/Profile.h"

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

/// One export: the function, and the shape function that sizes its
/// results when some are known only at run time.
struct CPUExport {
  std::string name;
  DestinationFn fn = nullptr;
  EntryFn shapes = nullptr;
  /// A test entry with the old ABI: it allocates its own results.
  EntryFn allocating = nullptr;
};

class CPUExecutable : public Executable {
public:
  CPUExecutable(std::vector<CPUExport> entries, ThreadPool &pool,
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
    const CPUExport &x = entries[exportIndex];
    if (x.allocating)
      return callEntry(x.allocating, args, results, outputs, error) &&
             checkRunTimeError(outputs, error);
    std::vector<Shape> shapes;
    if (!resultShapes(x, args, results, shapes, error))
      return false;
    outputs.clear();
    for (size_t j = 0; j < results.size(); ++j) {
      outputs.push_back(Buffer::allocate(results[j].dtype, shapes[j],
                                         /*zeroed=*/false, hostAllocator()));
      if (!outputs.back()) {
        error = "cannot allocate result " + std::to_string(j) + " " +
                formatShape(shapes[j]) + " " + dtypeName(results[j].dtype);
        outputs.clear();
        return false;
      }
    }
    callDestinationEntry(x.fn, args, outputs);
    return checkRunTimeError(outputs, error);
  }

private:
  /// The first check that failed during the last call, if any.
  bool checkRunTimeError(std::vector<Buffer> &outputs, std::string &error) {
    if (const char *message = takeError ? takeError() : nullptr) {
      error = std::string("the model failed at run time: ") + message;
      outputs.clear();
      return false;
    }
    return true;
  }

  /// The result shapes: the declared ones, with run-time dims from the
  /// export's shape function (every result dim, in order, as i64).
  bool resultShapes(const CPUExport &x, const std::vector<const Buffer *> &args,
                    const std::vector<ResultSpec> &results,
                    std::vector<Shape> &shapes, std::string &error) {
    size_t total = 0;
    bool dynamic = false;
    for (const ResultSpec &r : results) {
      shapes.push_back(r.shape);
      total += r.shape.size();
      for (int64_t d : r.shape)
        dynamic |= d < 0;
    }
    if (!dynamic)
      return true;
    if (!x.shapes) {
      error = "export '" + x.name +
              "' has results sized at run time but no shape function";
      return false;
    }
    std::vector<Buffer> dims;
    if (!callEntry(x.shapes, args, {{DType::I64, 1, {-1}}}, dims, error) ||
        !checkRunTimeError(dims, error))
      return false;
    if (dims[0].numElements() != static_cast<int64_t>(total)) {
      error = "the shape function of '" + x.name + "' returned " +
              std::to_string(dims[0].numElements()) + " dims, expected " +
              std::to_string(total);
      return false;
    }
    const auto *d = static_cast<const int64_t *>(dims[0].data());
    for (Shape &s : shapes)
      for (int64_t &dim : s) {
        int64_t v = *d++;
        if (v < 0 || (dim >= 0 && dim != v)) {
          error = "the shape function of '" + x.name + "' returned dim " +
                  std::to_string(v) + " where the manifest says " +
                  (dim < 0 ? std::string("a size >= 0") : std::to_string(dim));
          return false;
        }
        dim = v;
      }
    return true;
  }

  std::vector<CPUExport> entries;
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
    : Device(std::move(desc)), pool_(options.threads),
      profile_(options.profile) {
  keepFreedMemory();
}

bool CPUDevice::copyIn(const Buffer &src, Buffer &dst, std::string &error) {
  return copyToHost(src, dst, "cpu", error);
}

std::unique_ptr<Executable> CPUDevice::wrapEntry(EntryFn entry) {
  CPUExport x;
  x.name = "entry";
  x.allocating = entry;
  return std::make_unique<CPUExecutable>(std::vector<CPUExport>{x}, pool_);
}

std::unique_ptr<Executable>
CPUDevice::loadExecutable(const CodeObjectDesc &desc, ByteSpan bytes,
                          std::string &error) {
  if (desc.format == kInProcessFormat) {
    std::lock_guard<std::mutex> lock(inProcessMutex());
    std::vector<CPUExport> entries;
    for (const ExportDesc &x : desc.exports) {
      auto it = inProcessEntries().find(x.name);
      if (it == inProcessEntries().end()) {
        error = "no in-process entry '" + x.name + "' is registered";
        return nullptr;
      }
      CPUExport e;
      e.name = x.name;
      e.allocating = it->second;
      entries.push_back(e);
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
  std::vector<CPUExport> entries;
  for (const ExportDesc &x : desc.exports) {
    CPUExport e;
    e.name = x.name;
    for (const std::string *symbol : {&x.name, &x.shapes}) {
      if (symbol->empty())
        continue;
      dlerror();
      void *p = dlsym(handle, symbol->c_str());
      if (!p) {
        error = "export '" + *symbol + "' not found: " + dlerrorText();
        dlclose(handle);
        ::close(fd);
        return nullptr;
      }
      if (symbol == &x.name)
        e.fn = reinterpret_cast<DestinationFn>(p);
      else
        e.shapes = reinterpret_cast<EntryFn>(p);
    }
    entries.push_back(e);
  }
  // Code objects that parallelize their loops ask for the pool this way.
  if (auto setParallelFor = reinterpret_cast<SetParallelForFn>(
          dlsym(handle, "tangram_set_parallel_for")))
    setParallelFor(&tangram_parallel_for);
  if (profile_)
    if (auto setProfiler = reinterpret_cast<SetProfilerFn>(
            dlsym(handle, "tangram_set_profiler")))
      setProfiler(&tangram_profile_now, &tangram_profile_record);
  auto takeError =
      reinterpret_cast<TakeErrorFn>(dlsym(handle, "tangram_take_error"));
  return std::make_unique<CPUExecutable>(std::move(entries), pool_, handle,
                                         fd, takeError);
}
