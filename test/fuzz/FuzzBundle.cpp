//===- FuzzBundle.cpp - libFuzzer harness: the bundle reader --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Opens the input as a .tgb bundle: the header, the manifest parser and the
// manifest checks. Twice: as the bytes are (so the checksums are exercised),
// and with the header's checksums recomputed (sealHeader) and section
// checksums skipped, so that mutations reach the manifest parser and checks
// instead of stopping at a checksum. A bundle that opens is then walked the
// way the runtime walks it: every section, weight and code object it
// points to is read, so an out-of-bounds view shows up under ASan.
//
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/Bundle.h"
#include "tangram/Bundle/Checksum.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace {
/// Reads every byte a bundle says it holds.
void touchAll(const tangram::Bundle &bundle) {
  const tangram::Manifest &m = bundle.manifest();
  volatile uint8_t sink = 0;
  auto touch = [&](tangram::ByteSpan span) {
    for (size_t i = 0; i < span.size; ++i)
      sink = sink ^ span.data[i];
  };
  for (unsigned i = 0; i < m.sections.size(); ++i)
    touch(bundle.section(i));
  for (unsigned i = 0; i < m.weights.size(); ++i)
    touch(bundle.weight(i));
  for (unsigned i = 0; i < m.codeObjects.size(); ++i)
    touch(bundle.codeObject(i));
  (void)sink;
}

void openOne(const uint8_t *data, size_t size, bool seal, bool verify) {
  // An exactly sized, suitably aligned copy: a read past the end is caught.
  void *memory = nullptr;
  if (posix_memalign(&memory, 64, size ? size : 1) != 0)
    std::abort();
  std::unique_ptr<uint8_t, decltype(&std::free)> copy(
      static_cast<uint8_t *>(memory), &std::free);
  std::memcpy(copy.get(), data, size);
  if (seal)
    tangram::sealHeader(copy.get(), size);
  std::string error;
  std::unique_ptr<tangram::Bundle> bundle =
      tangram::Bundle::openBytes(copy.get(), size, "fuzz.tgb", error, verify);
  if (!bundle) {
    // One line naming the bundle.
    if (error.rfind("fuzz.tgb: ", 0) != 0 ||
        error.find('\n') != std::string::npos) {
      std::fprintf(stderr, "not one line naming the bundle: '%s'\n",
                   error.c_str());
      std::abort();
    }
    return;
  }
  touchAll(*bundle);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  openOne(data, size, /*seal=*/false, /*verify=*/true);
  openOne(data, size, /*seal=*/true, /*verify=*/false);
  return 0;
}
