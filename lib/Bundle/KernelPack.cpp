//===- KernelPack.cpp - several SPIR-V kernels in one code object ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/KernelPack.h"

#include <cstring>

using namespace tangram;

namespace {
void putU32(std::vector<uint8_t> &out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
} // namespace

std::vector<uint8_t> tangram::packKernels(const std::vector<PackedKernel> &ks) {
  std::vector<uint8_t> out;
  putU32(out, static_cast<uint32_t>(ks.size()));
  for (const PackedKernel &k : ks) {
    putU32(out, static_cast<uint32_t>(k.name.size()));
    out.insert(out.end(), k.name.begin(), k.name.end());
    while (out.size() % 4)
      out.push_back(0);
    putU32(out, static_cast<uint32_t>(k.words.size()));
    for (uint32_t w : k.words)
      putU32(out, w);
  }
  return out;
}

bool tangram::unpackKernels(const uint8_t *data, size_t size,
                            std::vector<PackedKernel> &kernels,
                            std::string &error, KernelCode code) {
  size_t at = 0;
  auto getU32 = [&](uint32_t &v) {
    if (size - at < 4)
      return false;
    v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<uint32_t>(data[at + i]) << (8 * i);
    at += 4;
    return true;
  };
  uint32_t count;
  if (!getU32(count))
    return error = "kernel pack: truncated header", false;
  kernels.clear();
  for (uint32_t i = 0; i < count; ++i) {
    std::string where = "kernel pack: kernel " + std::to_string(i);
    uint32_t nameBytes, words;
    if (!getU32(nameBytes) || size - at < nameBytes)
      return error = where + ": truncated name", false;
    PackedKernel k;
    k.name.assign(reinterpret_cast<const char *>(data + at), nameBytes);
    at += (nameBytes + 3) / 4 * 4;
    if (at > size || !getU32(words) || (size - at) / 4 < words)
      return error = where + " ('" + k.name + "'): truncated code", false;
    k.words.resize(words);
    for (uint32_t &w : k.words)
      getU32(w);
    const char *bytes = reinterpret_cast<const char *>(k.words.data());
    bool valid = false;
    const char *what = "";
    switch (code) {
    case KernelCode::SPIRV:
      valid = words >= 5 && k.words[0] == 0x07230203u;
      what = "a SPIR-V module";
      break;
    case KernelCode::PTX: // text, NUL terminated
      valid = words > 0 && bytes[words * 4 - 1] == 0 && bytes[0] != 0;
      what = "NUL-terminated PTX";
      break;
    case KernelCode::ELF:
      valid = words > 4 && std::memcmp(bytes, "\x7f" "ELF", 4) == 0;
      what = "an ELF object";
      break;
    }
    if (!valid)
      return error = where + " ('" + k.name + "'): not " + what, false;
    kernels.push_back(std::move(k));
  }
  if (at != size)
    return error = "kernel pack: " + std::to_string(size - at) +
                   " trailing bytes",
           false;
  return true;
}
