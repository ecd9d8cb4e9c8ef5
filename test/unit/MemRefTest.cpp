//===- MemRefTest.cpp - Tests of the CPU code object calling convention ---===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/MemRef.h"
#include "tangram/Runtime/CPUDevice.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace tangram;
using ::testing::HasSubstr;

namespace {

Buffer iota(DType dtype, Shape shape) {
  Buffer b = Buffer::allocate(dtype, std::move(shape));
  auto *p = static_cast<float *>(b.mutableData());
  for (int64_t i = 0; i < b.numElements(); ++i)
    p[i] = static_cast<float>(i);
  return b;
}

std::vector<float> values(const Buffer &b) {
  const auto *p = static_cast<const float *>(b.data());
  return std::vector<float>(p, p + b.numElements());
}

TEST(MemRefTest, BuildDescriptor) {
  Buffer b = iota(DType::F32, {2, 3, 4});
  int64_t words[9];
  ASSERT_EQ(memrefDescriptorWords(3), 9u);
  buildMemRefDescriptor(b, words);
  EXPECT_EQ(words[0], reinterpret_cast<int64_t>(b.data()));
  EXPECT_EQ(words[1], reinterpret_cast<int64_t>(b.data()));
  EXPECT_EQ(words[2], 0);
  EXPECT_EQ(std::vector<int64_t>(words + 3, words + 6),
            (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(std::vector<int64_t>(words + 6, words + 9),
            (std::vector<int64_t>{12, 4, 1}));

  Buffer scalar = iota(DType::F32, {});
  int64_t w0[3];
  ASSERT_EQ(memrefDescriptorWords(0), 3u);
  buildMemRefDescriptor(scalar, w0);
  EXPECT_EQ(w0[1], reinterpret_cast<int64_t>(scalar.data()));
}

TEST(MemRefTest, CopyOutContiguousWithOffset) {
  float data[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  int64_t words[7] = {reinterpret_cast<int64_t>(data),
                      reinterpret_cast<int64_t>(data),
                      2,
                      2,
                      3,
                      3,
                      1};
  Buffer out;
  std::string error;
  ASSERT_TRUE(copyOutMemRef(words, {DType::F32, 2, {}}, out, error)) << error;
  EXPECT_EQ(out.shape(), (Shape{2, 3}));
  EXPECT_EQ(values(out), (std::vector<float>{2, 3, 4, 5, 6, 7}));
}

TEST(MemRefTest, CopyOutStrided) {
  // A transposed 3x2 view of a 2x3 row-major array.
  float data[6] = {0, 1, 2, 3, 4, 5};
  int64_t words[7] = {0, reinterpret_cast<int64_t>(data), 0, 3, 2, 1, 3};
  Buffer out;
  std::string error;
  ASSERT_TRUE(copyOutMemRef(words, {DType::F32, 2, {}}, out, error)) << error;
  EXPECT_EQ(values(out), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  // A broadcast (stride 0) row.
  int64_t bcast[7] = {0, reinterpret_cast<int64_t>(data), 1, 2, 3, 0, 1};
  ASSERT_TRUE(copyOutMemRef(bcast, {DType::F32, 2, {}}, out, error)) << error;
  EXPECT_EQ(values(out), (std::vector<float>{1, 2, 3, 1, 2, 3}));
}

TEST(MemRefTest, CopyOutEdgeCases) {
  Buffer out;
  std::string error;
  int64_t empty[5] = {0, 0, 0, 0, 1};
  ASSERT_TRUE(copyOutMemRef(empty, {DType::I64, 1, {}}, out, error)) << error;
  EXPECT_EQ(out.numElements(), 0);
  int64_t negative[5] = {0, 0, 0, -3, 1};
  EXPECT_FALSE(copyOutMemRef(negative, {DType::I64, 1, {}}, out, error));
  EXPECT_THAT(error, HasSubstr("negative size -3"));
  int64_t null[5] = {0, 0, 0, 4, 1};
  EXPECT_FALSE(copyOutMemRef(null, {DType::I64, 1, {}}, out, error));
  EXPECT_THAT(error, HasSubstr("null data pointer"));
  int8_t scalar = 42;
  int64_t rank0[3] = {0, reinterpret_cast<int64_t>(&scalar), 0};
  ASSERT_TRUE(copyOutMemRef(rank0, {DType::I8, 0, {}}, out, error)) << error;
  EXPECT_EQ(*static_cast<const int8_t *>(out.data()), 42);
}

float globalData[2] = {7, 8};

/// Returns four results: a fresh malloc'ed y = 2 * x, the same allocation a
/// second time, the argument itself, and an MLIR-style global.
void fakeEntry(void **args, int64_t *results) {
  const int64_t *x = static_cast<const int64_t *>(args[0]);
  int64_t n = x[3];
  const float *xData = reinterpret_cast<const float *>(x[1]);
  auto *y = static_cast<float *>(std::malloc(sizeof(float) * n));
  for (int64_t i = 0; i < n; ++i)
    y[i] = 2 * xData[i];
  int64_t fresh[5] = {reinterpret_cast<int64_t>(y),
                      reinterpret_cast<int64_t>(y), 0, n, 1};
  std::memcpy(results, fresh, sizeof(fresh));
  std::memcpy(results + 5, fresh, sizeof(fresh));
  std::memcpy(results + 10, x, 5 * sizeof(int64_t));
  int64_t global[5] = {0xdeadbeef, reinterpret_cast<int64_t>(globalData), 0, 2,
                       1};
  std::memcpy(results + 15, global, sizeof(global));
}

TEST(MemRefTest, CallEntryCopiesOutAndFreesOnce) {
  Buffer x = iota(DType::F32, {5});
  std::vector<Buffer> outputs;
  std::string error;
  std::vector<ResultSpec> specs(4, {DType::F32, 1, {}});
  // A double free or a free of the argument or global would be caught by
  // the sanitizers (and usually by glibc).
  ASSERT_TRUE(callEntry(&fakeEntry, {&x}, specs, outputs, error)) << error;
  ASSERT_EQ(outputs.size(), 4u);
  EXPECT_EQ(values(outputs[0]), (std::vector<float>{0, 2, 4, 6, 8}));
  EXPECT_EQ(values(outputs[1]), (std::vector<float>{0, 2, 4, 6, 8}));
  EXPECT_EQ(values(outputs[2]), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(values(outputs[3]), (std::vector<float>{7, 8}));
  EXPECT_NE(outputs[2].data(), x.data());
}

std::atomic<int> parallelChunks{0};
bool sawPool = false;

/// Uses the runtime's parallel-for the way generated code does.
void parallelEntry(void **args, int64_t *results) {
  sawPool = currentThreadPool() != nullptr;
  tangram_parallel_for(nullptr, 100, [](void *, int64_t b, int64_t e) {
    parallelChunks += static_cast<int>(e - b);
  });
  static int8_t flag = 1;
  int64_t out[3] = {0, reinterpret_cast<int64_t>(&flag), 0};
  std::memcpy(results, out, sizeof(out));
}

TEST(MemRefTest, CPUExecutableRunsOnThePool) {
  CPUDevice device(DeviceDesc{"", "cpu", "", ""}, DeviceOptions{3});
  EXPECT_EQ(device.threadPool().numThreads(), 3u);
  std::unique_ptr<Executable> exe = device.wrapEntry(&parallelEntry);
  std::vector<Buffer> outputs;
  std::string error;
  ASSERT_TRUE(exe->launch(0, {}, {{DType::I1, 0, {}}}, outputs, error)) << error;
  EXPECT_TRUE(sawPool);
  EXPECT_EQ(parallelChunks.load(), 100);
  EXPECT_EQ(currentThreadPool(), nullptr);
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(*static_cast<const int8_t *>(outputs[0].data()), 1);
}

TEST(MemRefTest, CPUDeviceRejectsBadCodeObjects) {
  CPUDevice device(DeviceDesc{"", "cpu", "", ""}, DeviceOptions{1});
  std::string error;
  const uint8_t garbage[] = "not an ELF object";
  CodeObjectDesc desc{0, "elf-shared-object", 0, {{"tangram_entry", 0, 1, ""}}};
  EXPECT_FALSE(device.loadExecutable(desc, {garbage, sizeof(garbage)}, error));
  EXPECT_EQ(error, "not an ELF shared object (bad magic)");
  // ELF magic but nothing else: dlopen's own message is reported.
  const uint8_t elfOnly[64] = {0x7f, 'E', 'L', 'F'};
  EXPECT_FALSE(device.loadExecutable(desc, {elfOnly, sizeof(elfOnly)}, error));
  EXPECT_THAT(error, HasSubstr("cannot load: "));
  EXPECT_THAT(error, HasSubstr("/proc/self/fd/"));
  desc.format = "spirv";
  EXPECT_FALSE(device.loadExecutable(desc, {garbage, sizeof(garbage)}, error));
  EXPECT_THAT(error, HasSubstr("format 'spirv' is not supported by the cpu "
                               "device"));
  desc.format = "in-process";
  desc.exports[0].name = "nobody_registered_this";
  EXPECT_FALSE(device.loadExecutable(desc, {}, error));
  EXPECT_THAT(error, HasSubstr("no in-process entry 'nobody_registered_this'"));
}

} // namespace

namespace {
/// Device memory the host cannot read, as a GPU's would be.
class OpaqueAllocator : public Allocator {
public:
  std::shared_ptr<void> allocate(size_t bytes, bool) override {
    return std::shared_ptr<void>(new char[bytes ? bytes : 1],
                                 [](void *p) { delete[] static_cast<char *>(p); });
  }
  bool hostVisible() const override { return false; }
  const char *name() const override { return "opaque"; }
};
} // namespace

TEST(MemRefTest, BuffersComeFromTheirDevicesAllocator) {
  CPUDevice device(DeviceDesc{"", "cpu", "", ""}, DeviceOptions{1});
  Buffer b = device.allocate(DType::F32, {2, 3});
  ASSERT_TRUE(b);
  EXPECT_EQ(b.allocator(), &hostAllocator());
  EXPECT_TRUE(b.hostVisible());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % Buffer::kAlignment, 0u);
  EXPECT_EQ(static_cast<const float *>(b.data())[5], 0.0f);
  // Views of host memory have no allocator and are host-visible.
  float x[2] = {1, 2};
  Buffer v = Buffer::wrap(DType::F32, {2}, x);
  EXPECT_EQ(v.allocator(), nullptr);
  EXPECT_TRUE(v.hostVisible());
  // A transfer from memory the CPU cannot read fails with a message.
  OpaqueAllocator opaque;
  Buffer d = Buffer::allocate(DType::F32, {2}, /*zeroed=*/false, opaque);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d.hostVisible());
  Buffer dst;
  std::string error;
  EXPECT_FALSE(device.copyIn(d, dst, error));
  EXPECT_EQ(error, "the cpu cannot read opaque memory (that device must copy "
                   "it out)");
  EXPECT_TRUE(device.copyIn(v, dst, error)) << error;
  EXPECT_EQ(static_cast<const float *>(dst.data())[1], 2.0f);
}
