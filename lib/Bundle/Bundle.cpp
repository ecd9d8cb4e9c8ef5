//===- Bundle.cpp - Reading a .tgb bundle ---------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/Bundle.h"

#include "tangram/Bundle/Checksum.h"

#include "LittleEndian.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace tangram;

namespace {
std::string hex(uint32_t v) {
  char text[11];
  std::snprintf(text, sizeof(text), "0x%08x", v);
  return text;
}
} // namespace

std::unique_ptr<Bundle> Bundle::open(const std::string &path,
                                     std::string &error, bool verifySections) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": cannot open file: " + std::strerror(errno);
    return nullptr;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    error = path + ": cannot stat file: " + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  if (!S_ISREG(st.st_mode)) {
    error = path + ": not a regular file";
    ::close(fd);
    return nullptr;
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size < kBundleHeaderSize) {
    ::close(fd);
    error = path + (size == 0
                        ? std::string(": the file is empty")
                        : ": truncated: the file has " + std::to_string(size) +
                              " bytes, a bundle header needs " +
                              std::to_string(kBundleHeaderSize));
    return nullptr;
  }
  void *map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int mapErrno = errno;
  ::close(fd);
  if (map == MAP_FAILED) {
    error = path + ": cannot map file: " + std::strerror(mapErrno);
    return nullptr;
  }
  std::unique_ptr<Bundle> bundle(new Bundle());
  bundle->name_ = path;
  bundle->data_ = static_cast<const uint8_t *>(map);
  bundle->size_ = size;
  bundle->mapped_ = true;
  if (!bundle->check(error, verifySections))
    return nullptr;
  return bundle;
}

std::unique_ptr<Bundle> Bundle::openBytes(const void *data, size_t size,
                                          const std::string &name,
                                          std::string &error,
                                          bool verifySections) {
  std::unique_ptr<Bundle> bundle(new Bundle());
  bundle->name_ = name;
  bundle->data_ = static_cast<const uint8_t *>(data);
  bundle->size_ = data ? size : 0;
  if (!bundle->check(error, verifySections))
    return nullptr;
  return bundle;
}

Bundle::~Bundle() {
  if (mapped_)
    munmap(const_cast<uint8_t *>(data_), size_);
}

bool Bundle::check(std::string &error, bool verifySections) {
  auto fail = [&](const std::string &message) {
    error = oneLine(name_ + ": " + message);
    return false;
  };
  if (size_ == 0)
    return fail("the file is empty");
  if (size_ >= sizeof(kBundleMagic) &&
      std::memcmp(data_, kBundleMagic, sizeof(kBundleMagic)) != 0)
    return fail("bad magic (not a Tangram bundle)");
  if (size_ < kBundleHeaderSize)
    return fail("truncated: the file has " + std::to_string(size_) +
                " bytes, a bundle header needs " +
                std::to_string(kBundleHeaderSize));
  uint64_t major = readLE(data_ + 8, 4);
  versionMinor_ = static_cast<uint32_t>(readLE(data_ + 12, 4));
  uint64_t manifestOffset = readLE(data_ + 16, 8);
  uint64_t manifestSize = readLE(data_ + 24, 8);
  uint64_t fileSize = readLE(data_ + 32, 8);
  if (major != kBundleVersionMajor)
    return fail("unsupported bundle version " + std::to_string(major) + "." +
                std::to_string(versionMinor_) + " (this runtime reads " +
                std::to_string(kBundleVersionMajor) + ".x" +
                (major < kBundleVersionMajor ? "; recompile the model" : "") +
                ")");
  // The header's checksum first: a damaged size or offset is reported as
  // damage, not as whichever field the damage happened to hit.
  uint32_t storedHeaderCrc = readLE(data_ + kHeaderCrcOffset, 4);
  if (uint32_t crc = headerCrc(data_); crc != storedHeaderCrc)
    return fail("the header is damaged (checksum " + hex(crc) +
                ", expected " + hex(storedHeaderCrc) + ")");
  // Then the size: a truncated file is the likeliest corruption and
  // the clearest thing to report.
  if (fileSize > size_)
    return fail("truncated: header says " + std::to_string(fileSize) +
                " bytes, file has " + std::to_string(size_));
  if (fileSize < size_)
    return fail("header says " + std::to_string(fileSize) +
                " bytes, file has " + std::to_string(size_) +
                " (trailing data)");
  if (manifestOffset < kBundleHeaderSize || manifestOffset > fileSize ||
      manifestSize > fileSize - manifestOffset)
    return fail("manifest [offset " + std::to_string(manifestOffset) +
                ", size " + std::to_string(manifestSize) +
                "] lies outside the file (" + std::to_string(fileSize) +
                " bytes)");
  // The manifest's checksum before it is parsed.
  uint32_t storedManifestCrc = readLE(data_ + kManifestCrcOffset, 4);
  if (uint32_t crc = crc32Of(data_ + manifestOffset, manifestSize);
      crc != storedManifestCrc)
    return fail("the manifest is damaged (checksum " + hex(crc) +
                ", expected " + hex(storedManifestCrc) + ")");
  std::string message;
  std::string_view text(reinterpret_cast<const char *>(data_ + manifestOffset),
                        manifestSize);
  if (!parseManifest(text, manifest_, message))
    return fail(message);
  BundleLayout layout{fileSize, manifestOffset, manifestSize};
  if (!checkManifest(manifest_, layout, message))
    return fail(message);
  if (!verifySections)
    return true;
  for (size_t i = 0; i < manifest_.sections.size(); ++i) {
    const SectionDesc &s = manifest_.sections[i];
    if (uint32_t crc = crc32Of(data_ + s.offset, s.size); crc != s.crc32)
      return fail("section " + std::to_string(i) + " (" + s.kind +
                  ") is damaged (checksum " + hex(crc) + ", expected " +
                  hex(s.crc32) + ")");
  }
  // The padding between the parts is zeros, so every bit of the file is
  // covered by a check.
  // (The empty part at the end checks the bytes after the last one.)
  std::vector<std::pair<uint64_t, uint64_t>> parts = {
      {0, kBundleHeaderSize}, {manifestOffset, manifestSize}, {size_, 0}};
  for (const SectionDesc &s : manifest_.sections)
    parts.push_back({s.offset, s.size});
  std::sort(parts.begin(), parts.end());
  uint64_t pos = 0;
  for (auto [offset, size] : parts) {
    for (uint64_t at = pos; at < offset; ++at)
      if (data_[at] != 0)
        return fail("byte " + std::to_string(at) +
                    " is damaged (padding between sections must be zero)");
    pos = std::max(pos, offset + size);
  }
  return true;
}

ByteSpan Bundle::section(unsigned id) const {
  const SectionDesc &s = manifest_.sections.at(id);
  return {data_ + s.offset, static_cast<size_t>(s.size)};
}

ByteSpan Bundle::weight(unsigned id) const {
  const WeightDesc &w = manifest_.weights.at(id);
  return {data_ + manifest_.sections[w.section].offset + w.offset,
          static_cast<size_t>(w.size)};
}

ByteSpan Bundle::codeObject(unsigned id) const {
  return section(manifest_.codeObjects.at(id).section);
}
