//===- SessionTest.cpp - Running bundles end to end without a compiler ----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Bundles whose code objects are "in-process" entries (SampleBundle.h), so
// the whole path (reader, devices, schedule, descriptors, copy-out, input
// checks, C API) runs without generated code.
//
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/Session.h"
#include "SampleBundle.h"
#include "tangram/Bundle/BundleWriter.h"
#include "tangram/Runtime/CPUDevice.h"
#include "tangram/Runtime/tangram_runtime.h"

#include <atomic>
#include <chrono>
#include <gmock/gmock.h>
#include <thread>
#include <gtest/gtest.h>

using namespace tangram;
using namespace tangram::test;
using ::testing::HasSubstr;

namespace {

Buffer floats(Shape shape, std::vector<float> v) {
  Buffer b = Buffer::allocate(DType::F32, std::move(shape));
  std::copy(v.begin(), v.end(), static_cast<float *>(b.mutableData()));
  return b;
}

std::vector<float> values(const Buffer &b) {
  const auto *p = static_cast<const float *>(b.data());
  return std::vector<float>(p, p + b.numElements());
}

const float kWeight[4] = {1, 2, 3, 4};

/// The sample model with its output declared `outShape`, on a device of
/// `kind`.
bool writeVariant(const std::string &path, Shape outShape,
                  const std::string &kind, std::string &error) {
  BundleWriter writer("variant", "test");
  unsigned x = writer.addInput("x", DType::F32, {-1, 4});
  unsigned y = writer.addOutput("y", DType::F32, std::move(outShape));
  unsigned dev = writer.addDevice(kind);
  unsigned code =
      writer.addCodeObject(dev, kInProcessFormat, {{kAddWeightEntry, 2, 1, ""}}, {});
  unsigned w = writer.addWeight("w", DType::F32, {4}, kWeight, 16);
  writer.addLaunch(
      dev, code,
      {writer.addInputBuffer(x, dev), writer.addWeightBuffer(w, dev)},
      {writer.addOutputBuffer(y, dev)});
  return writer.write(path, error);
}

class SessionTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(writeSampleBundle(path, kInProcessFormat, error)) << error;
  }
  TempDir dir;
  std::string path = dir.file("s.tgb");
};

TEST_F(SessionTest, RunsTheSample) {
  std::string error;
  auto session = Session::open(path, {}, error);
  ASSERT_TRUE(session) << error;
  std::vector<Buffer> outputs;
  ASSERT_TRUE(session->run({floats({2, 4}, {0, 0, 0, 0, 10, 20, 30, 40})},
                           outputs, error))
      << error;
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].shape(), (Shape{2, 4}));
  EXPECT_EQ(values(outputs[0]),
            (std::vector<float>{1, 2, 3, 4, 11, 22, 33, 44}));
  // Dynamic dims take any size, zero included; sessions run repeatedly.
  ASSERT_TRUE(session->run({floats({0, 4}, {})}, outputs, error)) << error;
  EXPECT_EQ(outputs[0].shape(), (Shape{0, 4}));
}

TEST_F(SessionTest, ChecksInputs) {
  std::string error;
  auto session = Session::open(path, {}, error);
  ASSERT_TRUE(session) << error;
  std::vector<Buffer> outputs;
  EXPECT_FALSE(session->run({}, outputs, error));
  EXPECT_EQ(error, "expected 1 input (x), got 0");
  EXPECT_FALSE(session->run({floats({2, 5}, {})}, outputs, error));
  EXPECT_EQ(error, "input 'x': dim 1 is 5, the bundle needs 4 (expected [?,4] "
                   "(f32), got [2,5] (f32))");
  EXPECT_FALSE(session->run({floats({8}, {})}, outputs, error));
  EXPECT_EQ(error, "input 'x': expected [?,4] (f32), got [8] (f32)");
  EXPECT_FALSE(
      session->run({Buffer::allocate(DType::F64, {1, 4})}, outputs, error));
  EXPECT_EQ(error, "input 'x': expected [?,4] (f32), got [1,4] (f64)");
  EXPECT_FALSE(session->run({Buffer()}, outputs, error));
  EXPECT_EQ(error, "input 'x': no data");
}

