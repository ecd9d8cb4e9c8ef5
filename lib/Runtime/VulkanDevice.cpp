//===- VulkanDevice.cpp - Vulkan compute devices --------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Every Vulkan call's result is checked; a failure is an error naming the
// call and the VkResult. Nothing here aborts.
//
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/VulkanDevice.h"
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Runtime/GPUProgram.h"

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

using namespace tangram;

namespace {

/// A zeroed Vulkan struct of type `t`.
template <typename T> T vkInit(VkStructureType t) {
  T v{};
  v.sType = t;
  return v;
}

//===----------------------------------------------------------------------===//
// The loader
//===----------------------------------------------------------------------===//

#define TG_VK_INSTANCE_FNS(X)                                                  \
  X(vkDestroyInstance)                                                         \
  X(vkEnumeratePhysicalDevices)                                                \
  X(vkGetPhysicalDeviceProperties)                                             \
  X(vkGetPhysicalDeviceProperties2)                                            \
  X(vkGetPhysicalDeviceFeatures2)                                              \
  X(vkGetPhysicalDeviceMemoryProperties)                                       \
  X(vkGetPhysicalDeviceQueueFamilyProperties)                                  \
  X(vkCreateDevice)                                                            \
  X(vkGetDeviceProcAddr)

#define TG_VK_DEVICE_FNS(X)                                                    \
  X(vkDestroyDevice)                                                           \
  X(vkGetDeviceQueue)                                                          \
  X(vkCreateBuffer)                                                            \
  X(vkDestroyBuffer)                                                           \
  X(vkGetBufferMemoryRequirements)                                             \
  X(vkAllocateMemory)                                                          \
  X(vkFreeMemory)                                                              \
  X(vkBindBufferMemory)                                                        \
  X(vkMapMemory)                                                               \
  X(vkUnmapMemory)                                                             \
  X(vkCreateShaderModule)                                                      \
  X(vkDestroyShaderModule)                                                     \
  X(vkCreateDescriptorSetLayout)                                               \
  X(vkDestroyDescriptorSetLayout)                                              \
  X(vkCreatePipelineLayout)                                                    \
  X(vkDestroyPipelineLayout)                                                   \
  X(vkCreateComputePipelines)                                                  \
  X(vkDestroyPipeline)                                                         \
  X(vkCreateDescriptorPool)                                                    \
  X(vkDestroyDescriptorPool)                                                   \
  X(vkAllocateDescriptorSets)                                                  \
  X(vkUpdateDescriptorSets)                                                    \
  X(vkCreateCommandPool)                                                       \
  X(vkDestroyCommandPool)                                                      \
  X(vkAllocateCommandBuffers)                                                  \
  X(vkFreeCommandBuffers)                                                      \
  X(vkBeginCommandBuffer)                                                      \
  X(vkEndCommandBuffer)                                                        \
  X(vkCmdBindPipeline)                                                         \
  X(vkCmdBindDescriptorSets)                                                   \
  X(vkCmdDispatch)                                                             \
  X(vkCmdPipelineBarrier)                                                      \
  X(vkCmdCopyBuffer)                                                           \
  X(vkCreateFence)                                                             \
  X(vkDestroyFence)                                                            \
  X(vkWaitForFences)                                                           \
  X(vkQueueSubmit)

#define TG_VK_DECLARE(name) PFN_##name name = nullptr;

/// libvulkan.so.1 and one instance, opened once per process.
struct Loader {
  void *lib = nullptr;
  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
  VkInstance instance = VK_NULL_HANDLE;
  TG_VK_INSTANCE_FNS(TG_VK_DECLARE)
  std::vector<VkPhysicalDevice> physical;
  std::string error; ///< why there is no Vulkan, when there is none
};

std::string vkError(const char *call, VkResult r) {
  const char *name = nullptr;
  switch (r) {
  case VK_ERROR_OUT_OF_HOST_MEMORY: name = "out of host memory"; break;
  case VK_ERROR_OUT_OF_DEVICE_MEMORY: name = "out of device memory"; break;
  case VK_ERROR_INITIALIZATION_FAILED: name = "initialization failed"; break;
  case VK_ERROR_DEVICE_LOST: name = "device lost"; break;
  case VK_ERROR_FEATURE_NOT_PRESENT: name = "feature not present"; break;
  case VK_ERROR_INCOMPATIBLE_DRIVER:
    name = "no compatible Vulkan driver is installed";
    break;
  case VK_ERROR_TOO_MANY_OBJECTS: name = "too many objects"; break;
  default: break;
  }
  return std::string(call) + " failed (" +
         (name ? std::string(name) + ", " : std::string()) + "VkResult " +
         std::to_string(r) + ")";
}

Loader &loader() {
  static Loader l;
  static std::once_flag once;
  std::call_once(once, [] {
    l.lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!l.lib) {
      const char *e = dlerror();
      l.error = std::string("cannot load the Vulkan loader (") +
                (e ? e : "libvulkan.so.1") + ")";
      return;
    }
    l.vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(
        dlsym(l.lib, "vkGetInstanceProcAddr"));
    if (!l.vkGetInstanceProcAddr) {
      l.error = "libvulkan.so.1 has no vkGetInstanceProcAddr";
      return;
    }
    auto create = reinterpret_cast<PFN_vkCreateInstance>(
        l.vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkCreateInstance"));
    VkApplicationInfo app = vkInit<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
    app.pApplicationName = "tangram";
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo info = vkInit<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
    info.pApplicationInfo = &app;
    VkResult r = create ? create(&info, nullptr, &l.instance)
                        : VK_ERROR_INITIALIZATION_FAILED;
    if (r != VK_SUCCESS) {
      l.error = vkError("vkCreateInstance", r);
      return;
    }
#define TG_VK_LOAD_INSTANCE(name)                                              \
  l.name = reinterpret_cast<PFN_##name>(                                       \
      l.vkGetInstanceProcAddr(l.instance, #name));                             \
  if (!l.name) {                                                               \
    l.error = "the Vulkan loader has no " #name;                               \
    return;                                                                    \
  }
    TG_VK_INSTANCE_FNS(TG_VK_LOAD_INSTANCE)
    uint32_t n = 0;
    r = l.vkEnumeratePhysicalDevices(l.instance, &n, nullptr);
    if (r != VK_SUCCESS) {
      l.error = vkError("vkEnumeratePhysicalDevices", r);
      return;
    }
    l.physical.resize(n);
    r = l.vkEnumeratePhysicalDevices(l.instance, &n, l.physical.data());
    if (r != VK_SUCCESS && r != VK_INCOMPLETE) {
      l.error = vkError("vkEnumeratePhysicalDevices", r);
      l.physical.clear();
      return;
    }
    l.physical.resize(n);
    if (n == 0)
      l.error = "the Vulkan loader found no device";
  });
  return l;
}

//===----------------------------------------------------------------------===//
// What a physical device has
//===----------------------------------------------------------------------===//

/// Features queried and then enabled as they are: a kernel may use any of
/// them, and load checks its required capabilities against `capabilities`.
struct Features {
  VkPhysicalDeviceFeatures2 core = vkInit<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
  VkPhysicalDeviceVulkan11Features v11 = vkInit<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES);
  VkPhysicalDeviceVulkan12Features v12 = vkInit<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
  Features() {
    core.pNext = &v11;
    v11.pNext = &v12;
  }
  Features(const Features &) = delete;
};

struct PhysicalInfo {
  VkPhysicalDeviceProperties props{};
  VkPhysicalDeviceDriverProperties driver = vkInit<VkPhysicalDeviceDriverProperties>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES);
  VkPhysicalDeviceSubgroupProperties subgroup = vkInit<VkPhysicalDeviceSubgroupProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES);
  VkPhysicalDeviceMemoryProperties memory{};
  std::set<std::string> capabilities;
};

