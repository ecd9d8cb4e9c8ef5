//===- Checksum.cpp - Checksums of a .tgb bundle --------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/Checksum.h"

#include "tangram/Bundle/Manifest.h"

#include "LittleEndian.h"

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

void tangram::sealHeader(uint8_t *data, size_t size) {
  if (size < kBundleHeaderSize)
    return;
  uint64_t offset = readLE(data + 16, 8), length = readLE(data + 24, 8);
  if (offset <= size && length <= size - offset)
    putLE(data + kManifestCrcOffset, crc32Of(data + offset, length), 4);
  putLE(data + kHeaderCrcOffset, headerCrc(data), 4);
}
