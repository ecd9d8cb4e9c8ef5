//===- CUDAHIPTest.cpp - the cuda and hip drivers without a GPU -----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// What runs without a GPU: discovery, a missing vendor library, and the
// kernel packs of the two code object formats. Where a device exists, the
// tests of a missing library skip.
//
//===----------------------------------------------------------------------===//
#include "SampleBundle.h"
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Runtime/Session.h"

#include <cstring>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace tangram;
using namespace tangram::test;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

bool haveDevice(const char *kind) {
  Driver *d = lookupDriver(kind);
  for (const std::string &line : d ? d->listDevices() : std::vector<std::string>())
    if (line.rfind(std::string(kind) + ":0", 0) == 0)
      return true;
  return false;
}

TEST(CUDAHIPTest, DiscoveryNamesEveryDeviceOrWhyThereIsNone) {
  for (const char *kind : {"cuda", "hip"}) {
    Driver *d = lookupDriver(kind);
    ASSERT_NE(d, nullptr) << kind;
    std::vector<std::string> lines = d->listDevices();
    ASSERT_FALSE(lines.empty()) << kind;
    for (const std::string &line : lines)
      EXPECT_THAT(line, StartsWith(std::string(kind) + ":")) << line;
  }
}

TEST(CUDAHIPTest, AMissingLibraryIsAnError) {
  for (auto [kind, format, library] :
       {std::tuple{"cuda", "ptx-kernels", "libcuda.so.1"},
        std::tuple{"hip", "hsaco-kernels", "libamdhip64.so"}}) {
    if (haveDevice(kind))
      continue; // the library is there
    TempDir dir;
    std::string error, p = dir.file("c.tgb");
    ASSERT_TRUE(writeGPUCopyBundle(p, kind, format, packKernels({}), {},
                                   "copy_k0", error))
        << error;
    EXPECT_FALSE(Session::open(p, {}, error));
    EXPECT_THAT(error, HasSubstr(std::string("no ") + kind +
                                 " device: cannot load " + library));
  }
}

TEST(KernelPackTest, ChecksPTXAndELFKernels) {
  auto kernel = [](const char *name, const std::string &bytes) {
    PackedKernel k;
    k.name = name;
    k.words.assign(bytes.size() / 4 + 1, 0);
    std::memcpy(k.words.data(), bytes.data(), bytes.size());
    return k;
  };
  std::vector<PackedKernel> out;
  std::string error;
  std::vector<uint8_t> ptx =
      packKernels({kernel("k", ".version 8.0\n.target sm_80\n")});
  EXPECT_TRUE(unpackKernels(ptx.data(), ptx.size(), out, error,
                            KernelCode::PTX))
      << error;
  // Text without its terminating NUL.
  PackedKernel open{"k", {0x61616161u}};
  std::vector<uint8_t> bad = packKernels({open});
  EXPECT_FALSE(unpackKernels(bad.data(), bad.size(), out, error,
                             KernelCode::PTX));
  EXPECT_EQ(error, "kernel pack: kernel 0 ('k'): not NUL-terminated PTX");
  std::vector<uint8_t> elf =
      packKernels({kernel("e", std::string("\x7f" "ELF", 4) + std::string(16, '\1'))});
  EXPECT_TRUE(unpackKernels(elf.data(), elf.size(), out, error,
                            KernelCode::ELF))
      << error;
  EXPECT_FALSE(unpackKernels(ptx.data(), ptx.size(), out, error,
                             KernelCode::ELF));
  EXPECT_EQ(error, "kernel pack: kernel 0 ('k'): not an ELF object");
}

} // namespace