void describe(Loader &l, VkPhysicalDevice pd, PhysicalInfo &info,
              Features &f) {
  VkPhysicalDeviceProperties2 p2 = vkInit<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
  p2.pNext = &info.subgroup;
  l.vkGetPhysicalDeviceProperties(pd, &info.props);
  if (info.props.apiVersion >= VK_API_VERSION_1_2)
    info.subgroup.pNext = &info.driver;
  l.vkGetPhysicalDeviceProperties2(pd, &p2);
  info.props = p2.properties;
  l.vkGetPhysicalDeviceMemoryProperties(pd, &info.memory);
  bool v12 = info.props.apiVersion >= VK_API_VERSION_1_2;
  if (!v12)
    f.core.pNext = nullptr;
  l.vkGetPhysicalDeviceFeatures2(pd, &f.core);
  auto &c = info.capabilities;
  // Shader implies Matrix; storage buffers are core since Vulkan 1.1.
  c = {"Shader", "Matrix", "SPV_KHR_storage_buffer_storage_class"};
  if (f.core.features.shaderFloat64)
    c.insert("Float64");
  if (f.core.features.shaderInt64)
    c.insert("Int64");
  if (f.core.features.shaderInt16)
    c.insert("Int16");
  if (v12) {
    if (f.v12.shaderFloat16)
      c.insert("Float16");
    if (f.v12.shaderInt8)
      c.insert("Int8");
    if (f.v12.storageBuffer8BitAccess)
      c.insert({"StorageBuffer8BitAccess", "SPV_KHR_8bit_storage"});
    if (f.v11.storageBuffer16BitAccess)
      c.insert({"StorageBuffer16BitAccess", "SPV_KHR_16bit_storage"});
    if (f.v12.vulkanMemoryModel)
      c.insert({"VulkanMemoryModel", "SPV_KHR_vulkan_memory_model"});
  }
  if (info.subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) {
    VkSubgroupFeatureFlags ops = info.subgroup.supportedOperations;
    if (ops & VK_SUBGROUP_FEATURE_BASIC_BIT)
      c.insert("GroupNonUniform");
    if (ops & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT)
      c.insert("GroupNonUniformArithmetic");
    if (ops & VK_SUBGROUP_FEATURE_SHUFFLE_BIT)
      c.insert("GroupNonUniformShuffle");
    if (ops & VK_SUBGROUP_FEATURE_BALLOT_BIT)
      c.insert("GroupNonUniformBallot");
  }
}

