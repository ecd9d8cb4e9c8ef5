//===- CUDAHIPDevice.cpp - NVIDIA and AMD devices through dlopen ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/CUDAHIPDevice.h"
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Runtime/GPUProgram.h"
#include "tangram/Runtime/Profile.h"

#include <cstring>
#include <dlfcn.h>
#include <map>
#include <mutex>

using namespace tangram;

namespace {

/// CUresult / hipError_t: 0 is success.
using Status = int;
/// CUdeviceptr / hipDeviceptr_t: 64 bits either way.
using DevicePtr = uint64_t;

/// One vendor's driver API, opened once per process. The functions the
/// two APIs share have the same arguments; where they differ (pinned
/// memory, error names, JIT options) the vendor is asked.
struct API {
  bool hip = false;
  const char *kind = "";
  const char *library = "";
  void *lib = nullptr;
  std::string error; ///< why the API is unusable, when it is
  Status (*init)(unsigned) = nullptr;
  Status (*deviceCount)(int *) = nullptr;
  Status (*deviceGet)(int *, int) = nullptr;
  Status (*deviceName)(char *, int, int) = nullptr;
  Status (*totalMem)(size_t *, int) = nullptr;
  Status (*attribute)(int *, int, int) = nullptr;
  Status (*primaryCtxRetain)(void **, int) = nullptr;
  Status (*ctxSetCurrent)(void *) = nullptr;
  Status (*moduleLoad)(void **, const void *) = nullptr;
  Status (*moduleLoadEx)(void **, const void *, unsigned, int *,
                         void **) = nullptr; // cuda: with a JIT log
  Status (*moduleUnload)(void *) = nullptr;
  Status (*getFunction)(void **, void *, const char *) = nullptr;
  Status (*funcSetAttribute)(void *, int, int) = nullptr; // cuda only
  Status (*memAlloc)(DevicePtr *, size_t) = nullptr;
  Status (*memFree)(DevicePtr) = nullptr;
  Status (*hostAllocCuda)(void **, size_t) = nullptr;
  Status (*hostAllocHip)(void **, size_t, unsigned) = nullptr;
  Status (*hostFree)(void *) = nullptr;
  Status (*htod)(DevicePtr, const void *, size_t, void *) = nullptr;
  Status (*dtoh)(void *, DevicePtr, size_t, void *) = nullptr;
  Status (*streamCreate)(void **, unsigned) = nullptr;
  Status (*streamSync)(void *) = nullptr;
  Status (*streamDestroy)(void *) = nullptr;
  Status (*eventCreate)(void **, unsigned) = nullptr;
  Status (*eventRecord)(void *, void *) = nullptr;
  Status (*eventElapsed)(float *, void *, void *) = nullptr;
  Status (*eventDestroy)(void *) = nullptr;
  Status (*launch)(void *, unsigned, unsigned, unsigned, unsigned, unsigned,
                   unsigned, unsigned, void *, void **, void **) = nullptr;
  Status (*errorNameCuda)(Status, const char **) = nullptr;
  const char *(*errorNameHip)(Status) = nullptr;