TEST_F(SessionTest, ChecksResultShapes) {
  std::string error;
  std::string p = dir.file("v.tgb");
  ASSERT_TRUE(writeVariant(p, {3, 4}, "cpu", error)) << error;
  auto session = Session::open(p, {}, error);
  ASSERT_TRUE(session) << error;
  std::vector<Buffer> outputs;
  EXPECT_FALSE(session->run({floats({2, 4}, {})}, outputs, error));
  EXPECT_EQ(error, "schedule step 0: 'tangram_test_add_weight' returned "
                   "shape [2,4] for output 'y', the manifest says [3,4]");
}

TEST_F(SessionTest, DeviceErrors) {
  std::string error;
  std::string p = dir.file("q.tgb");
  ASSERT_TRUE(writeVariant(p, {-1, 4}, "quantum", error)) << error;
  EXPECT_FALSE(Session::open(p, {}, error));
  std::string kinds;
  for (const std::string &k : driverKinds())
    kinds += (kinds.empty() ? "" : ", ") + k;
  EXPECT_EQ(error, p + ": device 0: no driver for device kind 'quantum' "
                       "(this runtime has: " + kinds + ")");
  SessionOptions cuda;
  cuda.device = "cuda:0";
  EXPECT_FALSE(Session::open(path, cuda, error));
  EXPECT_EQ(error, path + ": device 0: the bundle was compiled for 'cpu', "
                          "not the requested 'cuda:0'");
  SessionOptions cpu;
  cpu.device = "cpu:0";
  EXPECT_TRUE(Session::open(path, cpu, error)) << error;

  std::string elf = dir.file("e.tgb");
  ASSERT_TRUE(writeSampleBundle(elf, "garbage-elf", error)) << error;
  EXPECT_FALSE(Session::open(elf, {}, error));
  EXPECT_EQ(error,
            elf + ": code object 0: not an ELF shared object (bad magic)");
}

/// The sample model on a `main` device, with a fallback plan on a cpu that
/// runs f(x, w) = x + w twice (so its outputs tell the plans apart).
bool writeWithFallback(const std::string &path, const std::string &main,
                       std::string &error) {
  BundleWriter writer("fallback", "test");
  unsigned x = writer.addInput("x", DType::F32, {-1, 4});
  unsigned y = writer.addOutput("y", DType::F32, {-1, 4});
  unsigned d0 = writer.addDevice(main, "", "", "gpu0");
  unsigned d1 = writer.addDevice("cpu", "", "", "cpu0");
  unsigned c0 = writer.addCodeObject(d0, kInProcessFormat,
                                     {{kAddWeightEntry, 2, 1, ""}}, {});
  unsigned c1 = writer.addCodeObject(d1, kInProcessFormat,
                                     {{kAddWeightEntry, 2, 1, ""}}, {});
  unsigned w = writer.addWeight("w", DType::F32, {4}, kWeight, 16);
  writer.addLaunch(
      d0, c0, {writer.addInputBuffer(x, d0), writer.addWeightBuffer(w, d0)},
      {writer.addOutputBuffer(y, d0)});
  // The fallback plan: its own buffers and steps, on device 1.
  Manifest &m = writer.manifest();
  FallbackPlan f;
  f.buffers = {{BufferKind::Input, x, d1, DType::F32, {}},
               {BufferKind::Weight, w, d1, DType::F32, {}},
               {BufferKind::Intermediate, 0, d1, DType::F32, {-1, 4}},
               {BufferKind::Output, y, d1, DType::F32, {}}};
  ScheduleStep first, second;
  first.device = second.device = d1;
  first.codeObject = second.codeObject = c1;
  first.args = {0, 1};
  first.results = {2};
  second.args = {2, 1};
  second.results = {3};
  f.schedule = {first, second};
  m.fallbacks.push_back(f);
  return writer.write(path, error);
}