std::string describeLine(unsigned i, Loader &l) {
  PhysicalInfo info;
  Features f;
  describe(l, l.physical[i], info, f);
  uint64_t memory = 0;
  for (uint32_t h = 0; h < info.memory.memoryHeapCount; ++h)
    if (info.memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      memory += info.memory.memoryHeaps[h].size;
  const VkPhysicalDeviceLimits &lim = info.props.limits;
  uint32_t v = info.props.apiVersion;
  std::string caps;
  for (const std::string &c : info.capabilities)
    if (c.rfind("SPV_", 0) != 0)
      caps += (caps.empty() ? "" : ",") + c;
  return "vulkan:" + std::to_string(i) + "  " + info.props.deviceName +
         " (Vulkan " + std::to_string(VK_API_VERSION_MAJOR(v)) + "." +
         std::to_string(VK_API_VERSION_MINOR(v)) + ", " +
         (info.driver.driverName[0]
              ? std::string(info.driver.driverName) + " " +
                    info.driver.driverInfo
              : "driver " + std::to_string(info.props.driverVersion)) +
         "), " +
         std::to_string(memory >> 20) + " MiB, workgroup <= " +
         std::to_string(lim.maxComputeWorkGroupInvocations) +
         " invocations, shared " +
         std::to_string(lim.maxComputeSharedMemorySize) + " B, subgroup " +
         std::to_string(info.subgroup.subgroupSize) + ", storage buffers <= " +
         std::to_string(lim.maxStorageBufferRange >> 20) + " MiB; " + caps;
}

//===----------------------------------------------------------------------===//
// Device, buffers, executables
//===----------------------------------------------------------------------===//

struct DeviceFns {
  TG_VK_DEVICE_FNS(TG_VK_DECLARE)
};

class VulkanDevice;

/// A VkBuffer with its own memory (one allocation per buffer: launches
/// allocate few, large buffers).
struct VkBuf {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  void *mapped = nullptr; ///< when host visible
};

class VulkanDevice : public Device {
public:
  VulkanDevice(DeviceDesc desc) : Device(std::move(desc)) {}
  ~VulkanDevice() override;

  bool init(unsigned ordinal, std::string &error);

  /// Results come back to host memory after each launch.
  Allocator &allocator() override { return hostAllocator(); }
  std::unique_ptr<Executable> loadExecutable(const CodeObjectDesc &desc,
                                             ByteSpan bytes,
                                             std::string &error) override;
  bool copyIn(const Buffer &src, Buffer &dst, std::string &error) override {
    return copyToHost(src, dst, "vulkan device", error);
  }

  /// `size` bytes of device memory; host visible when `hostVisible` (else
  /// device local, host visible only if the device has such memory).
  bool createBuffer(VkDeviceSize size, bool hostVisible, VkBuf &out,
                    std::string &error);
  void destroyBuffer(VkBuf &b);

  DeviceFns vk;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  PhysicalInfo info;
  VkCommandPool commandPool = VK_NULL_HANDLE;
  /// One launch records and submits at a time (command pool and queue are
  /// externally synchronized).
  std::mutex mutex;
};

VulkanDevice::~VulkanDevice() {
  if (device == VK_NULL_HANDLE)
    return;
  if (commandPool)
    vk.vkDestroyCommandPool(device, commandPool, nullptr);
  vk.vkDestroyDevice(device, nullptr);
}

bool VulkanDevice::init(unsigned ordinal, std::string &error) {
  Loader &l = loader();
  if (l.physical.empty())
    return error = "no Vulkan device: " + l.error, false;
  if (ordinal >= l.physical.size())
    return error = "vulkan:" + std::to_string(ordinal) +
                   " does not exist (" + std::to_string(l.physical.size()) +
                   " Vulkan device" + (l.physical.size() == 1 ? "" : "s") +
                   ")",
           false;
  VkPhysicalDevice pd = l.physical[ordinal];
  Features features;
  describe(l, pd, info, features);
  uint32_t n = 0;
  l.vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
  std::vector<VkQueueFamilyProperties> families(n);
  l.vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, families.data());
  queueFamily = n;
  for (uint32_t i = 0; i < n; ++i)
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      queueFamily = i;
      break;
    }
  if (queueFamily == n)
    return error = std::string(info.props.deviceName) +
                   " has no compute queue",
           false;
  float priority = 1.0f;
  VkDeviceQueueCreateInfo q = vkInit<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  q.queueFamilyIndex = queueFamily;
  q.queueCount = 1;
  q.pQueuePriorities = &priority;
  VkDeviceCreateInfo dci = vkInit<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);
  dci.pNext = &features.core; // every supported feature, enabled
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &q;
  VkResult r = l.vkCreateDevice(pd, &dci, nullptr, &device);
  if (r != VK_SUCCESS)
    return error = vkError("vkCreateDevice", r), false;
