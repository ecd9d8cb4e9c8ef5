//===- VulkanTest.cpp - The vulkan device refuses what it cannot run ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Bundles written by hand: load-time checks of the vulkan device, and the
// program checks of the manifest reader. The device tests skip where this
// runtime has no vulkan driver or no Vulkan device.
//
//===----------------------------------------------------------------------===//
#include "SampleBundle.h"
#include "tangram/Bundle/BundleWriter.h"
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Runtime/Session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace tangram;
using namespace tangram::test;
using ::testing::HasSubstr;

namespace {

bool haveVulkanDevice() {
  Driver *d = lookupDriver("vulkan");
  if (!d)
    return false;
  for (const std::string &line : d->listDevices())
    if (line.rfind("vulkan:0", 0) == 0)
      return true;
  return false;
}

bool writeCopy(const std::string &path, std::vector<uint8_t> bytes,
               std::vector<std::string> requires_, const std::string &kernel,
               std::string &error) {
  return writeGPUCopyBundle(path, "vulkan", "spirv-kernels", std::move(bytes),
                            std::move(requires_), kernel, error);
}

TEST(VulkanTest, RefusesMissingCapabilities) {
  if (!haveVulkanDevice())
    GTEST_SKIP() << "no Vulkan device";
  TempDir dir;
  std::string error, p = dir.file("c.tgb");
  ASSERT_TRUE(writeCopy(p, packKernels({}), {"Shader", "CooperativeMatrixKHR"},
                        "copy_k0", error))
      << error;
  EXPECT_FALSE(Session::open(p, {}, error));
  EXPECT_THAT(error, HasSubstr("code object 0: the kernels need "
                              "CooperativeMatrixKHR, which"));
}

TEST(VulkanTest, RefusesBrokenKernelPacks) {
  if (!haveVulkanDevice())
    GTEST_SKIP() << "no Vulkan device";
  TempDir dir;
  std::string error, p = dir.file("b.tgb");
  ASSERT_TRUE(writeCopy(p, {1, 0}, {}, "copy_k0", error)) << error;
  EXPECT_FALSE(Session::open(p, {}, error));
  EXPECT_THAT(error, HasSubstr("kernel pack: truncated header"));
  // A pack without the kernel the program dispatches.
  ASSERT_TRUE(writeCopy(p, packKernels({}), {}, "copy_k0", error)) << error;
  EXPECT_FALSE(Session::open(p, {}, error));
  EXPECT_THAT(error, HasSubstr("the program dispatches kernel 'copy_k0', "
                               "which the code object does not have"));
}

// SPIR-V declares all of a kernel's workgroup memory: a dispatch that
// asks for more at launch (CUDA's dynamic shared memory) is refused.
TEST(VulkanTest, RefusesWorkgroupMemoryGivenAtLaunch) {
  if (!haveVulkanDevice())
    GTEST_SKIP() << "no Vulkan device";
  TempDir dir;
  std::string error, p = dir.file("s.tgb");
  ASSERT_TRUE(writeGPUCopyBundle(p, "vulkan", "spirv-kernels", packKernels({}),
                                 {}, "copy_k0", error, 65536))
      << error;
  EXPECT_FALSE(Session::open(p, {}, error));
  EXPECT_THAT(error, HasSubstr("kernel 'copy_k0' asks for 65536 B of "
                               "workgroup memory at launch, which vulkan "
                               "does not give"));
}

TEST(KernelPackTest, RoundTripsAndRejectsBadPacks) {
  std::vector<PackedKernel> in = {{"a", {0x07230203u, 1, 2, 3, 4}},
                                  {"bcdef", {0x07230203u, 5, 6, 7, 8, 9}}};
  std::vector<uint8_t> bytes = packKernels(in);
  std::vector<PackedKernel> out;
  std::string error;
  ASSERT_TRUE(unpackKernels(bytes.data(), bytes.size(), out, error)) << error;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].name, "bcdef");
  EXPECT_EQ(out[1].words, in[1].words);
  EXPECT_FALSE(unpackKernels(bytes.data(), bytes.size() - 4, out, error));
  EXPECT_EQ(error, "kernel pack: kernel 1 ('bcdef'): truncated code");
  std::vector<PackedKernel> bad = {{"x", {1, 2, 3, 4, 5}}};
  bytes = packKernels(bad);
  EXPECT_FALSE(unpackKernels(bytes.data(), bytes.size(), out, error));
  EXPECT_EQ(error, "kernel pack: kernel 0 ('x'): not a SPIR-V module");
}

