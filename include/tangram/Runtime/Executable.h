//===- Executable.h - A loaded code object ----------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_EXECUTABLE_H
#define TANGRAM_RUNTIME_EXECUTABLE_H

#include "tangram/Runtime/Buffer.h"

#include <string>
#include <vector>

namespace tangram {

/// What the caller knows of a result before a launch: its dtype and rank,
/// and its declared dims (-1 where only the run knows: the export's shape
/// function says).
struct ResultSpec {
  DType dtype = DType::F32;
  unsigned rank = 0;
  Shape shape;
};

/// A code object loaded on a device, ready to launch. It has one or more
/// exports (the manifest's `exports`), each a function a launch names by
/// its index.
class Executable {
public:
  virtual ~Executable();

  /// How many exports the code object has.
  virtual unsigned numExports() const = 0;

  /// Runs export `exportIndex` on `args` (read only) and returns one buffer
  /// per entry of `results` in `outputs`, allocated by the device before
  /// the code runs (sized by the export's shape function when a result has
  /// a run-time dim). Returns false with a message in `error` on a run-time
  /// error of the model or when the result sizes are invalid.
  virtual bool launch(unsigned exportIndex,
                      const std::vector<const Buffer *> &args,
                      const std::vector<ResultSpec> &results,
                      std::vector<Buffer> &outputs, std::string &error) = 0;
};

} // namespace tangram

#endif // TANGRAM_RUNTIME_EXECUTABLE_H
