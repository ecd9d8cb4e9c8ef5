//===- WeightHoisting.h - weights out of the code, into the bundle -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Large constants become arguments of the entry function so their bytes go
// to the bundle's weights section (memory-mapped at run time) instead of
// the code object; the code stays small and compiles fast.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_PIPELINES_WEIGHTHOISTING_H
#define TANGRAM_PIPELINES_WEIGHTHOISTING_H

#include "tangram/Bundle/DType.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include <optional>
#include <string>
#include <vector>

namespace mlir::tangram {

struct TensorInfo {
  std::string name;
  ::tangram::DType dtype;
  ::tangram::Shape shape;
  /// Symbolic names of dynamic dims (the `tg.dims` attribute), or empty.
  std::vector<std::string> dimNames;
  /// Bounds of dynamic dims (the `tg.dim_max` attribute), or empty.
  std::vector<int64_t> dimMax;
};

struct WeightInfo : TensorInfo {
  /// Points into the module's resource blob or attribute storage.
  ArrayRef<char> data;
};

/// The entry function's interface after hoisting: its arguments are
/// `inputs` then `weights`, its results `outputs`.
struct ModelInterface {
  func::FuncOp entry;
  std::vector<TensorInfo> inputs, outputs;
  std::vector<WeightInfo> weights;
};

/// Hoists every non-splat constant of more than 64 elements out of the one
/// public function of `module`; marks all its arguments read-only.
std::optional<ModelInterface> hoistWeights(ModuleOp module, std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_PIPELINES_WEIGHTHOISTING_H