TEST(GPUProgramTest, ParsesAndChecksReferences) {
  GPUProgram p, q;
  std::string error;
  p.values = {{ProgramOp::Dim, 0, 0, 0},
              {ProgramOp::Const, 64, 0, 0},
              {ProgramOp::CeilDiv, 0, 1, 0},
              {ProgramOp::Select, 2, 0, 1}};
  p.resultDims = {{0}};
  p.checks = {{2, "too small"}};
  p.constants = {{0x00, 0xff}};
  KernelDispatch k;
  k.kernel = "k";
  k.grid[0] = 2;
  k.grid[1] = k.grid[2] = 1;
  k.params = {0};
  k.bindings = {{BindingKind::Arg, 1}, {BindingKind::Constant, 0}};
  k.sharedBytes = 81920;
  p.kernels = {k};
  std::string text = serializeGPUProgram(p);
  ASSERT_TRUE(parseGPUProgram(text, 2, 1, q, error)) << error;
  EXPECT_EQ(serializeGPUProgram(q), text);
  EXPECT_EQ(q.values[3].c, 1);
  EXPECT_EQ(q.checks[0].message, "too small");
  EXPECT_EQ(q.constants[0], (std::vector<uint8_t>{0x00, 0xff}));
  EXPECT_EQ(q.kernels[0].sharedBytes, 81920u);

  auto fails = [&](const std::string &json, unsigned buffers,
                   const std::string &want) {
    EXPECT_FALSE(parseGPUProgram(json, buffers, 1, q, error)) << json;
    EXPECT_EQ(error, want);
  };
  std::string tail = R"("results":[[0]],"checks":[],"scratch":[],"constants":[],"kernels":[]})";
  fails(R"({"values":[["add",0,1]],)" + tail, 2,
        "manifest: program.values[0]: an operand is not an earlier value");
  fails(R"({"values":[["dim",5,0]],)" + tail, 2,
        "manifest: program.values[0]: dim of buffer 5, which does not exist "
        "(2 buffers)");
  fails(R"({"values":[["pow",0,0]],)" + tail, 2,
        "manifest: program.values[0]: unknown op 'pow'");
  fails(R"({"values":[["select",0,0]],)" + tail, 2,
        "manifest: program.values[0]: expected [op, integer, integer] "
        "(select: 3 integers)");
  fails(R"({"values":[["const",1,0]],"results":[[3]],"checks":[],"scratch":[],"constants":[],"kernels":[]})",
        2, "manifest: program.results[0][0]: value 3 does not exist (1 values)");
  fails(R"({"values":[["const",1,0]],"results":[[0]],"checks":[],"scratch":[],"constants":["0g"],"kernels":[]})",
        2, "manifest: program.constants[0]: expected a hex string");
  fails(R"({"values":[["const",1,0]],"results":[[0]],"checks":[],"scratch":[],"constants":[],"kernels":[{"name":"k","workgroup":[1,1,1],"grid":[0,0,0],"params":[],"bindings":[["scratch",0]]}]})",
        2, "manifest: program.kernels[0].bindings[0]: scratch 0 does not exist");
  fails(R"({"values":[["const",1,0]],"results":[[0]],"checks":[],"scratch":[],"constants":[],"kernels":[{"name":"k","workgroup":[1,1,1],"grid":[0,0,0],"params":[],"bindings":[],"shared_bytes":-4}]})",
        2, "manifest: program.kernels[0].shared_bytes: expected a non-negative integer");
}

} // namespace