#define TG_VK_LOAD_DEVICE(name)                                                \
  vk.name = reinterpret_cast<PFN_##name>(l.vkGetDeviceProcAddr(device, #name)); \
  if (!vk.name)                                                                \
    return error = "the Vulkan device has no " #name, false;
  TG_VK_DEVICE_FNS(TG_VK_LOAD_DEVICE)
  vk.vkGetDeviceQueue(device, queueFamily, 0, &queue);
  VkCommandPoolCreateInfo pci = vkInit<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pci.queueFamilyIndex = queueFamily;
  r = vk.vkCreateCommandPool(device, &pci, nullptr, &commandPool);
  if (r != VK_SUCCESS)
    return error = vkError("vkCreateCommandPool", r), false;
  return true;
}

bool VulkanDevice::createBuffer(VkDeviceSize size, bool hostVisible,
                                VkBuf &out, std::string &error) {
  size = std::max<VkDeviceSize>(16, (size + 15) / 16 * 16);
  if (size > info.props.limits.maxStorageBufferRange)
    return error = "a buffer of " + std::to_string(size) +
                   " bytes exceeds the device's storage buffer range (" +
                   std::to_string(info.props.limits.maxStorageBufferRange) +
                   " bytes)",
           false;
  VkBufferCreateInfo bci = vkInit<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  bci.size = size;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
              VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
              VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkResult r = vk.vkCreateBuffer(device, &bci, nullptr, &out.buffer);
  if (r != VK_SUCCESS)
    return error = vkError("vkCreateBuffer", r), false;
  out.size = size;
  VkMemoryRequirements req;
  vk.vkGetBufferMemoryRequirements(device, out.buffer, &req);
  const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  // Preferences in order: exactly what was asked (host visible, or device
  // local), then anything that works.
  uint32_t type = UINT32_MAX;
  for (int pass = 0; pass < 2 && type == UINT32_MAX; ++pass)
    for (uint32_t i = 0; i < info.memory.memoryTypeCount; ++i) {
      if (!(req.memoryTypeBits & (1u << i)))
        continue;
      VkMemoryPropertyFlags f = info.memory.memoryTypes[i].propertyFlags;
      bool ok = hostVisible ? (f & host) == host
                            : (pass == 1 ||
                               (f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT));
      if (ok) {
        type = i;
        break;
      }
    }
  if (type == UINT32_MAX) {
    destroyBuffer(out);
    return error = "no Vulkan memory type for a buffer", false;
  }
  VkMemoryAllocateInfo mai = vkInit<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = type;
  r = vk.vkAllocateMemory(device, &mai, nullptr, &out.memory);
  if (r != VK_SUCCESS) {
    destroyBuffer(out);
    return error = vkError("vkAllocateMemory", r) + " for " +
                   std::to_string(size) + " bytes",
           false;
  }
  r = vk.vkBindBufferMemory(device, out.buffer, out.memory, 0);
  if (r != VK_SUCCESS) {
    destroyBuffer(out);
    return error = vkError("vkBindBufferMemory", r), false;
  }
  if ((info.memory.memoryTypes[type].propertyFlags & host) == host) {
    r = vk.vkMapMemory(device, out.memory, 0, VK_WHOLE_SIZE, 0, &out.mapped);
    if (r != VK_SUCCESS) {
      destroyBuffer(out);
      return error = vkError("vkMapMemory", r), false;
    }
  }
  return true;
}

void VulkanDevice::destroyBuffer(VkBuf &b) {
  if (b.buffer)
    vk.vkDestroyBuffer(device, b.buffer, nullptr);
  if (b.memory)
    vk.vkFreeMemory(device, b.memory, nullptr); // unmaps
  b = VkBuf();
}

/// A kernel's compute pipeline.
struct Pipeline {
  VkShaderModule module = VK_NULL_HANDLE;
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
  unsigned bindings = 0;
};

/// Everything a launch creates, released when it ends (success or not).
struct LaunchResources {
  VulkanDevice &d;
  std::vector<VkBuf> buffers;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  explicit LaunchResources(VulkanDevice &d) : d(d) {}
  ~LaunchResources() {
    if (fence)
      d.vk.vkDestroyFence(d.device, fence, nullptr);
    if (cmd)
      d.vk.vkFreeCommandBuffers(d.device, d.commandPool, 1, &cmd);
    if (pool)
      d.vk.vkDestroyDescriptorPool(d.device, pool, nullptr);
    for (VkBuf &b : buffers)
      d.destroyBuffer(b);
  }
  /// A new buffer; its index in `buffers`.
  bool add(VkDeviceSize size, bool hostVisible, size_t &index,
           std::string &error) {
    buffers.emplace_back();
    if (!d.createBuffer(size, hostVisible, buffers.back(), error)) {
      buffers.pop_back();
      return false;
    }
    index = buffers.size() - 1;
    return true;
  }
};

