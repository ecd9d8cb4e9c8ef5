//===- FakeCUDATest.cpp - the cuda and hip devices on a fake driver -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The cuda and hip devices' launch path without a GPU: FakeCUDA.c, built
// as libcuda.so.1 and as libamdhip64.so and loaded before the runtime
// looks for them (the loader then hands the runtime these, by their
// sonames), runs "kernels" that copy one buffer into another. What is checked: a program's args, scratch and results are
// bound and copied right; repeated launches reuse device memory, the
// pinned staging buffer and one params copy; a failed allocation and a
// PTX the JIT refuses are errors, not crashes.
//
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Runtime/Device.h"
#include "tangram/Runtime/Executable.h"

#include <cstring>
#include <map>
#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace tangram;
using ::testing::HasSubstr;

namespace {

struct FakeCudaCounts {
  long memAlloc, memFree, hostAlloc, htod, launches, sharedOptIn, launchShared;
};

/// One fake driver: its device kind, code object format, a kernel it
/// accepts, and how it names running out of memory.
struct Fake {
  const char *kind;
  const char *format;
  std::string kernel;
  const char *outOfMemory;
};
const Fake kFakes[] = {
    {"cuda", "ptx-kernels", ".version 8.0\n.target sm_90\n",
     "cuda: memAlloc failed (CUDA_ERROR_OUT_OF_MEMORY, 2)"},
    {"hip", "hsaco-kernels", std::string("\x7f" "ELF", 4) + std::string(16, '\1'),
     "hip: memAlloc failed (hipErrorOutOfMemory, 2)"}};
std::map<std::string, void *> fakes;

FakeCudaCounts &counts(const Fake &f) {
  auto get = reinterpret_cast<FakeCudaCounts *(*)()>(dlsym(fakes[f.kind], "fakeCudaCounts"));
  return *get();
}
void allocLimit(const Fake &f, long n) {
  reinterpret_cast<void (*)(long)>(dlsym(fakes[f.kind], "fakeCudaAllocLimit"))(n);
}

PackedKernel kernel(const char *name, const std::string &text) {
  PackedKernel k;
  k.name = name;
  k.words.assign(text.size() / 4 + 1, 0);
  std::memcpy(k.words.data(), text.data(), text.size());
  return k;
}

/// One export, f32[N] -> f32[N]: "copy" from the arg into a scratch
/// buffer, then from the scratch buffer into the result (the result's dim
/// is the arg's); the first dispatch is given `sharedBytes` of shared
/// memory at launch, the second half of it.
CodeObjectDesc copyThroughScratch(const char *format,
                                  unsigned sharedBytes = 0) {
  ExportDesc x;
  x.name = "main";
  x.args = 1;
  x.results = 1;
  x.hasProgram = true;
  GPUProgram &p = x.program;
  using O = ProgramOp;
  p.values = {{O::Dim, 0, 0}, {O::Const, 4}, {O::Mul, 0, 1}, {O::Const, 1}};
  p.resultDims = {{0}};
  p.scratch = {2};
  KernelDispatch in{"copy", {64, 1, 1}, {3, 3, 3}, {2}, {{BindingKind::Arg, 0}, {BindingKind::Scratch, 0}}};
  KernelDispatch out{"copy", {64, 1, 1}, {3, 3, 3}, {2}, {{BindingKind::Scratch, 0}, {BindingKind::Arg, 1}}};
  in.sharedBytes = sharedBytes;
  out.sharedBytes = sharedBytes / 2;
  p.kernels = {in, out};
  CodeObjectDesc c;
  c.format = format;
  c.exports = {x};
  return c;
}

std::unique_ptr<Device> fakeDevice(const char *kind) {
  Driver *d = lookupDriver(kind);
  EXPECT_NE(d, nullptr);
  std::string error;
  DeviceDesc desc{std::string(kind) + "0", kind, "", ""};
  std::unique_ptr<Device> device = d->createDevice(desc, DeviceOptions(), error);
  EXPECT_TRUE(device) << error;
  return device;
}

/// copyThroughScratch() with a "copy" kernel the fake accepts.
std::unique_ptr<Executable> loadCopy(const Fake &f, Device &device, std::string &error) {
  std::vector<uint8_t> bytes = packKernels({kernel("copy", f.kernel)});
  return device.loadExecutable(copyThroughScratch(f.format), {bytes.data(), bytes.size()}, error);
}

bool run(Executable &exe, const std::vector<float> &in, std::vector<float> &out,
         std::string &error) {
  Buffer arg = Buffer::wrap(DType::F32, {static_cast<int64_t>(in.size())}, in.data());
  std::vector<Buffer> outputs;
  if (!exe.launch(0, {&arg}, {{DType::F32, 1, {-1}}}, outputs, error))
    return false;
  const float *r = static_cast<const float *>(outputs[0].data());
  out.assign(r, r + outputs[0].numElements());
  return true;
}

/// A fresh device (an empty memory cache) of one fake driver, and
/// copyThroughScratch() on it.
class CopyOnFake : public ::testing::TestWithParam<Fake> {
protected:
  void SetUp() override {
    device = fakeDevice(GetParam().kind);
    ASSERT_TRUE(device);
    exe = loadCopy(GetParam(), *device, error);
    ASSERT_TRUE(exe) << error;
  }
  std::unique_ptr<Device> device;
  std::unique_ptr<Executable> exe;
  std::string error;
};

TEST_P(CopyOnFake, TheFakeDriverIsTheOneFound) {
  std::vector<std::string> lines = lookupDriver(GetParam().kind)->listDevices();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("Fake GPU"));
}

