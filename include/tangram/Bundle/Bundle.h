//===- Bundle.h - Reading a .tgb bundle -------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A Bundle is a checked, read-only view of a .tgb file (docs/BundleFormat.md).
// The file is mapped, not read: weights and code objects are pointers into
// the mapping. Opening checks everything the runtime relies on, so a Bundle
// that opened never points outside its bytes.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_BUNDLE_BUNDLE_H
#define TANGRAM_BUNDLE_BUNDLE_H

#include "tangram/Bundle/Manifest.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tangram {

/// Bytes inside a bundle; valid while the Bundle lives.
struct ByteSpan {
  const uint8_t *data = nullptr;
  size_t size = 0;
};

class Bundle {
public:
  /// Maps and checks the file at `path`. On failure returns null and sets
  /// `error` to one line that starts with `path`, e.g. "m.tgb: bad magic (not
  /// a Tangram bundle)". Never throws or aborts.
  ///
  /// The header and manifest checksums are always verified. `verifySections`
  /// also verifies every section's (code and weights): it reads the whole
  /// file, so very large bundles from a trusted source may skip it
  /// (`tangram-run --no-verify`).
  static std::unique_ptr<Bundle> open(const std::string &path,
                                      std::string &error,
                                      bool verifySections = true);

  /// Checks a bundle held in memory; `data` must outlive the Bundle and be
  /// aligned to kBundleMinAlignment for aligned weights. `name` prefixes
  /// error messages.
  static std::unique_ptr<Bundle> openBytes(const void *data, size_t size,
                                           const std::string &name,
                                           std::string &error,
                                           bool verifySections = true);

  ~Bundle();
  Bundle(const Bundle &) = delete;
  Bundle &operator=(const Bundle &) = delete;

  /// The path or name the bundle was opened with.
  const std::string &name() const { return name_; }
  const Manifest &manifest() const { return manifest_; }
  uint32_t versionMinor() const { return versionMinor_; }

  ByteSpan section(unsigned id) const;
  ByteSpan weight(unsigned id) const;
  ByteSpan codeObject(unsigned id) const;

private:
  Bundle() = default;
  bool check(std::string &error, bool verifySections);

  std::string name_;
  const uint8_t *data_ = nullptr;
  size_t size_ = 0;
  /// Set when data_ is our mapping.
  bool mapped_ = false;
  uint32_t versionMinor_ = 0;
  Manifest manifest_;
};

} // namespace tangram

#endif // TANGRAM_BUNDLE_BUNDLE_H