class VulkanExecutable : public Executable {
public:
  VulkanExecutable(VulkanDevice &d, CodeObjectDesc desc)
      : d_(d), desc_(std::move(desc)) {}
  ~VulkanExecutable() override {
    for (auto &[name, p] : pipelines_) {
      if (p.pipeline)
        d_.vk.vkDestroyPipeline(d_.device, p.pipeline, nullptr);
      if (p.layout)
        d_.vk.vkDestroyPipelineLayout(d_.device, p.layout, nullptr);
      if (p.setLayout)
        d_.vk.vkDestroyDescriptorSetLayout(d_.device, p.setLayout, nullptr);
      if (p.module)
        d_.vk.vkDestroyShaderModule(d_.device, p.module, nullptr);
    }
  }

  bool load(ByteSpan bytes, std::string &error);
  unsigned numExports() const override { return desc_.exports.size(); }
  bool launch(unsigned exportIndex, const std::vector<const Buffer *> &args,
              const std::vector<ResultSpec> &results,
              std::vector<Buffer> &outputs, std::string &error) override;

private:
  VulkanDevice &d_;
  CodeObjectDesc desc_;
  std::map<std::string, Pipeline> pipelines_;
  /// Per export, its program's constants on the device: uploaded by its
  /// first launch that succeeds, then bound by every launch.
  std::map<unsigned, std::unique_ptr<LaunchResources>> constants_;
  /// Immutable args (a bundle's weights) on the device, by their host
  /// address, with a view that keeps that memory alive; the buffers are
  /// owned by `residentMemory_`.
  struct Resident {
    VkBuffer buffer;
    Buffer view;
  };
  std::map<const void *, Resident> resident_;
  std::vector<std::unique_ptr<LaunchResources>> residentMemory_;
};

bool VulkanExecutable::load(ByteSpan bytes, std::string &error) {
  if (desc_.format != kSPIRVKernelsFormat)
    return error = "vulkan cannot load code objects of format '" +
                   desc_.format + "'",
           false;
  std::vector<std::string> missing;
  for (const std::string &c : desc_.requires_) {
    // "shared-memory=BYTES": kernels compiled for more workgroup memory
    // than Vulkan guarantees.
    if (c.rfind("shared-memory=", 0) == 0) {
      unsigned long long bytes = std::strtoull(c.c_str() + 14, nullptr, 10);
      uint32_t has = d_.info.props.limits.maxComputeSharedMemorySize;
      if (bytes > has)
        return error = "the kernels were compiled for " +
                       std::to_string(bytes) +
                       " B of workgroup memory (" + c + "), and " +
                       d_.info.props.deviceName + " has " +
                       std::to_string(has) + " B",
               false;
      continue;
    }
    if (!d_.info.capabilities.count(c))
      missing.push_back(c);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string &m : missing)
      list += (list.empty() ? "" : ", ") + m;
    return error = std::string("the kernels need ") + list + ", which " +
                   d_.info.props.deviceName + " does not have",
           false;
  }
  // SPIR-V declares all of a kernel's workgroup memory: none is given at
  // launch.
  for (const ExportDesc &x : desc_.exports)
    for (const KernelDispatch &k : x.program.kernels)
      if (k.sharedBytes)
        return error = "kernel '" + k.kernel + "' asks for " +
                       std::to_string(k.sharedBytes) +
                       " B of workgroup memory at launch, which vulkan "
                       "does not give",
               false;
  std::vector<PackedKernel> kernels;
  if (!unpackKernels(bytes.data, bytes.size, kernels, error))
    return false;
  // Bindings per kernel, from the programs that dispatch it.
  std::map<std::string, unsigned> bindings;
  for (const ExportDesc &x : desc_.exports) {
    if (!x.hasProgram)
      return error = "export '" + x.name + "' has no GPU program", false;
    for (const KernelDispatch &k : x.program.kernels)
      bindings[k.kernel] = std::max<unsigned>(bindings[k.kernel],
                                              1 + k.bindings.size());
  }
  for (const PackedKernel &k : kernels) {
    Pipeline &p = pipelines_[k.name];
    p.bindings = bindings.count(k.name) ? bindings[k.name] : 1;
    VkShaderModuleCreateInfo smi = vkInit<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
    smi.codeSize = k.words.size() * 4;
    smi.pCode = k.words.data();
    VkResult r = d_.vk.vkCreateShaderModule(d_.device, &smi, nullptr, &p.module);
    if (r != VK_SUCCESS)
      return error = "kernel '" + k.name + "': " +
                     vkError("vkCreateShaderModule", r),
             false;
    std::vector<VkDescriptorSetLayoutBinding> b(p.bindings);
    for (unsigned i = 0; i < p.bindings; ++i) {
      b[i] = VkDescriptorSetLayoutBinding{};
      b[i].binding = i;
      b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      b[i].descriptorCount = 1;
      b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo dli = vkInit<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
    dli.bindingCount = p.bindings;
    dli.pBindings = b.data();
    r = d_.vk.vkCreateDescriptorSetLayout(d_.device, &dli, nullptr,
                                          &p.setLayout);
    if (r != VK_SUCCESS)
      return error = vkError("vkCreateDescriptorSetLayout", r), false;
    VkPipelineLayoutCreateInfo pli = vkInit<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
    pli.setLayoutCount = 1;
    pli.pSetLayouts = &p.setLayout;
    r = d_.vk.vkCreatePipelineLayout(d_.device, &pli, nullptr, &p.layout);
    if (r != VK_SUCCESS)
      return error = vkError("vkCreatePipelineLayout", r), false;
    VkComputePipelineCreateInfo cpi = vkInit<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
    cpi.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    cpi.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    cpi.stage.module = p.module;
    cpi.stage.pName = k.name.c_str();
    cpi.layout = p.layout;
    r = d_.vk.vkCreateComputePipelines(d_.device, VK_NULL_HANDLE, 1, &cpi,
                                       nullptr, &p.pipeline);
    if (r != VK_SUCCESS)
      return error = "kernel '" + k.name + "': " +
                     vkError("vkCreateComputePipelines", r),
             false;
  }
  for (auto &[name, n] : bindings)
    if (!pipelines_.count(name))
      return error = "the program dispatches kernel '" + name +
                     "', which the code object does not have",
             false;
  return true;
}

