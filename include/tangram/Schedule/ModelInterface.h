//===- ModelInterface.h - a compiled model's inputs, outputs, weights -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// What the bundle records about the entry function after tg-hoist-weights:
// inputs and outputs (names, dtypes, shapes, symbolic dims and bounds) and
// the weights with their bytes.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_SCHEDULE_MODELINTERFACE_H
#define TANGRAM_SCHEDULE_MODELINTERFACE_H

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

/// The bundle dtype of an element type, if the bundle has one.
std::optional<::tangram::DType> toDType(Type t);

/// The entry function's interface after tg-hoist-weights: its arguments
/// are `inputs` then `weights`, its results `outputs`.
struct ModelInterface {
  func::FuncOp entry;
  std::vector<TensorInfo> inputs, outputs;
  std::vector<WeightInfo> weights;
};

/// Reads the interface of the one public function of `module` (run
/// tg-hoist-weights first), then drops the `tg.weight_value` attributes:
/// the weights' bytes stay owned by the context, later stages need only
/// the arguments.
/// With `withData` false, the weights' bytes are neither read nor dropped
/// (their sizes follow from the types).
std::optional<ModelInterface> readModelInterface(ModuleOp module,
                                                 std::string &error,
                                                 bool withData = true);

} // namespace mlir::tangram

#endif // TANGRAM_SCHEDULE_MODELINTERFACE_H
