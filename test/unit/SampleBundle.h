//===- SampleBundle.h - Small bundles for the unit tests --------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The sample model: y = x + w with x: f32 [?,4], w: f32 [4] = {1,2,3,4},
// y: f32 [?,4], one cpu device and one code object whose entry is
// `addWeightEntry` below (an in-process function with the code object ABI).
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TEST_UNIT_SAMPLEBUNDLE_H
#define TANGRAM_TEST_UNIT_SAMPLEBUNDLE_H

#include "tangram/Bundle/Manifest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tangram {
namespace test {

/// The entry name registered for addWeightEntry.
constexpr const char *kAddWeightEntry = "tangram_test_add_weight";
/// The shape function of the shared-object sample (SampleCodeObject.c).
constexpr const char *kAddWeightShapes = "tangram_test_add_weight_shapes";

/// y = x + w over memref descriptors: args[0] is x (rank 2), args[1] is w
/// (rank 1); the result (rank 2) is malloc'ed.
extern "C" void addWeightEntry(void **args, int64_t *results);

/// Registers addWeightEntry as an in-process entry (idempotent).
void registerSampleEntries();

/// The path of the shared object built from SampleCodeObject.c.
std::string sampleCodeObjectPath();

/// Writes the sample bundle to `path`. `mode` picks the code object:
/// "in-process" runs addWeightEntry; "elf" holds the shared object built from
/// SampleCodeObject.c; "garbage-elf" claims elf-shared-object but holds bytes
/// that are not ELF (for load errors).
bool writeSampleBundle(const std::string &path, const std::string &mode,
                       std::string &error);

/// The export of writeGPUCopyBundle: `copy`, one arg and one result of 4
/// elements, one dispatch of `kernel` given `sharedBytes` at launch.
ExportDesc gpuCopyExport(const std::string &kernel, unsigned sharedBytes);

/// A GPU bundle by hand: y = x (f32[4]) through one kernel `kernel` of a
/// `format` code object holding `bytes`, on a `kind` device, needing
/// `requires_`, given `sharedBytes` of workgroup memory at launch.
bool writeGPUCopyBundle(const std::string &path, const std::string &kind,
                        const std::string &format, std::vector<uint8_t> bytes,
                        std::vector<std::string> requires_,
                        const std::string &kernel, std::string &error,
                        unsigned sharedBytes = 0);

/// The bytes of a file.
std::vector<uint8_t> readFile(const std::string &path);
bool writeFile(const std::string &path, const std::vector<uint8_t> &bytes);

/// A temporary directory, removed with its files on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::string &path() const { return path_; }
  std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

} // namespace test
} // namespace tangram

#endif // TANGRAM_TEST_UNIT_SAMPLEBUNDLE_H
