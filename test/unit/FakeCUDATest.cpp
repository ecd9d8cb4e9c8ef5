//===- FakeCUDATest.cpp - the cuda device's launches on a fake driver -----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The cuda device's launch path without a GPU: FakeCUDA.c, loaded before
// the runtime looks for libcuda.so.1 (the loader then hands the runtime
// this one, by its soname), runs "kernels" that copy one buffer into
// another. What is checked: a program's args, scratch and results are
// bound and copied right; repeated launches reuse device memory, the
// pinned staging buffer and one params copy; a failed allocation and a
// PTX the JIT refuses are errors, not crashes.
//
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Runtime/Device.h"
#include "tangram/Runtime/Executable.h"

#include <cstring>
#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace tangram;
using ::testing::HasSubstr;

namespace {

struct FakeCudaCounts {
  long memAlloc, memFree, hostAlloc, htod, launches;
};
void *fake = nullptr;
FakeCudaCounts &counts() {
  auto f = reinterpret_cast<FakeCudaCounts *(*)()>(dlsym(fake, "fakeCudaCounts"));
  return *f();
}
void allocLimit(long n) {
  reinterpret_cast<void (*)(long)>(dlsym(fake, "fakeCudaAllocLimit"))(n);
}

PackedKernel ptx(const char *name, const std::string &text) {
  PackedKernel k;
  k.name = name;
  k.words.assign(text.size() / 4 + 1, 0);
  std::memcpy(k.words.data(), text.data(), text.size());
  return k;
}

/// One export, f32[N] -> f32[N]: "copy" from the arg into a scratch
/// buffer, then from the scratch buffer into the result (the result's dim
/// is the arg's).
CodeObjectDesc copyThroughScratch() {
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
  p.kernels = {in, out};
  CodeObjectDesc c;
  c.format = "ptx-kernels";
  c.exports = {x};
  return c;
}

std::unique_ptr<Device> fakeDevice() {
  Driver *d = lookupDriver("cuda");
  EXPECT_NE(d, nullptr);
  std::string error;
  DeviceDesc desc{"cuda0", "cuda", "", ""};
  std::unique_ptr<Device> device = d->createDevice(desc, DeviceOptions(), error);
  EXPECT_TRUE(device) << error;
  return device;
}

/// copyThroughScratch() with a PTX "copy" kernel the fake accepts.
std::unique_ptr<Executable> loadCopy(Device &device, std::string &error) {
  std::vector<uint8_t> bytes =
      packKernels({ptx("copy", ".version 8.0\n.target sm_90\n")});
  return device.loadExecutable(copyThroughScratch(), {bytes.data(), bytes.size()}, error);
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

TEST(FakeCUDATest, TheFakeDriverIsTheOneFound) {
  Driver *d = lookupDriver("cuda");
  ASSERT_NE(d, nullptr);
  std::vector<std::string> lines = d->listDevices();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("Fake GPU"));
}

/// A fresh device (an empty memory cache) and copyThroughScratch() on it.
class CopyOnFakeCUDA : public ::testing::Test {
protected:
  void SetUp() override {
    device = fakeDevice();
    ASSERT_TRUE(device);
    exe = loadCopy(*device, error);
    ASSERT_TRUE(exe) << error;
  }
  std::unique_ptr<Device> device;
  std::unique_ptr<Executable> exe;
  std::string error;
};

TEST_F(CopyOnFakeCUDA, LaunchesBindCopyAndReuseMemory) {
  std::vector<float> out;
  ASSERT_TRUE(run(*exe, {1, 2, 3, 4}, out, error)) << error;
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4}));
  FakeCudaCounts first = counts();
  for (int i = 0; i < 3; ++i) {
    std::vector<float> in = {float(i), 5, 6, 7};
    ASSERT_TRUE(run(*exe, in, out, error)) << error;
    EXPECT_EQ(out, in);
  }
  FakeCudaCounts after = counts();
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
  EXPECT_GT(counts().memAlloc, after.memAlloc);
  EXPECT_EQ(counts().hostAlloc, after.hostAlloc + 1);
}

TEST_F(CopyOnFakeCUDA, AFailedAllocationIsAnError) {
  std::vector<float> out;
  allocLimit(counts().memAlloc);
  EXPECT_FALSE(run(*exe, {1, 2, 3, 4}, out, error));
  EXPECT_EQ(error, "cuda: memAlloc failed (CUDA_ERROR_OUT_OF_MEMORY, 2)");
  allocLimit(-1);
  ASSERT_TRUE(run(*exe, {1, 2, 3, 4}, out, error)) << error;
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4}));
}

TEST(FakeCUDATest, APTXTheJITRefusesShowsItsLog) {
  std::unique_ptr<Device> device = fakeDevice();
  ASSERT_TRUE(device);
  std::vector<uint8_t> bytes = packKernels({ptx("copy", "not ptx\n")});
  std::string error;
  EXPECT_FALSE(device->loadExecutable(copyThroughScratch(), {bytes.data(), bytes.size()}, error));
  EXPECT_EQ(error, "kernel 'copy': cuda: cuModuleLoadDataEx failed "
                   "(CUDA_ERROR_INVALID_IMAGE, 200): ptxas fatal: not PTX");
}

} // namespace

int main(int argc, char **argv) {
  // Loaded first, the fake is what the runtime's dlopen("libcuda.so.1")
  // finds: the loader matches an open library by its soname.
  fake = dlopen(TANGRAM_FAKE_CUDA, RTLD_NOW | RTLD_GLOBAL);
  if (!fake) {
    std::fprintf(stderr, "error: %s\n", dlerror());
    return 1;
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