TEST_F(SessionTest, FallbackPlanRunsWhenADeviceIsAbsent) {
  std::string error;
  std::string p = dir.file("f.tgb");
  std::vector<Buffer> outputs;
  // The main device has a driver: the main schedule runs, y = x + w.
  ASSERT_TRUE(writeWithFallback(p, "cpu", error)) << error;
  auto session = Session::open(p, {}, error);
  ASSERT_TRUE(session) << error;
  EXPECT_EQ(session->plan(), 0u);
  EXPECT_EQ(session->fallbackReason(), "");
  ASSERT_TRUE(session->run({floats({1, 4}, {1, 1, 1, 1})}, outputs, error))
      << error;
  EXPECT_EQ(values(outputs[0]), (std::vector<float>{2, 3, 4, 5}));

  // No driver for the main device: the fallback runs, y = x + 2w.
  ASSERT_TRUE(writeWithFallback(p, "quantum", error)) << error;
  session = Session::open(p, {}, error);
  ASSERT_TRUE(session) << error;
  EXPECT_EQ(session->plan(), 1u);
  EXPECT_THAT(session->fallbackReason(),
              HasSubstr("device 0: no driver for device kind 'quantum'"));
  EXPECT_EQ(session->manifest().schedule.size(), 2u);
  ASSERT_TRUE(session->run({floats({1, 4}, {1, 1, 1, 1})}, outputs, error))
      << error;
  EXPECT_EQ(values(outputs[0]), (std::vector<float>{3, 5, 7, 9}));

  // A requested device kind counts too: "cpu" makes the fallback run.
  ASSERT_TRUE(writeWithFallback(p, "vulkan", error)) << error;
  SessionOptions cpu;
  cpu.device = "cpu";
  session = Session::open(p, cpu, error);
  ASSERT_TRUE(session) << error;
  EXPECT_EQ(session->plan(), 1u);

  // No plan can run: the error names the main schedule's device, then
  // each fallback's.
  SessionOptions cuda;
  cuda.device = "cuda";
  EXPECT_FALSE(Session::open(p, cuda, error));
  EXPECT_EQ(error, p + ": device 0: the bundle was compiled for 'vulkan', "
                       "not the requested 'cuda'; fallback plan 1: device 1: "
                       "the bundle was compiled for 'cpu', not the requested "
                       "'cuda'");
}

/// y = f1(f0(x, w), w) with f0 on device 0, f1 on device 1 and a transfer
/// between them; the intermediate is declared `middle`.
bool writeTwoDevices(const std::string &path, const char *first,
                     const char *second, Shape middle, std::string &error) {
  BundleWriter writer("two", "test");
  unsigned x = writer.addInput("x", DType::F32, {-1, 4});
  unsigned y = writer.addOutput("y", DType::F32, {-1, 4});
  unsigned d0 = writer.addDevice("cpu"), d1 = writer.addDevice("cpu");
  unsigned c0 =
      writer.addCodeObject(d0, kInProcessFormat, {{first, 2, 1, ""}}, {});
  unsigned c1 =
      writer.addCodeObject(d1, kInProcessFormat, {{second, 2, 1, ""}}, {});
  unsigned w = writer.addWeight("w", DType::F32, {4}, kWeight, 16);
  unsigned t0 = writer.addIntermediateBuffer(DType::F32, middle, d0);
  unsigned t1 = writer.addIntermediateBuffer(DType::F32, middle, d1);
  writer.addLaunch(
      d0, c0, {writer.addInputBuffer(x, d0), writer.addWeightBuffer(w, d0)},
      {t0});
  writer.addTransfer(t0, t1);
  writer.addLaunch(d1, c1, {t1, writer.addWeightBuffer(w, d1)},
                   {writer.addOutputBuffer(y, d1)});
  return writer.write(path, error);
}