TEST_P(CopyOnFake, LaunchesBindCopyAndReuseMemory) {
  const Fake &f = GetParam();
  std::vector<float> out;
  ASSERT_TRUE(run(*exe, {1, 2, 3, 4}, out, error)) << error;
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4}));
  FakeCudaCounts first = counts(f);
  for (int i = 0; i < 3; ++i) {
    std::vector<float> in = {float(i), 5, 6, 7};
    ASSERT_TRUE(run(*exe, in, out, error)) << error;
    EXPECT_EQ(out, in);
  }
  FakeCudaCounts after = counts(f);
  // The arg, result, scratch and params blocks come back from the cache;
  // the staging buffer stays pinned.
  EXPECT_EQ(after.memAlloc, first.memAlloc);
  EXPECT_EQ(after.memFree, first.memFree);
  EXPECT_EQ(after.hostAlloc, first.hostAlloc);
  // Per launch: the arg and one block of every dispatch's params.
  EXPECT_EQ(after.htod - first.htod, 3 * 2);
  EXPECT_EQ(after.launches - first.launches, 3 * 2);
  // A larger arg takes new blocks and a larger staging buffer.
  std::vector<float> big(100000, 1.5f);
  ASSERT_TRUE(run(*exe, big, out, error)) << error;
  EXPECT_EQ(out, big);
  EXPECT_GT(counts(f).memAlloc, after.memAlloc);
  EXPECT_EQ(counts(f).hostAlloc, after.hostAlloc + 1);
}

TEST_P(CopyOnFake, AFailedAllocationIsAnError) {
  const Fake &f = GetParam();
  std::vector<float> out;
  allocLimit(f, counts(f).memAlloc);
  EXPECT_FALSE(run(*exe, {1, 2, 3, 4}, out, error));
  EXPECT_EQ(error, f.outOfMemory);
  allocLimit(f, -1);
  ASSERT_TRUE(run(*exe, {1, 2, 3, 4}, out, error)) << error;
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4}));
}

// Workgroup memory given at launch (a multistage matrix kernel's): CUDA
// opts the kernel in above 48 KiB when the code object loads, to the most
// any of its dispatches asks for, and both pass each dispatch's size to
// its launch.
TEST_P(CopyOnFake, DynamicSharedMemoryIsGivenAtLaunch) {
  const Fake &f = GetParam();
  counts(f).sharedOptIn = 0;
  std::vector<uint8_t> bytes = packKernels({kernel("copy", f.kernel)});
  std::unique_ptr<Executable> big = device->loadExecutable(
      copyThroughScratch(f.format, 80 * 1024), {bytes.data(), bytes.size()},
      error);
  ASSERT_TRUE(big) << error;
  EXPECT_EQ(counts(f).sharedOptIn, std::string(f.kind) == "cuda" ? 80 * 1024 : 0);
  std::vector<float> out;
  ASSERT_TRUE(run(*big, {1, 2}, out, error)) << error;
  EXPECT_EQ(out, (std::vector<float>{1, 2}));
  // The last launch is the second dispatch's.
  EXPECT_EQ(counts(f).launchShared, 40 * 1024);
  ASSERT_TRUE(run(*exe, {1, 2}, out, error)) << error;
  EXPECT_EQ(counts(f).launchShared, 0);
}

INSTANTIATE_TEST_SUITE_P(Drivers, CopyOnFake, ::testing::ValuesIn(kFakes),
                         [](const ::testing::TestParamInfo<Fake> &i) {
                           return std::string(i.param.kind);
                         });

TEST(FakeCUDATest, APTXTheJITRefusesShowsItsLog) {
  std::unique_ptr<Device> device = fakeDevice("cuda");
  ASSERT_TRUE(device);
  std::vector<uint8_t> bytes = packKernels({kernel("copy", "not ptx\n")});
  std::string error;
  EXPECT_FALSE(device->loadExecutable(copyThroughScratch("ptx-kernels"),
                                      {bytes.data(), bytes.size()}, error));
  EXPECT_EQ(error, "kernel 'copy': cuda: cuModuleLoadDataEx failed "
                   "(CUDA_ERROR_INVALID_IMAGE, 200): ptxas fatal: not PTX");
}

TEST(FakeCUDATest, MoreSharedMemoryThanTheGPUHasIsAnError) {
  std::unique_ptr<Device> device = fakeDevice("cuda");
  ASSERT_TRUE(device);
  std::vector<uint8_t> bytes = packKernels({kernel("copy", kFakes[0].kernel)});
  std::string error;
  EXPECT_FALSE(device->loadExecutable(copyThroughScratch("ptx-kernels", 300000),
                                      {bytes.data(), bytes.size()}, error));
  EXPECT_EQ(error, "kernel 'copy' asks for 300000 bytes of shared memory: "
                   "cuda: cuFuncSetAttribute failed "
                   "(CUDA_ERROR_INVALID_VALUE, 1)");
}

} // namespace

int main(int argc, char **argv) {
  // Loaded first, the fakes are what the runtime's dlopen("libcuda.so.1")
  // and dlopen("libamdhip64.so") find: the loader matches an open library
  // by its soname.
  for (auto [kind, path] : {std::pair{"cuda", TANGRAM_FAKE_CUDA},
                             std::pair{"hip", TANGRAM_FAKE_HIP}}) {
    fakes[kind] = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!fakes[kind]) {
      std::fprintf(stderr, "error: %s\n", dlerror());
      return 1;
    }
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
