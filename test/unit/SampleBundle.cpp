//===- SampleBundle.cpp - Small bundles for the unit tests ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "SampleBundle.h"
#include "tangram/Bundle/BundleWriter.h"
#include "tangram/Runtime/CPUDevice.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace tangram;
using namespace tangram::test;

void tangram::test::addWeightEntry(void **args, int64_t *results) {
  const int64_t *x = static_cast<const int64_t *>(args[0]);
  const int64_t *w = static_cast<const int64_t *>(args[1]);
  int64_t rows = x[3], cols = x[4];
  const float *xData = reinterpret_cast<const float *>(x[1]) + x[2];
  const float *wData = reinterpret_cast<const float *>(w[1]) + w[2];
  auto *y =
      static_cast<float *>(std::malloc(sizeof(float) * (rows * cols + 1)));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      y[i * cols + j] = xData[i * x[5] + j * x[6]] + wData[j * w[4]];
  int64_t desc[7] = {reinterpret_cast<int64_t>(y),
                     reinterpret_cast<int64_t>(y),
                     0,
                     rows,
                     cols,
                     cols,
                     1};
  std::copy(desc, desc + 7, results);
}

void tangram::test::registerSampleEntries() {
  registerInProcessEntry(kAddWeightEntry, &addWeightEntry);
}

std::string tangram::test::sampleCodeObjectPath() {
  return TANGRAM_TEST_CODE_OBJECT;
}

bool tangram::test::writeSampleBundle(const std::string &path,
                                      const std::string &mode,
                                      std::string &error) {
  static const float w[4] = {1, 2, 3, 4};
  std::vector<uint8_t> bytes;
  std::string format = kElfSharedObjectFormat;
  if (mode == "in-process") {
    format = kInProcessFormat;
  } else if (mode == "elf") {
    bytes = readFile(sampleCodeObjectPath());
    if (bytes.empty()) {
      error = sampleCodeObjectPath() + ": cannot read the sample code object";
      return false;
    }
  } else if (mode == "garbage-elf") {
    std::string text = "not an ELF object";
    bytes.assign(text.begin(), text.end());
  } else {
    error = "unknown sample bundle mode '" + mode +
            "' (in-process, elf, garbage-elf)";
    return false;
  }
  BundleWriter writer("sample", "tangram-unit-tests");
  unsigned x = writer.addInput("x", DType::F32, {-1, 4});
  unsigned y = writer.addOutput("y", DType::F32, {-1, 4});
  unsigned cpu = writer.addDevice("cpu", "x86_64-unknown-linux-gnu", "");
  unsigned code =
      writer.addCodeObject(cpu, format, {{kAddWeightEntry, 2, 1, kAddWeightShapes}}, std::move(bytes));
  unsigned wid = writer.addWeight("w", DType::F32, {4}, w, sizeof(w));
  unsigned bx = writer.addInputBuffer(x, cpu);
  unsigned bw = writer.addWeightBuffer(wid, cpu);
  unsigned by = writer.addOutputBuffer(y, cpu);
  writer.addLaunch(cpu, code, {bx, bw}, {by});
  return writer.write(path, error);
}

std::vector<uint8_t> tangram::test::readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

bool tangram::test::writeFile(const std::string &path,
                              const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return static_cast<bool>(out);
}

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "tangram-test-XXXXXX").string();
  if (mkdtemp(pattern.data()))
    path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty())
    std::filesystem::remove_all(path_, ec);
}

ExportDesc tangram::test::gpuCopyExport(const std::string &kernel,
                                        unsigned sharedBytes) {
  ExportDesc e;
  e.name = "copy";
  e.args = 1;
  e.results = 1;
  e.hasProgram = true;
  e.program.values = {{ProgramOp::Const, 4, 0, 0}, {ProgramOp::Const, 1, 0, 0}};
  e.program.resultDims = {{0}};
  KernelDispatch k;
  k.kernel = kernel;
  k.grid[0] = k.grid[1] = k.grid[2] = 1;
  k.bindings = {{BindingKind::Arg, 0}, {BindingKind::Arg, 1}};
  k.sharedBytes = sharedBytes;
  e.program.kernels = {k};
  return e;
}

bool tangram::test::writeGPUCopyBundle(
    const std::string &path, const std::string &kind, const std::string &format,
    std::vector<uint8_t> bytes, std::vector<std::string> requires_,
    const std::string &kernel, std::string &error, unsigned sharedBytes) {
  BundleWriter writer("copy", "test");
  unsigned x = writer.addInput("x", DType::F32, {4});
  unsigned y = writer.addOutput("y", DType::F32, {4});
  unsigned dev = writer.addDevice(kind);
  unsigned code = writer.addCodeObject(
      dev, format, {gpuCopyExport(kernel, sharedBytes)}, bytes);
  writer.setRequirements(code, std::move(requires_));
  writer.addLaunch(dev, code, {writer.addInputBuffer(x, dev)},
                   {writer.addOutputBuffer(y, dev)});
  return writer.write(path, error);
}