TEST_F(SessionTest, TwoDevicesWithTransfer) {
  // y = (x + w) + w, one launch per device and a transfer between them.
  std::string error;
  std::string p = dir.file("two.tgb");
  ASSERT_TRUE(
      writeTwoDevices(p, kAddWeightEntry, kAddWeightEntry, {-1, 4}, error))
      << error;
  auto session = Session::open(p, {}, error);
  ASSERT_TRUE(session) << error;
  std::vector<Buffer> outputs;
  ASSERT_TRUE(session->run({floats({1, 4}, {1, 1, 1, 1})}, outputs, error))
      << error;
  EXPECT_EQ(values(outputs[0]), (std::vector<float>{3, 5, 7, 9}));

  // Several threads run the two-device schedule at once: their steps
  // interleave on the device queues, each run with its own semaphores.
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        float v = static_cast<float>(t * 100 + i);
        std::vector<Buffer> out;
        std::string e;
        if (!session->run({floats({2, 4}, {v, v, v, v, v, v, v, v})}, out, e) ||
            values(out[0]) != std::vector<float>{v + 2, v + 4, v + 6, v + 8,
                                                 v + 2, v + 4, v + 6, v + 8})
          ++wrong;
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(wrong.load(), 0);
}

std::atomic<bool> secondRan{false};
std::atomic<bool> firstSawSecond{false};

/// Waits (up to 10 s) for the second device's step before computing.
extern "C" void waitForSecondEntry(void **args, int64_t *results) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!secondRan && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  firstSawSecond = secondRan.load();
  addWeightEntry(args, results);
}

extern "C" void secondEntry(void **args, int64_t *results) {
  secondRan = true;
  addWeightEntry(args, results);
}

