//===- Checksum.h - Checksums of a .tgb bundle ------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A bundle carries CRC32s (zlib's polynomial) so that a file damaged on disk
// or in transit is rejected before anything in it runs: one for the header,
// one for the manifest (both in the header), and one per section (in the
// manifest). docs/BundleFormat.md, "Checksums".
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_BUNDLE_CHECKSUM_H
#define TANGRAM_BUNDLE_CHECKSUM_H

#include <cstddef>
#include <cstdint>

namespace tangram {

/// Header bytes that hold the checksums.
constexpr size_t kManifestCrcOffset = 40;
constexpr size_t kHeaderCrcOffset = 44;

/// CRC32 of `size` bytes (zlib's crc32; any size).
uint32_t crc32Of(const void *data, size_t size);
/// The CRC32 of some bytes followed by `size` more: crc32Of(a + b) equals
/// crc32Update(crc32Of(a), b).
uint32_t crc32Update(uint32_t crc, const void *data, size_t size);

/// CRC32 of a 64-byte header with its own checksum field taken as zero.
uint32_t headerCrc(const uint8_t *header);

/// Writes the manifest and header checksums of the bundle in `data` from
/// its header's manifest offset and size (left alone when they lie outside
/// `size`). For writers and for tools that edit a bundle on purpose: tests
/// and fuzz harnesses that change a manifest and want the parser, not the
/// checksum, to judge it.
void sealHeader(uint8_t *data, size_t size);

} // namespace tangram

#endif // TANGRAM_BUNDLE_CHECKSUM_H
