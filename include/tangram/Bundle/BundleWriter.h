//===- BundleWriter.h - Writing a .tgb bundle -------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Builds a bundle: describe inputs, outputs and devices, add code objects and
// weights, name the buffers the schedule moves, add the schedule steps, then
// write(). The writer lays the file out (header, code sections aligned to
// 4096, one weights section with each weight aligned to 64, the manifest at
// the end), writes it to a temporary file beside `path`, reopens it with the
// reader to check it, and only then renames it into place.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_BUNDLE_BUNDLEWRITER_H
#define TANGRAM_BUNDLE_BUNDLEWRITER_H

#include "tangram/Bundle/Manifest.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tangram {

class BundleWriter {
public:
  explicit BundleWriter(std::string model,
                        std::string producer = "tangram-compile");

  /// Model inputs and outputs, in graph order; -1 dims are dynamic. Return
  /// the index of the new entry.
  /// `dimNames`: per dim, the symbolic name of a dynamic dim or "" (may be
  /// empty when no dim is named).
  unsigned addInput(std::string name, DType dtype, Shape shape,
                    std::vector<std::string> dimNames = {},
                    std::vector<int64_t> dimMax = {});
  unsigned addOutput(std::string name, DType dtype, Shape shape,
                     std::vector<std::string> dimNames = {});

  /// Starts from a plan: a manifest whose code objects and weights are
  /// described but have no bytes yet (tg-serialize-schedule writes one).
  /// Give each its bytes with setCode and setWeightData before write().
  static BundleWriter fromPlan(Manifest plan);

  /// A device, e.g. addDevice("cpu", "x86_64-unknown-linux-gnu", "+avx2").
  unsigned addDevice(std::string kind, std::string target = "",
                     std::string features = "", std::string name = "");

  /// A code object for `device` in a section of its own; the bytes are
  /// copied. `format` is "elf-shared-object" for the cpu device.
  unsigned addCodeObject(unsigned device, std::string format,
                         std::vector<ExportDesc> exports,
                         std::vector<uint8_t> bytes);
  /// The format and bytes of a planned code object.
  void setCode(unsigned codeObject, std::string format,
               std::vector<uint8_t> bytes);
  /// What the device must have to load a code object (SPIR-V capabilities).
  void setRequirements(unsigned codeObject, std::vector<std::string> names) {
    manifest_.codeObjects.at(codeObject).requires_ = std::move(names);
  }

  /// A weight in the shared weights section. The bytes are NOT copied: `data`
  /// must stay valid until write() returns. `size` must equal the elements
  /// of `shape` times the dtype size (checked by write()).
  unsigned addWeight(std::string name, DType dtype, Shape shape,
                     const void *data, size_t size);
  /// The bytes of a planned weight (not copied, as for addWeight).
  void setWeightData(unsigned weight, const void *data, size_t size);

  /// Buffers: the model input/output or weight of that index on `device`.
  unsigned addInputBuffer(unsigned input, unsigned device = 0);
  unsigned addOutputBuffer(unsigned output, unsigned device = 0);
  unsigned addWeightBuffer(unsigned weight, unsigned device = 0);
  /// A value passed between steps (on one device, or across a transfer).
  unsigned addIntermediateBuffer(DType dtype, Shape shape, unsigned device = 0);

  /// Runs export `exportIndex` of `codeObject` on `device`: `args` and
  /// `results` are buffer ids in the export's ABI order.
  void addLaunch(unsigned device, unsigned codeObject,
                 std::vector<unsigned> args, std::vector<unsigned> results,
                 unsigned exportIndex = 0);
  /// Copies buffer `src` into buffer `dst` (on another device).
  void addTransfer(unsigned src, unsigned dst);

  /// Writes the bundle. On failure returns false, sets `error` to one line
  /// naming `path`, and leaves no file behind (an existing file at `path` is
  /// left as it was).
  bool write(const std::string &path, std::string &error);

  /// The manifest as built so far (sections are laid out by write()).
  const Manifest &manifest() const { return manifest_; }
  Manifest &manifest() { return manifest_; }

private:
  struct PendingWeight {
    const void *data;
    size_t size;
  };
  Manifest manifest_;
  std::vector<std::vector<uint8_t>> codeBytes_;
  std::vector<PendingWeight> weightBytes_;
};

} // namespace tangram

#endif // TANGRAM_BUNDLE_BUNDLEWRITER_H
