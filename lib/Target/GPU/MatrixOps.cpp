//===- MatrixOps.cpp - the registry of matrix-op hooks --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/MatrixOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/ErrorHandling.h"
#include <mutex>

using namespace mlir;
using namespace mlir::tangram;

MatrixOp::~MatrixOp() = default;

Value MatrixOp::loadBKMajor(OpBuilder &, Location, Value, unsigned, Value,
                            Value, Value) const {
  llvm_unreachable("loadBKMajor on a matrix op without it");
}

// The strategy calls these only where hasAsyncCopy said yes.
Value MatrixOp::copyAsync(OpBuilder &, Location, Value, Value, Value, Value,
                          unsigned, Value) const {
  llvm_unreachable("copyAsync on a matrix op without asynchronous copies");
}
Value MatrixOp::commitAsync(OpBuilder &, Location, ValueRange) const {
  llvm_unreachable("commitAsync on a matrix op without asynchronous copies");
}
void MatrixOp::waitAsync(OpBuilder &, Location, Value, unsigned) const {
  llvm_unreachable("waitAsync on a matrix op without asynchronous copies");
}

namespace {
/// Hooks live as long as the process (passes keep pointers to them).
struct Registry {
  std::mutex mutex;
  llvm::StringMap<std::unique_ptr<MatrixOp>> ops;
};
Registry &registry() {
  static Registry *r = new Registry();
  return *r;
}
} // namespace

void mlir::tangram::registerMatrixOp(std::unique_ptr<MatrixOp> op) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::string name = op->name().str();
  r.ops.try_emplace(name, std::move(op));
}

const MatrixOp *mlir::tangram::lookupMatrixOp(StringRef name) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.ops.find(name);
  return it == r.ops.end() ? nullptr : it->second.get();
}
