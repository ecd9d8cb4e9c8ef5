//===- LittleEndian.h - The bundle header's integers ------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Little-endian integers of the .tgb header, read and written byte by byte
// so that neither the host's byte order nor alignment matters. Internal to
// lib/Bundle.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_BUNDLE_LITTLEENDIAN_H
#define TANGRAM_LIB_BUNDLE_LITTLEENDIAN_H

#include <cstdint>

namespace tangram {

inline uint64_t readLE(const uint8_t *p, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i)
    v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

inline void putLE(uint8_t *p, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    p[i] = static_cast<uint8_t>(value >> (8 * i));
}

} // namespace tangram

#endif // TANGRAM_LIB_BUNDLE_LITTLEENDIAN_H