TEST_F(SessionTest, StepsOfDifferentDevicesOverlap) {
  // Step 0 (device 0) waits for step 1 (device 1), which reads nothing of
  // step 0: run in order on one thread, step 0 would wait in vain.
  registerInProcessEntry("wait_for_second", &waitForSecondEntry);
  registerInProcessEntry("second", &secondEntry);
  BundleWriter writer("overlap", "test");
  unsigned x = writer.addInput("x", DType::F32, {-1, 4});
  unsigned y0 = writer.addOutput("y0", DType::F32, {-1, 4});
  unsigned y1 = writer.addOutput("y1", DType::F32, {-1, 4});
  unsigned d0 = writer.addDevice("cpu", "", "", "cpu0");
  unsigned d1 = writer.addDevice("cpu", "", "", "cpu1");
  unsigned c0 =
      writer.addCodeObject(d0, kInProcessFormat, {{"wait_for_second", 2, 1, ""}}, {});
  unsigned c1 = writer.addCodeObject(d1, kInProcessFormat, {{"second", 2, 1, ""}}, {});
  unsigned w = writer.addWeight("w", DType::F32, {4}, kWeight, 16);
  writer.addLaunch(
      d0, c0, {writer.addInputBuffer(x, d0), writer.addWeightBuffer(w, d0)},
      {writer.addOutputBuffer(y0, d0)});
  writer.addLaunch(
      d1, c1, {writer.addInputBuffer(x, d1), writer.addWeightBuffer(w, d1)},
      {writer.addOutputBuffer(y1, d1)});
  std::string error;
  std::string p = dir.file("overlap.tgb");
  ASSERT_TRUE(writer.write(p, error)) << error;
  auto session = Session::open(p, {}, error);
  ASSERT_TRUE(session) << error;
  std::vector<Buffer> outputs;
  ASSERT_TRUE(session->run({floats({1, 4}, {0, 0, 0, 0})}, outputs, error))
      << error;
  EXPECT_TRUE(firstSawSecond);
  EXPECT_EQ(values(outputs[0]), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(values(outputs[1]), (std::vector<float>{1, 2, 3, 4}));
}

TEST_F(SessionTest, FailureStopsDependentStepsOnOtherDevices) {
  // Step 0's result does not fit its buffer: the run fails with step 0's
  // message, and the steps after it (the transfer, device 1's launch) do
  // not run.
  std::string error;
  std::string p = dir.file("fail.tgb");
  ASSERT_TRUE(writeTwoDevices(p, kAddWeightEntry, "second", {3, 4}, error))
      << error;
  registerInProcessEntry("second", &secondEntry);
  auto session = Session::open(p, {}, error);
  ASSERT_TRUE(session) << error;
  secondRan = false;
  std::vector<Buffer> outputs;
  EXPECT_FALSE(session->run({floats({2, 4}, {})}, outputs, error));
  EXPECT_EQ(error, "schedule step 0: 'tangram_test_add_weight' returned shape "
                   "[2,4] for buffer 0, the manifest says [3,4]");
  EXPECT_FALSE(secondRan);
}

TEST_F(SessionTest, RunsRealCodeObjects) {
  // Two code objects loaded from memfds at once, chained: y = (x + w) + w.
  std::vector<uint8_t> so = readFile(sampleCodeObjectPath());
  ASSERT_FALSE(so.empty()) << sampleCodeObjectPath();
  BundleWriter writer("real", "test");
  unsigned x = writer.addInput("x", DType::F32, {-1, 4});
  unsigned y = writer.addOutput("y", DType::F32, {-1, 4});
  unsigned cpu = writer.addDevice("cpu");
  unsigned c0 =
      writer.addCodeObject(cpu, kElfSharedObjectFormat, {{kAddWeightEntry, 2, 1, kAddWeightShapes}}, so);
  unsigned c1 =
      writer.addCodeObject(cpu, kElfSharedObjectFormat, {{kAddWeightEntry, 2, 1, kAddWeightShapes}}, so);
  unsigned w = writer.addWeight("w", DType::F32, {4}, kWeight, 16);
  unsigned bw = writer.addWeightBuffer(w, cpu);
  unsigned t = writer.addIntermediateBuffer(DType::F32, {-1, 4}, cpu);
  writer.addLaunch(cpu, c0, {writer.addInputBuffer(x, cpu), bw}, {t});
  writer.addLaunch(cpu, c1, {t, bw}, {writer.addOutputBuffer(y, cpu)});
  std::string error;
  std::string p = dir.file("real.tgb");
  ASSERT_TRUE(writer.write(p, error)) << error;
  SessionOptions options;
  options.threads = 4;
  auto session = Session::open(p, options, error);
  ASSERT_TRUE(session) << error;
  const int64_t rows = 1000;
  std::vector<float> in(rows * 4);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = static_cast<float>(i);
  std::vector<Buffer> outputs;
  ASSERT_TRUE(session->run({floats({rows, 4}, in)}, outputs, error)) << error;
  ASSERT_EQ(outputs[0].shape(), (Shape{rows, 4}));
  std::vector<float> got = values(outputs[0]);
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(got[i], in[i] + 2 * kWeight[i % 4]) << "element " << i;
  // A result sized at run time needs the export's shape function.
  BundleWriter noShapes("n", "test");
  unsigned nd = noShapes.addDevice("cpu");
  unsigned nx = noShapes.addInput("x", DType::F32, {-1, 4});
  unsigned ny = noShapes.addOutput("y", DType::F32, {-1, 4});
  unsigned nw = noShapes.addWeight("w", DType::F32, {4}, kWeight, 16);
  unsigned nc = noShapes.addCodeObject(nd, kElfSharedObjectFormat,
                                       {{kAddWeightEntry, 2, 1, ""}}, so);
  noShapes.addLaunch(nd, nc,
                     {noShapes.addInputBuffer(nx, nd),
                      noShapes.addWeightBuffer(nw, nd)},
                     {noShapes.addOutputBuffer(ny, nd)});
  ASSERT_TRUE(noShapes.write(p, error)) << error;
  auto unsized = Session::open(p, {}, error);
  ASSERT_TRUE(unsized) << error;
  EXPECT_FALSE(unsized->run({floats({2, 4}, {})}, outputs, error));
  EXPECT_EQ(error, "schedule step 0: 'tangram_test_add_weight': export "
                   "'tangram_test_add_weight' has results sized at run time "
                   "but no shape function");
  // The entry symbol must exist.
  BundleWriter missing("m", "test");
  unsigned d = missing.addDevice("cpu");
  missing.addOutput("y", DType::F32, {1});
  unsigned c =
      missing.addCodeObject(d, kElfSharedObjectFormat, {{"no_such_entry", 0, 1, ""}}, so);
  missing.addLaunch(d, c, {}, {missing.addOutputBuffer(0, d)});
  ASSERT_TRUE(missing.write(p, error)) << error;
  EXPECT_FALSE(Session::open(p, {}, error));
  EXPECT_THAT(error, HasSubstr("code object 0: export 'no_such_entry' "
                               "not found: "));
}

TEST_F(SessionTest, CApi) {
  tgSession *s = nullptr;
  EXPECT_EQ(tgOpenBundle(dir.file("none.tgb").c_str(), nullptr, &s),
            TG_BUNDLE_ERROR);
  EXPECT_THAT(tgGetError(), HasSubstr("none.tgb: cannot open file"));

  tgOptions options = {2, "cpu", 0};
  ASSERT_EQ(tgOpenBundle(path.c_str(), &options, &s), TG_OK) << tgGetError();
  EXPECT_EQ(tgNumInputs(s), 1);
  EXPECT_EQ(tgNumOutputs(s), 1);
  const char *name;
  tgDType dtype;
  int32_t rank;
  const int64_t *shape;
  ASSERT_EQ(tgGetInputInfo(s, 0, &name, &dtype, &rank, &shape), TG_OK);
  EXPECT_STREQ(name, "x");
  EXPECT_EQ(dtype, TG_F32);
  EXPECT_EQ(rank, 2);
  EXPECT_EQ(shape[0], -1);
  EXPECT_EQ(tgGetOutputInfo(s, 1, &name, nullptr, nullptr, nullptr),
            TG_INVALID_ARGUMENT);

  float data[4] = {1, 1, 1, 1};
  int64_t inShape[2] = {1, 4};
  tgTensor in = {TG_F32, 2, inShape, data, sizeof(data)};
  tgTensor *out = nullptr;
  int32_t numOut = 0;
  ASSERT_EQ(tgRun(s, &in, 1, &out, &numOut), TG_OK) << tgGetError();
  ASSERT_EQ(numOut, 1);
  EXPECT_EQ(out[0].dtype, TG_F32);
  EXPECT_EQ(out[0].rank, 2);
  EXPECT_EQ(out[0].shape[1], 4);
  EXPECT_EQ(out[0].byteSize, 16u);
  EXPECT_EQ(static_cast<float *>(out[0].data)[3], 5.0f);
  tgFreeTensors(out, numOut);

  in.byteSize = 12;
  EXPECT_EQ(tgRun(s, &in, 1, &out, &numOut), TG_INVALID_ARGUMENT);
  EXPECT_STREQ(tgGetError(), "input 'x': 12 bytes given for shape [1,4] (f32)");
  in.byteSize = 16;
  inShape[1] = 2;
  in.byteSize = 8;
  EXPECT_EQ(tgRun(s, &in, 1, &out, &numOut), TG_RUNTIME_ERROR);
  EXPECT_STREQ(tgGetError(),
               "input 'x': dim 1 is 2, the bundle needs 4 (expected [?,4] "
               "(f32), got [1,2] (f32))");
  tgCloseBundle(s);
}

} // namespace