  std::string failed(const char *call, Status s) const {
    const char *name = nullptr;
    if (errorNameCuda)
      errorNameCuda(s, &name);
    else if (errorNameHip)
      name = errorNameHip(s);
    return std::string(kind) + ": " + call + " failed (" +
           (name ? name : "error") + ", " + std::to_string(s) + ")";
  }
  Status hostAlloc(void **p, size_t n) const {
    return hip ? hostAllocHip(p, n, 0) : hostAllocCuda(p, n);
  }
};

template <typename F> bool bind(API &a, F &fn, const char *name) {
  fn = reinterpret_cast<F>(dlsym(a.lib, name));
  if (!fn && a.error.empty())
    a.error = std::string(a.library) + " has no " + name;
  return fn != nullptr;
}

API &api(bool hip) {
  static API apis[2];
  static std::once_flag once[2];
  API &a = apis[hip];
  std::call_once(once[hip], [&a, hip] {
    a.hip = hip;
    a.kind = hip ? "hip" : "cuda";
    a.library = hip ? "libamdhip64.so" : "libcuda.so.1";
    a.lib = dlopen(a.library, RTLD_NOW | RTLD_LOCAL);
    if (!a.lib) {
      const char *e = dlerror();
      a.error = std::string("cannot load ") + a.library + " (" +
                (e ? e : "not found") + ")";
      return;
    }
    if (hip) {
      bind(a, a.init, "hipInit");
      bind(a, a.deviceCount, "hipGetDeviceCount");
      bind(a, a.deviceGet, "hipDeviceGet");
      bind(a, a.deviceName, "hipDeviceGetName");
      bind(a, a.totalMem, "hipDeviceTotalMem");
      bind(a, a.attribute, "hipDeviceGetAttribute");
      bind(a, a.primaryCtxRetain, "hipDevicePrimaryCtxRetain");
      bind(a, a.ctxSetCurrent, "hipCtxSetCurrent");
      bind(a, a.moduleLoad, "hipModuleLoadData");
      bind(a, a.moduleUnload, "hipModuleUnload");
      bind(a, a.getFunction, "hipModuleGetFunction");
      bind(a, a.memAlloc, "hipMalloc");
      bind(a, a.memFree, "hipFree");
      bind(a, a.hostAllocHip, "hipHostMalloc");
      bind(a, a.hostFree, "hipHostFree");
      bind(a, a.htod, "hipMemcpyHtoDAsync");
      bind(a, a.dtoh, "hipMemcpyDtoHAsync");
      bind(a, a.streamCreate, "hipStreamCreateWithFlags");
      bind(a, a.streamSync, "hipStreamSynchronize");
      bind(a, a.streamDestroy, "hipStreamDestroy");
      bind(a, a.eventCreate, "hipEventCreateWithFlags");
      bind(a, a.eventRecord, "hipEventRecord");
      bind(a, a.eventElapsed, "hipEventElapsedTime");
      bind(a, a.eventDestroy, "hipEventDestroy");
      bind(a, a.launch, "hipModuleLaunchKernel");
      bind(a, a.errorNameHip, "hipGetErrorName");
    } else {
      bind(a, a.init, "cuInit");
      bind(a, a.deviceCount, "cuDeviceGetCount");
      bind(a, a.deviceGet, "cuDeviceGet");
      bind(a, a.deviceName, "cuDeviceGetName");
      bind(a, a.totalMem, "cuDeviceTotalMem_v2");
      bind(a, a.attribute, "cuDeviceGetAttribute");
      bind(a, a.primaryCtxRetain, "cuDevicePrimaryCtxRetain");
      bind(a, a.ctxSetCurrent, "cuCtxSetCurrent");
      bind(a, a.moduleLoadEx, "cuModuleLoadDataEx");
      bind(a, a.moduleUnload, "cuModuleUnload");
      bind(a, a.getFunction, "cuModuleGetFunction");
      bind(a, a.funcSetAttribute, "cuFuncSetAttribute");
      bind(a, a.memAlloc, "cuMemAlloc_v2");
      bind(a, a.memFree, "cuMemFree_v2");
      bind(a, a.hostAllocCuda, "cuMemAllocHost_v2");
      bind(a, a.hostFree, "cuMemFreeHost");
      bind(a, a.htod, "cuMemcpyHtoDAsync_v2");
      bind(a, a.dtoh, "cuMemcpyDtoHAsync_v2");
      bind(a, a.streamCreate, "cuStreamCreate");
      bind(a, a.streamSync, "cuStreamSynchronize");
      bind(a, a.streamDestroy, "cuStreamDestroy_v2");
      bind(a, a.eventCreate, "cuEventCreate");
      bind(a, a.eventRecord, "cuEventRecord");
      bind(a, a.eventElapsed, "cuEventElapsedTime");
      bind(a, a.eventDestroy, "cuEventDestroy_v2");
      bind(a, a.launch, "cuLaunchKernel");
      bind(a, a.errorNameCuda, "cuGetErrorName");
    }
    if (!a.error.empty())
      return;
    if (Status s = a.init(0))
      a.error = a.failed(hip ? "hipInit" : "cuInit", s);
  });
  return a;
}

/// Compute capability attributes of the CUDA driver API.
constexpr int kCCMajor = 75, kCCMinor = 76;

struct Info {
  std::string name;
  size_t memory = 0;
  int ccMajor = 0, ccMinor = 0; ///< cuda only
};

bool describe(API &a, int ordinal, int &device, Info &info,
              std::string &error) {
  if (Status s = a.deviceGet(&device, ordinal))
    return error = a.failed("deviceGet", s), false;
  char name[256] = {0};
  if (Status s = a.deviceName(name, sizeof(name) - 1, device))
    return error = a.failed("deviceGetName", s), false;
  info.name = name;
  if (Status s = a.totalMem(&info.memory, device))
    return error = a.failed("deviceTotalMem", s), false;
  if (!a.hip) {
    if (Status s = a.attribute(&info.ccMajor, kCCMajor, device))
      return error = a.failed("cuDeviceGetAttribute", s), false;
    if (Status s = a.attribute(&info.ccMinor, kCCMinor, device))
      return error = a.failed("cuDeviceGetAttribute", s), false;
  }
  return true;
}

class GPUDevice : public Device {
public:
  GPUDevice(DeviceDesc desc, API &a, bool profile)
      : Device(std::move(desc)), a(a), profile(profile) {}
  ~GPUDevice() override {
    if (stream)
      a.streamDestroy(stream);
    std::string ignored; // nothing to report a failure to
    if (context)
      makeCurrent(ignored);
    releaseCache();
    if (staging)
      a.hostFree(staging);
  }
  /// Device memory of at least `bytes`: a block a finished launch gave
  /// back when one fits (at most twice the size), else a new one. A driver
  /// allocation and free cost tens of microseconds each, and a free waits
  /// for the device, so a launch that allocated its results, scratch and
  /// params anew paid that per buffer at every inference.
  bool take(size_t bytes, DevicePtr &out, size_t &size, std::string &error) {
    size = roundUp(std::max<size_t>(bytes, 1));
    auto it = cache.lower_bound(size);
    if (it != cache.end() && it->first <= 2 * size) {
      size = it->first;
      out = it->second;
      cached -= size;
      cache.erase(it);
      return true;
    }
    Status s = a.memAlloc(&out, size);
    if (s && !cache.empty()) {
      // Out of memory, maybe because of what the cache holds.
      releaseCache();
      s = a.memAlloc(&out, size);
    }
    if (s)
      return error = a.failed("memAlloc", s), false;
    return true;
  }
  /// Gives a block back for the next launches (the stream has drained).
  void give(DevicePtr p, size_t size) {
    cache.emplace(size, p);
    cached += size;
    while (cached > kMaxCachedBytes && !cache.empty()) {
      auto largest = std::prev(cache.end());
      cached -= largest->first;
      a.memFree(largest->second);
      cache.erase(largest);
    }
  }
  void releaseCache() {
    for (auto &[size, p] : cache)
      a.memFree(p);
    cache.clear();
    cached = 0;
  }
  /// The pinned staging buffer, grown to at least `bytes` (kept between
  /// launches: pinning host memory costs far more than a launch).
  bool stagingOf(size_t bytes, char *&out, std::string &error) {
    if (bytes > stagingBytes) {
      if (staging)
        a.hostFree(staging);
      staging = nullptr;
      stagingBytes = 0;
      size_t grown = roundUp(std::max<size_t>(bytes, 1));
      if (Status s = a.hostAlloc(&staging, grown))
        return error = a.failed("hostAlloc", s), false;
      stagingBytes = grown;
    }
    out = static_cast<char *>(staging);
    return true;
  }
  bool init(unsigned ordinal, std::string &error) {
    int count = 0;
    if (Status s = a.deviceCount(&count))
      return error = a.failed("deviceCount", s), false;
    if (ordinal >= static_cast<unsigned>(count))
      return error = std::string("there is no ") + a.kind + " device " +
                     std::to_string(ordinal) + " (" + std::to_string(count) +
                     " found)",
             false;
    if (!describe(a, ordinal, device, info, error))
      return false;
    if (Status s = a.primaryCtxRetain(&context, device))
      return error = a.failed("primaryCtxRetain", s), false;
    if (!makeCurrent(error))
      return false;
    if (Status s = a.streamCreate(&stream, /*non-blocking=*/1))
      return error = a.failed("streamCreate", s), false;
    return true;
  }
  bool makeCurrent(std::string &error) {
    if (Status s = a.ctxSetCurrent(context))
      return error = a.failed("ctxSetCurrent", s), false;
    return true;
  }
  Allocator &allocator() override { return hostAllocator(); }
  bool copyIn(const Buffer &src, Buffer &dst, std::string &error) override {
    return copyToHost(src, dst, a.kind, error);
  }
  std::unique_ptr<Executable> loadExecutable(const CodeObjectDesc &desc,
                                             ByteSpan bytes,
                                             std::string &error) override;

