//===- Checksum.cpp - Checksums of a .tgb bundle --------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/Checksum.h"

#include "tangram/Bundle/Manifest.h"

#include <cstring>
#include <zlib.h>

using namespace tangram;

uint32_t tangram::crc32Update(uint32_t crc, const void *data, size_t size) {
  return static_cast<uint32_t>(
      crc32_z(crc, static_cast<const Bytef *>(data), size));
}

uint32_t tangram::crc32Of(const void *data, size_t size) {
  return crc32Update(0, data, size);
}

uint32_t tangram::headerCrc(const uint8_t *header) {
  uint8_t copy[kBundleHeaderSize];
  std::memcpy(copy, header, sizeof(copy));
  std::memset(copy + kHeaderCrcOffset, 0, 4);
  return crc32Of(copy, sizeof(copy));
}

namespace {
uint64_t getLE(const uint8_t *p, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i)
    v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
void putLE32(uint8_t *p, uint32_t v) {
  for (unsigned i = 0; i < 4; ++i)
    p[i] = static_cast<uint8_t>(v >> (8 * i));
}
} // namespace

void tangram::sealHeader(uint8_t *data, size_t size) {
  if (size < kBundleHeaderSize)
    return;
  uint64_t offset = getLE(data + 16, 8), length = getLE(data + 24, 8);
  if (offset <= size && length <= size - offset)
    putLE32(data + kManifestCrcOffset, crc32Of(data + offset, length));
  putLE32(data + kHeaderCrcOffset, headerCrc(data));
}