bool VulkanExecutable::launch(unsigned exportIndex,
                              const std::vector<const Buffer *> &args,
                              const std::vector<ResultSpec> &results,
                              std::vector<Buffer> &outputs,
                              std::string &error) {
  const ExportDesc &x = desc_.exports[exportIndex];
  const GPUProgram &p = x.program;
  unsigned numArgs = args.size();
  if (args.size() != x.args || results.size() != x.results)
    return error = "export '" + x.name + "': wrong number of buffers", false;

  std::vector<Shape> shapes;
  std::vector<int64_t> values;
  if (!prepareGPULaunch(x, args, results, outputs, values, shapes, error))
    return false;

  std::lock_guard<std::mutex> lock(d_.mutex);
  LaunchResources res(d_);
  // Device buffers: args and results (uploaded/downloaded through staging
  // when the device memory is not host visible), then scratch.
  std::vector<size_t> argBuf(numArgs + results.size()), scratchBuf;
  std::vector<std::pair<size_t, size_t>> downloads; // (staging, dev)
  std::vector<VkBuffer> constantBuf;
  // Copies before the first dispatch: (staging, device buffer, bytes).
  std::vector<std::tuple<VkBuffer, VkBuffer, VkDeviceSize>> uploads;
  // A device buffer of `into` holding `size` bytes of `data`: written in
  // place when the device memory is host visible, else through a staging
  // buffer of this launch copied before the first dispatch.
  auto upload = [&](LaunchResources &into, const void *data, size_t size,
                    size_t &index) {
    if (!into.add(size, false, index, error))
      return false;
    if (void *mapped = into.buffers[index].mapped) {
      std::memcpy(mapped, data, size);
      return true;
    }
    size_t s;
    if (!res.add(size, true, s, error))
      return false;
    std::memcpy(res.buffers[s].mapped, data, size);
    uploads.push_back({res.buffers[s].buffer, into.buffers[index].buffer,
                       res.buffers[s].size});
    return true;
  };
  // Immutable args stay on the device from their first launch on: that
  // launch uploads them into `freshArgs`, kept once it has succeeded.
  std::vector<VkBuffer> argVk(numArgs);
  auto freshArgs = std::make_unique<LaunchResources>(d_);
  std::vector<std::pair<const Buffer *, size_t>> freshArgIndex;
  for (unsigned i = 0; i < numArgs; ++i) {
    const Buffer &b = *args[i];
    if (b.isImmutable()) {
      auto it = resident_.find(b.data());
      if (it != resident_.end() &&
          it->second.view.byteSize() == b.byteSize()) {
        argVk[i] = it->second.buffer;
        continue;
      }
      size_t index;
      if (!upload(*freshArgs, b.data(), b.byteSize(), index))
        return false;
      argVk[i] = freshArgs->buffers[index].buffer;
      freshArgIndex.push_back({&b, index});
      continue;
    }
    if (!upload(res, b.data(), b.byteSize(), argBuf[i]))
      return false;
    argVk[i] = res.buffers[argBuf[i]].buffer;
  }
  for (unsigned i = numArgs; i < argBuf.size(); ++i) {
    size_t bytes = outputs[i - numArgs].byteSize();
    if (!res.add(bytes, false, argBuf[i], error))
      return false;
    if (!res.buffers[argBuf[i]].mapped) {
      size_t s;
      if (!res.add(bytes, true, s, error))
        return false;
      downloads.push_back({s, argBuf[i]});
    }
  }
  // Constants stay on the device from the export's first launch on: that
  // launch uploads them into `fresh`, kept once it has succeeded.
  std::unique_ptr<LaunchResources> fresh;
  LaunchResources *held;
  if (auto it = constants_.find(exportIndex); it != constants_.end()) {
    held = it->second.get();
  } else {
    fresh = std::make_unique<LaunchResources>(d_);
    held = fresh.get();
    for (const std::vector<uint8_t> &c : p.constants) {
      size_t index;
      if (!upload(*fresh, c.data(), c.size(), index))
        return false;
    }
  }
  for (const VkBuf &b : held->buffers)
    constantBuf.push_back(b.buffer);
  for (unsigned id : p.scratch) {
    if (values[id] < 0)
      return error = "a scratch buffer of negative size", false;
    scratchBuf.emplace_back();
    if (!res.add(values[id], false, scratchBuf.back(), error))
      return false;
  }
  // Params of every dispatch in one host-visible buffer, each at an offset
  // the device accepts for a storage buffer binding.
  VkDeviceSize align =
      std::max<VkDeviceSize>(4, d_.info.props.limits.minStorageBufferOffsetAlignment);
  std::vector<VkDeviceSize> paramOffset;
  VkDeviceSize paramBytes = 0;
  for (const KernelDispatch &k : p.kernels) {
    paramOffset.push_back(paramBytes);
    paramBytes += (std::max<size_t>(1, k.params.size()) * 4 + align - 1) /
                  align * align;
  }
  size_t paramBuf;
  if (!res.add(paramBytes, true, paramBuf, error))
    return false;
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    auto *dst = reinterpret_cast<int32_t *>(
        static_cast<char *>(res.buffers[paramBuf].mapped) + paramOffset[i]);
    if (!kernelParams(p.kernels[i], values, dst, error))
      return false;
  }

  // Descriptor sets, one per dispatch.
  uint32_t descriptors = 0;
  for (const KernelDispatch &k : p.kernels)
    descriptors += 1 + k.bindings.size();
  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                          std::max<uint32_t>(1, descriptors)};
  VkDescriptorPoolCreateInfo dpi = vkInit<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
  dpi.maxSets = std::max<uint32_t>(1, p.kernels.size());
  dpi.poolSizeCount = 1;
  dpi.pPoolSizes = &ps;
  VkResult r = d_.vk.vkCreateDescriptorPool(d_.device, &dpi, nullptr, &res.pool);
  if (r != VK_SUCCESS)
    return error = vkError("vkCreateDescriptorPool", r), false;
  VkCommandBufferAllocateInfo cai = vkInit<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
  cai.commandPool = d_.commandPool;
  cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cai.commandBufferCount = 1;
  r = d_.vk.vkAllocateCommandBuffers(d_.device, &cai, &res.cmd);
  if (r != VK_SUCCESS)
    return error = vkError("vkAllocateCommandBuffers", r), false;
  VkCommandBufferBeginInfo cbi = vkInit<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  cbi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  r = d_.vk.vkBeginCommandBuffer(res.cmd, &cbi);
  if (r != VK_SUCCESS)
    return error = vkError("vkBeginCommandBuffer", r), false;

  // Each kernel sees the writes of everything recorded before it.
  auto barrier = [&] {
    VkMemoryBarrier mb = vkInit<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                       VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_HOST_READ_BIT;
    d_.vk.vkCmdPipelineBarrier(
        res.cmd,
        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT |
            VK_PIPELINE_STAGE_HOST_BIT,
        0, 1, &mb, 0, nullptr, 0, nullptr);
  };
  for (auto [staging, dev, size] : uploads) {
    VkBufferCopy c{0, 0, size};
    d_.vk.vkCmdCopyBuffer(res.cmd, staging, dev, 1, &c);
  }
  if (!uploads.empty())
    barrier();
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    const KernelDispatch &k = p.kernels[i];
    auto it = pipelines_.find(k.kernel);
    if (it == pipelines_.end())
      return error = "no kernel '" + k.kernel + "'", false;
    const Pipeline &pl = it->second;
    VkDescriptorSetAllocateInfo dsa = vkInit<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
    dsa.descriptorPool = res.pool;
    dsa.descriptorSetCount = 1;
    dsa.pSetLayouts = &pl.setLayout;
    VkDescriptorSet set;
    r = d_.vk.vkAllocateDescriptorSets(d_.device, &dsa, &set);
    if (r != VK_SUCCESS)
      return error = vkError("vkAllocateDescriptorSets", r), false;
    std::vector<VkDescriptorBufferInfo> infos(1 + k.bindings.size());
    infos[0] = {res.buffers[paramBuf].buffer, paramOffset[i],
                std::max<size_t>(1, k.params.size()) * 4};
    for (size_t b = 0; b < k.bindings.size(); ++b) {
      const Binding &bd = k.bindings[b];
      VkBuffer buf =
          bd.kind == BindingKind::Constant ? constantBuf[bd.index]
          : bd.kind == BindingKind::Scratch
              ? res.buffers[scratchBuf[bd.index]].buffer
          : bd.index < numArgs ? argVk[bd.index]
                               : res.buffers[argBuf[bd.index]].buffer;
      infos[1 + b] = {buf, 0, VK_WHOLE_SIZE};
    }
    std::vector<VkWriteDescriptorSet> writes(infos.size());
    for (size_t b = 0; b < infos.size(); ++b) {
      writes[b] = vkInit<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
      writes[b].dstSet = set;
      writes[b].dstBinding = b;
      writes[b].descriptorCount = 1;
      writes[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[b].pBufferInfo = &infos[b];
    }
    d_.vk.vkUpdateDescriptorSets(d_.device, writes.size(), writes.data(), 0,
                                 nullptr);
    d_.vk.vkCmdBindPipeline(res.cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                            pl.pipeline);
    d_.vk.vkCmdBindDescriptorSets(res.cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                                  pl.layout, 0, 1, &set, 0, nullptr);
    int64_t grid[3];
    for (int g = 0; g < 3; ++g) {
      grid[g] = values[k.grid[g]];
      if (grid[g] < 0 ||
          grid[g] > d_.info.props.limits.maxComputeWorkGroupCount[g])
        return error = "kernel '" + k.kernel + "': " + std::to_string(grid[g]) +
                       " workgroups exceed the device's limit",
               false;
    }
    bool taken = !k.conditional || values[k.when] != 0;
    if (taken && grid[0] && grid[1] && grid[2])
      d_.vk.vkCmdDispatch(res.cmd, grid[0], grid[1], grid[2]);
    barrier();
  }
  for (auto [s, dev] : downloads) {
    VkBufferCopy c{0, 0, res.buffers[dev].size};
    d_.vk.vkCmdCopyBuffer(res.cmd, res.buffers[dev].buffer,
                          res.buffers[s].buffer, 1, &c);
  }
  if (!downloads.empty())
    barrier();
  r = d_.vk.vkEndCommandBuffer(res.cmd);
  if (r != VK_SUCCESS)
    return error = vkError("vkEndCommandBuffer", r), false;
  VkFenceCreateInfo fci = vkInit<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
  r = d_.vk.vkCreateFence(d_.device, &fci, nullptr, &res.fence);
  if (r != VK_SUCCESS)
    return error = vkError("vkCreateFence", r), false;
  VkSubmitInfo si = vkInit<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  si.commandBufferCount = 1;
  si.pCommandBuffers = &res.cmd;
  r = d_.vk.vkQueueSubmit(d_.queue, 1, &si, res.fence);
  if (r != VK_SUCCESS)
    return error = vkError("vkQueueSubmit", r), false;
  r = d_.vk.vkWaitForFences(d_.device, 1, &res.fence, VK_TRUE, UINT64_MAX);
  if (r != VK_SUCCESS)
    return error = vkError("vkWaitForFences", r), false;
  if (fresh)
    constants_[exportIndex] = std::move(fresh);
  if (!freshArgIndex.empty()) {
    for (auto [b, index] : freshArgIndex)
      resident_.insert(
          {b->data(), Resident{freshArgs->buffers[index].buffer, *b}});
    residentMemory_.push_back(std::move(freshArgs));
  }

  // Results back to host memory.
  for (unsigned j = 0; j < outputs.size(); ++j) {
    const VkBuf &db = res.buffers[argBuf[numArgs + j]];
    const void *src = db.mapped;
    for (auto [s, dev] : downloads)
      if (dev == argBuf[numArgs + j])
        src = res.buffers[s].mapped;
    std::memcpy(outputs[j].mutableData(), src, outputs[j].byteSize());
  }
  return true;
}