  API &a;
  int device = 0;
  Info info;
  void *context = nullptr;
  void *stream = nullptr;
  /// Each dispatch is timed by events and recorded (Profile.h).
  bool profile = false;
  /// One launch at a time on the stream.
  std::mutex mutex;

private:
  /// Sizes are rounded so that blocks fit other launches' buffers of
  /// nearly the same size (a dynamic dim that moves a little).
  static size_t roundUp(size_t bytes) {
    size_t grain = bytes < (1u << 20) ? 256 : (1u << 20);
    return (bytes + grain - 1) / grain * grain;
  }
  static constexpr size_t kMaxCachedBytes = size_t(4) << 30;
  std::multimap<size_t, DevicePtr> cache;
  size_t cached = 0;
  void *staging = nullptr;
  size_t stagingBytes = 0;
};

/// Device memory of one launch, given back to the device's cache when it
/// ends: after the stream drains, since a launch that fails half way may
/// leave copies and kernels in flight that still use it.
struct LaunchMemory {
  LaunchMemory(GPUDevice &d) : d(d) {}
  ~LaunchMemory() {
    d.a.streamSync(d.stream);
    for (void *e : events)
      d.a.eventDestroy(e);
    for (auto [p, size] : device)
      d.give(p, size);
  }
  bool alloc(size_t bytes, DevicePtr &out, std::string &error) {
    size_t size = 0;
    // Zero-sized buffers still get an address.
    if (!d.take(bytes, out, size, error))
      return false;
    device.push_back({out, size});
    return true;
  }
  /// An event recorded on the stream now (profiling).
  bool record(void *&event, std::string &error) {
    if (Status s = d.a.eventCreate(&event, /*default flags=*/0))
      return error = d.a.failed("eventCreate", s), false;
    events.push_back(event);
    if (Status s = d.a.eventRecord(event, d.stream))
      return error = d.a.failed("eventRecord", s), false;
    return true;
  }
  GPUDevice &d;
  std::vector<std::pair<DevicePtr, size_t>> device;
  std::vector<void *> events;
};

class GPUExecutable : public Executable {
public:
  GPUExecutable(GPUDevice &d, const CodeObjectDesc &desc) : d_(d), desc_(desc) {}
  ~GPUExecutable() override {
    std::string ignored; // nothing to report a failure to
    d_.makeCurrent(ignored);
    for (auto &[name, m] : modules_)
      d_.a.moduleUnload(m);
    for (auto &[x, ptrs] : constants_)
      for (DevicePtr p : ptrs)
        d_.a.memFree(p);
    for (auto &[host, r] : resident_)
      d_.a.memFree(r.ptr);
  }
  unsigned numExports() const override { return desc_.exports.size(); }
  bool load(ByteSpan bytes, std::string &error);
  bool launch(unsigned exportIndex, const std::vector<const Buffer *> &args,
              const std::vector<ResultSpec> &results,
              std::vector<Buffer> &outputs, std::string &error) override;

private:
  GPUDevice &d_;
  CodeObjectDesc desc_;
  std::map<std::string, void *> modules_, functions_;
  /// Per export, its program's constants in device memory: uploaded by its
  /// first launch that succeeds, then bound by every launch.
  std::map<unsigned, std::vector<DevicePtr>> constants_;
  /// Immutable args (a bundle's weights) in device memory, by their host
  /// address, with a view that keeps that memory alive.
  struct Resident {
    DevicePtr ptr;
    Buffer view;
  };
  std::map<const void *, Resident> resident_;
};

/// Device memory that becomes an executable's when a launch succeeds, and
/// is freed otherwise (declared before the launch's LaunchMemory, whose
/// end drains the stream first).
struct PendingMemory {
  explicit PendingMemory(API &a) : a(a) {}
  ~PendingMemory() {
    for (DevicePtr p : ptrs)
      a.memFree(p);
  }
  API &a;
  std::vector<DevicePtr> ptrs;
};

bool GPUExecutable::load(ByteSpan bytes, std::string &error) {
  API &a = d_.a;
  const char *format = a.hip ? "hsaco-kernels" : "ptx-kernels";
  if (desc_.format != format)
    return error = std::string("the ") + a.kind + " device runs '" + format +
                   "' code objects, not '" + desc_.format + "'",
           false;
  // PTX is JIT-compiled for any newer architecture; HSACO must match (the
  // loader says so).
  for (const std::string &r : desc_.requires_)
    if (!a.hip && r.rfind("sm_", 0) == 0) {
      int need = std::atoi(r.c_str() + 3);
      int have = d_.info.ccMajor * 10 + d_.info.ccMinor;
      if (have < need)
        return error = "the kernels need " + r + ", which " + d_.info.name +
                       " (sm_" + std::to_string(have) + ") does not have",
               false;
    }
  std::vector<PackedKernel> kernels;
  if (!unpackKernels(bytes.data, bytes.size, kernels, error,
                     a.hip ? KernelCode::ELF : KernelCode::PTX))
    return false;
  std::lock_guard<std::mutex> lock(d_.mutex);
  if (!d_.makeCurrent(error))
    return false;
  for (const PackedKernel &k : kernels) {
    void *module = nullptr;
    if (a.hip) {
      if (Status s = a.moduleLoad(&module, k.words.data()))
        return error = "kernel '" + k.name + "': " +
                       a.failed("hipModuleLoadData", s),
               false;
    } else {
      // The JIT's log says why a PTX does not compile.
      char log[8192] = {0};
      int options[] = {/*CU_JIT_ERROR_LOG_BUFFER=*/5,
                       /*CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES=*/6};
      void *values[] = {log, reinterpret_cast<void *>(sizeof(log) - 1)};
      if (Status s = a.moduleLoadEx(&module, k.words.data(), 2, options,
                                    values))
        return error = "kernel '" + k.name + "': " +
                       a.failed("cuModuleLoadDataEx", s) +
                       (log[0] ? std::string(": ") + log : std::string()),
               false;
    }
    modules_[k.name] = module;
    void *fn = nullptr;
    if (Status s = a.getFunction(&fn, module, k.name.c_str()))
      return error = "kernel '" + k.name + "': " +
                     a.failed("moduleGetFunction", s),
             false;
    functions_[k.name] = fn;
  }
  // The most shared memory any dispatch gives each kernel at launch.
  std::map<std::string, unsigned> shared;
  for (const ExportDesc &x : desc_.exports)
    for (const KernelDispatch &k : x.program.kernels) {
      if (!functions_.count(k.kernel))
        return error = "the program dispatches kernel '" + k.kernel +
                       "', which the code object does not have",
               false;
      shared[k.kernel] = std::max(shared[k.kernel], k.sharedBytes);
    }
  // CUDA gives a kernel more than 48 KiB of dynamic shared memory only
  // once it opted in (CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES); an
  // AMD GPU gives all of its 64 KiB of LDS without.
  for (auto &[name, bytes] : shared)
    if (!a.hip && bytes > 48 * 1024) {
      // 1: CUDA_ERROR_INVALID_VALUE, for a size the call cannot take.
      Status s = bytes > INT32_MAX
                     ? 1
                     : a.funcSetAttribute(functions_[name], 8, (int)bytes);
      if (s)
        return error = "kernel '" + name + "' asks for " +
                       std::to_string(bytes) + " bytes of shared memory: " +
                       a.failed("cuFuncSetAttribute", s),
               false;
    }
  return true;
}

bool GPUExecutable::launch(unsigned exportIndex,
                           const std::vector<const Buffer *> &args,
                           const std::vector<ResultSpec> &results,
                           std::vector<Buffer> &outputs, std::string &error) {
  const ExportDesc &x = desc_.exports[exportIndex];
  const GPUProgram &p = x.program;
  unsigned numArgs = args.size();
  if (args.size() != x.args || results.size() != x.results)
    return error = "export '" + x.name + "': wrong number of buffers", false;
  std::vector<int64_t> values;
  std::vector<Shape> shapes;
  if (!prepareGPULaunch(x, args, results, outputs, values, shapes, error))
    return false;

  API &a = d_.a;
  std::lock_guard<std::mutex> lock(d_.mutex);
  if (!d_.makeCurrent(error))
    return false;
  // Constants stay on the device from the export's first launch on.
  PendingMemory fresh(a);
  auto held = constants_.find(exportIndex);
  bool uploadConstants = held == constants_.end();
  LaunchMemory mem(d_);
  // Every byte that crosses to the device, then back, in one pinned
  // staging buffer: args, constants, each dispatch's params; results.
  std::vector<size_t> argBytes, argAt;
  size_t staged = 0;
  auto place = [&](size_t bytes) {
    size_t at = staged;
    staged += (bytes + 15) / 16 * 16;
    return at;
  };
  // Immutable args already on the device are neither staged nor copied.
  auto residentOf = [&](const Buffer *b) -> const Resident * {
    if (!b->isImmutable())
      return nullptr;
    auto it = resident_.find(b->data());
    return it != resident_.end() &&
                   it->second.view.byteSize() == b->byteSize()
               ? &it->second
               : nullptr;
  };
  for (const Buffer *b : args) {
    argBytes.push_back(b->byteSize());
    argAt.push_back(residentOf(b) ? 0 : place(b->byteSize()));
  }
  std::vector<size_t> constAt;
  if (uploadConstants)
    for (const std::vector<uint8_t> &c : p.constants)
      constAt.push_back(place(c.size()));
  // Every dispatch's params in one block: one copy, one buffer.
  std::vector<size_t> paramAt;
  size_t paramBytes = 0;
  for (const KernelDispatch &k : p.kernels) {
    paramAt.push_back(paramBytes);
    paramBytes += (std::max<size_t>(1, k.params.size()) * 4 + 15) / 16 * 16;
  }
  size_t paramsAt = place(paramBytes);
  std::vector<size_t> resultAt;
  for (const Buffer &o : outputs)
    resultAt.push_back(place(o.byteSize()));
  char *pinned = nullptr;
  if (!d_.stagingOf(staged, pinned, error))
    return false;

  // Device buffers: args, results, scratch, constants, params.
  std::vector<DevicePtr> argDev(numArgs + outputs.size()), scratchDev,
      constDev;
  std::vector<size_t> argSize(numArgs + outputs.size());
  // Immutable args uploaded now: kept when the launch succeeds.
  std::vector<std::pair<const Buffer *, DevicePtr>> freshArgs;
  for (unsigned i = 0; i < numArgs; ++i) {
    argSize[i] = argBytes[i];
    if (const Resident *r = residentOf(args[i])) {
      argDev[i] = r->ptr;
      continue;
    }
    std::memcpy(pinned + argAt[i], args[i]->data(), argBytes[i]);
    if (args[i]->isImmutable()) {
      if (Status s = a.memAlloc(&argDev[i], std::max<size_t>(argBytes[i], 1)))
        return error = a.failed("memAlloc", s), false;
      fresh.ptrs.push_back(argDev[i]);
      freshArgs.push_back({args[i], argDev[i]});
    } else if (!mem.alloc(argBytes[i], argDev[i], error)) {
      return false;
    }
    if (Status s = a.htod(argDev[i], pinned + argAt[i], argBytes[i], d_.stream))
      return error = a.failed("memcpyHtoDAsync", s), false;
  }
  for (unsigned j = 0; j < outputs.size(); ++j) {
    argSize[numArgs + j] = outputs[j].byteSize();
    if (!mem.alloc(outputs[j].byteSize(), argDev[numArgs + j], error))
      return false;
  }
  for (unsigned id : p.scratch) {
    if (values[id] < 0)
      return error = "a scratch buffer of negative size", false;
    scratchDev.emplace_back();
    if (!mem.alloc(values[id], scratchDev.back(), error))
      return false;
  }
  if (!uploadConstants)
    constDev = held->second;
  for (size_t c = 0; uploadConstants && c < p.constants.size(); ++c) {
    std::memcpy(pinned + constAt[c], p.constants[c].data(),
                p.constants[c].size());
    DevicePtr ptr;
    if (Status s = a.memAlloc(&ptr, std::max<size_t>(p.constants[c].size(), 1)))
      return error = a.failed("memAlloc", s), false;
    fresh.ptrs.push_back(ptr);
    constDev.push_back(ptr);
    if (Status s = a.htod(ptr, pinned + constAt[c], p.constants[c].size(),
                          d_.stream))
      return error = a.failed("memcpyHtoDAsync", s), false;
  }
  DevicePtr params = 0;
  for (size_t i = 0; i < p.kernels.size(); ++i)
    if (!kernelParams(p.kernels[i], values,
                      reinterpret_cast<int32_t *>(pinned + paramsAt + paramAt[i]),
                      error))
      return false;
  if (!mem.alloc(paramBytes, params, error))
    return false;
  if (paramBytes)
    if (Status s = a.htod(params, pinned + paramsAt, paramBytes, d_.stream))
      return error = a.failed("memcpyHtoDAsync", s), false;

  // Dispatches, in order on the stream: each kernel takes the params then
  // its buffers, each as a memref descriptor (allocated and aligned
  // pointers, offset, size, stride: docs/BundleFormat.md). Profiled, each
  // between two events.
  struct Timed {
    std::string sizes;
    void *start, *end;
  };
  std::vector<Timed> timed;
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    const KernelDispatch &k = p.kernels[i];
    if (k.conditional && values[k.when] == 0)
      continue;
    int64_t grid[3];
    for (int g = 0; g < 3; ++g) {
      grid[g] = values[k.grid[g]];
      if (grid[g] < 0 || grid[g] > (g == 0 ? INT32_MAX : 65535))
        return error = "kernel '" + k.kernel + "': " +
                       std::to_string(grid[g]) +
                       " workgroups exceed the device's limit",
               false;
    }
    if (!grid[0] || !grid[1] || !grid[2])
      continue;
    std::vector<uint64_t> words;
    auto descriptor = [&](DevicePtr ptr, size_t bytes) {
      words.insert(words.end(), {ptr, ptr, 0, bytes, 1});
    };
    descriptor(params + paramAt[i], std::max<size_t>(1, k.params.size()) * 4);
    for (const Binding &b : k.bindings) {
      if (b.kind == BindingKind::Scratch)
        descriptor(scratchDev[b.index], values[p.scratch[b.index]]);
      else if (b.kind == BindingKind::Constant)
        descriptor(constDev[b.index], p.constants[b.index].size());
      else
        descriptor(argDev[b.index], argSize[b.index]);
    }
    std::vector<void *> params;
    for (uint64_t &w : words)
      params.push_back(&w);
    Timed t;
    if (d_.profile) {
      t.sizes = k.kernel + " grid " + std::to_string(grid[0]) + "x" +
                std::to_string(grid[1]) + "x" + std::to_string(grid[2]) +
                " of " + std::to_string(k.workgroup[0] * k.workgroup[1] *
                                        k.workgroup[2]);
      if (!mem.record(t.start, error))
        return false;
    }
    if (Status s = a.launch(functions_[k.kernel], grid[0], grid[1], grid[2],
                            k.workgroup[0], k.workgroup[1], k.workgroup[2],
                            k.sharedBytes, d_.stream, params.data(),
                            nullptr))
      return error = "kernel '" + k.kernel + "': " + a.failed("launch", s),
             false;
    if (d_.profile) {
      if (!mem.record(t.end, error))
        return false;
      timed.push_back(std::move(t));
    }
  }
  for (unsigned j = 0; j < outputs.size(); ++j)
    if (Status s = a.dtoh(pinned + resultAt[j], argDev[numArgs + j],
                          outputs[j].byteSize(), d_.stream))
      return error = a.failed("memcpyDtoHAsync", s), false;
  if (Status s = a.streamSync(d_.stream))
    return error = a.failed("streamSynchronize", s), false;
  // What this launch uploaded to stay: the constants, the immutable args
  // (the same arg twice in one launch is uploaded twice; one copy stays).
  if (uploadConstants)
    constants_[exportIndex] = constDev;
  for (auto [b, ptr] : freshArgs) {
    auto [it, added] = resident_.insert({b->data(), Resident{ptr, *b}});
    if (!added)
      a.memFree(ptr);
  }
  fresh.ptrs.clear();
  for (const Timed &t : timed) {
    float ms = 0;
    if (Status s = a.eventElapsed(&ms, t.start, t.end))
      return error = a.failed("eventElapsedTime", s), false;
    recordKernelCall(a.hip ? "hip_kernel" : "cuda_kernel", t.sizes, ms);
  }
  for (unsigned j = 0; j < outputs.size(); ++j)
    std::memcpy(outputs[j].mutableData(), pinned + resultAt[j],
                outputs[j].byteSize());
  return true;
}

