//===- ProgramBuilder.h - the index values of a GPU program -----*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Builds the `values` of a GPU program (docs/BundleFormat.md): formulas
// over the launch's buffer dims that the runtime evaluates before it
// allocates and dispatches. Constants fold, so a static model's program
// is all constants.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_TARGET_GPU_PROGRAMBUILDER_H
#define TANGRAM_LIB_TARGET_GPU_PROGRAMBUILDER_H

#include "tangram/Bundle/Manifest.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include <optional>

namespace mlir::tangram {

class ProgramBuilder {
public:
  ::tangram::GPUProgram program;

  /// The value `v`, or a new one.
  unsigned constant(int64_t v);
  /// Dim `d` of buffer `buffer` (args, then results).
  unsigned dim(unsigned buffer, unsigned d);
  /// `op` on two values, folded when both are constants.
  unsigned binary(::tangram::ProgramOp op, unsigned a, unsigned b);
  /// `cond ? a : b`, folded when `cond` is a constant.
  unsigned select(unsigned cond, unsigned a, unsigned b);
  /// Element `element` (a value id) of argument buffer `buffer`.
  unsigned load(unsigned buffer, unsigned element);
  std::optional<int64_t> constantOf(unsigned id) const;
  /// A number every value `id` can take is a multiple of (0 when the value
  /// is 0), from its constants: products multiply, sums take the gcd, the
  /// rest give 1. What tells a kernel that a dynamic buffer's rows stay
  /// aligned ([M, 64] has a stride of 64 whatever M is).
  int64_t knownDivisor(unsigned id) const;

  /// The value an integer or index SSA value was mapped to.
  std::optional<unsigned> lookup(Value v) const;
  void map(Value v, unsigned id) { values_[v] = id; }

  /// Maps the result of an integer/index op on mapped values (constants,
  /// arith arithmetic, comparisons, selects, casts). Returns false when
  /// `op` is not one.
  bool mapScalarOp(Operation *op);

  /// The values as an attribute, and back (tg-gpu-result-shapes hands them
  /// to tg-gpu-build-kernels this way).
  Attribute valuesAttr(MLIRContext *ctx) const;
  bool loadValues(Attribute attr);

private:
  llvm::DenseMap<Value, unsigned> values_;
  llvm::DenseMap<int64_t, unsigned> constants_;
};

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_GPU_PROGRAMBUILDER_H