std::unique_ptr<Executable>
VulkanDevice::loadExecutable(const CodeObjectDesc &desc, ByteSpan bytes,
                             std::string &error) {
  auto exe = std::make_unique<VulkanExecutable>(*this, desc);
  if (!exe->load(bytes, error))
    return nullptr;
  return exe;
}

class VulkanDriver : public Driver {
public:
  const char *kind() const override { return "vulkan"; }
  std::unique_ptr<Device> createDevice(const DeviceDesc &desc,
                                       const DeviceOptions &options,
                                       std::string &error) override {
    auto device = std::make_unique<VulkanDevice>(desc);
    if (!device->init(options.ordinal, error))
      return nullptr;
    return device;
  }
  std::vector<std::string> listDevices() override {
    Loader &l = loader();
    if (l.physical.empty())
      return {"vulkan: none (" + l.error + ")"};
    std::vector<std::string> lines;
    for (unsigned i = 0; i < l.physical.size(); ++i)
      lines.push_back(describeLine(i, l));
    return lines;
  }
  uint64_t maxBufferBytes(unsigned ordinal) override {
    Loader &l = loader();
    if (ordinal >= l.physical.size())
      return 0;
    PhysicalInfo info;
    Features features;
    describe(l, l.physical[ordinal], info, features);
    return info.props.limits.maxStorageBufferRange;
  }
};

} // namespace

std::unique_ptr<Driver> tangram::createVulkanDriver() {
  return std::make_unique<VulkanDriver>();
}