std::unique_ptr<Executable>
GPUDevice::loadExecutable(const CodeObjectDesc &desc, ByteSpan bytes,
                          std::string &error) {
  auto exe = std::make_unique<GPUExecutable>(*this, desc);
  if (!exe->load(bytes, error))
    return nullptr;
  return exe;
}

class GPUDriver : public Driver {
public:
  explicit GPUDriver(bool hip) : hip_(hip) {}
  const char *kind() const override { return hip_ ? "hip" : "cuda"; }
  std::unique_ptr<Device> createDevice(const DeviceDesc &desc,
                                       const DeviceOptions &options,
                                       std::string &error) override {
    API &a = api(hip_);
    if (!a.error.empty())
      return error = std::string("no ") + a.kind + " device: " + a.error,
             nullptr;
    auto device = std::make_unique<GPUDevice>(desc, a, options.profile);
    if (!device->init(options.ordinal, error))
      return nullptr;
    return device;
  }
  std::vector<std::string> listDevices() override {
    API &a = api(hip_);
    if (!a.error.empty())
      return {std::string(a.kind) + ": none (" + a.error + ")"};
    int count = 0;
    if (Status s = a.deviceCount(&count))
      return {std::string(a.kind) + ": none (" +
              a.failed("deviceCount", s) + ")"};
    if (count == 0)
      return {std::string(a.kind) + ": none (no device)"};
    std::vector<std::string> lines;
    for (int i = 0; i < count; ++i) {
      int device;
      Info info;
      std::string error;
      std::string line = std::string(a.kind) + ":" + std::to_string(i) + "  ";
      if (!describe(a, i, device, info, error)) {
        lines.push_back(line + error);
        continue;
      }
      line += info.name;
      if (!hip_)
        line += " (sm_" + std::to_string(info.ccMajor * 10 + info.ccMinor) +
                ")";
      line += ", " + std::to_string(info.memory >> 20) + " MiB";
      lines.push_back(line);
    }
    return lines;
  }

private:
  bool hip_;
};

} // namespace

std::unique_ptr<Driver> tangram::createCUDADriver() {
  return std::make_unique<GPUDriver>(false);
}
std::unique_ptr<Driver> tangram::createHIPDriver() {
  return std::make_unique<GPUDriver>(true);
}
