//===- FuzzSession.cpp - libFuzzer harness: session set-up ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Sets a session up from the input as a .tgb bundle, up to just before any
// of its code runs: the bundle is opened (header checksums recomputed, so
// mutations reach the manifest; section checksums verified, so the code
// loaded is always code the compiler wrote), the CPU device is created, the
// code objects are loaded and their exports looked up, the weights are
// wrapped, and inputs of the declared shapes (dynamic dims 1) are checked.
// A bundle is native code by design: what is fuzzed here is everything the
// runtime decides from the manifest, not the code it then runs.
//
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/Bundle.h"
#include "tangram/Bundle/Checksum.h"
#include "tangram/Runtime/Session.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  void *memory = nullptr;
  if (posix_memalign(&memory, 64, size ? size : 1) != 0)
    std::abort();
  std::shared_ptr<uint8_t> copy(static_cast<uint8_t *>(memory), &std::free);
  std::memcpy(copy.get(), data, size);
  tangram::sealHeader(copy.get(), size);
  std::string error;
  std::shared_ptr<const tangram::Bundle> bundle =
      tangram::Bundle::openBytes(copy.get(), size, "fuzz.tgb", error);
  if (!bundle)
    return 0;
  tangram::SessionOptions options;
  options.device = "cpu";
  options.threads = 1;
  std::unique_ptr<tangram::Session> session =
      tangram::Session::create(bundle, options, error);
  if (!session) {
    // One line naming the bundle.
    if (error.rfind("fuzz.tgb: ", 0) != 0 ||
        error.find('\n') != std::string::npos) {
      std::fprintf(stderr, "not one line naming the bundle: '%s'\n",
                   error.c_str());
      std::abort();
    }
    return 0;
  }
  // Inputs as the manifest declares them, dynamic dims 1, when small.
  std::vector<tangram::Buffer> inputs;
  for (const tangram::TensorDesc &t : session->manifest().inputs) {
    tangram::Shape shape = t.shape;
    for (int64_t &d : shape)
      d = d < 0 ? 1 : d;
    uint64_t bytes;
    if (!tangram::shapeByteSize(shape, t.dtype, bytes) || bytes > (1u << 20))
      return 0;
    inputs.push_back(tangram::Buffer::allocate(t.dtype, shape));
  }
  tangram::Session::checkInputs(session->manifest(), inputs, error);
  return 0;
}
