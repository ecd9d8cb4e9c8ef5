//===- MatrixOps.h - the matrix-op hook of the GPU targets ------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A matrix multiply-accumulate that one subgroup executes together (NVIDIA
// mma.sync, AMD MFMA): D (m x n) = A (m x k) * B (k x n) + C, each operand
// spread over the subgroup's lanes the way the instruction defines. The
// shared contract strategy (MatrixContractStrategy.cpp) tiles, stages and
// stores; a target's hook only says how a lane loads its fragments from
// workgroup memory, multiplies, and which elements of D it holds. Targets
// list the hooks they have by name in GPUDescription::matrixOps and
// register them here (one file in the target's folder).
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_GPU_MATRIXOPS_H
#define TANGRAM_TARGET_GPU_MATRIXOPS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectRegistry.h"
#include <memory>

namespace mlir::tangram {

/// One matrix instruction of a target.
///
/// The strategy stages A and B tiles in workgroup memory, both with k
/// contiguous: A as [row][k], B as [col][k] (B transposed), consecutive
/// rows (cols) `ld` elements apart in a 1-D buffer, every row starting
/// 16-byte aligned. Elements outside the problem are staged as zeros.
class MatrixOp {
public:
  virtual ~MatrixOp();
  /// The name GPUDescription::matrixOps lists ("mma_sync_m16n8k16_f16").
  virtual StringRef name() const = 0;
  /// The element type of A and B (f16, bf16; f32 for tf32) and of C and D.
  virtual Type operandType(MLIRContext *ctx) const = 0;
  virtual Type accumulatorType(MLIRContext *ctx) const = 0;
  /// Whether A and B are used as they are; false for tf32, which rounds
  /// f32 operands (chosen only when the compile asks for it).
  virtual bool exact() const { return true; }
  /// Dialects the hook's ops come from.
  virtual void getDependentDialects(DialectRegistry &registry) const = 0;

  /// Lane `lane`'s fragment of A: rows [row0, row0 + m), k [k0, k0 + k) of
  /// `tile`.
  virtual Value loadA(OpBuilder &b, Location loc, Value tile, unsigned ld,
                      Value lane, Value row0, Value k0) const = 0;
  /// Lane `lane`'s fragment of B: cols [col0, col0 + n), k [k0, k0 + k).
  virtual Value loadB(OpBuilder &b, Location loc, Value tile, unsigned ld,
                      Value lane, Value col0, Value k0) const = 0;
  /// Whether loadBKMajor exists: B staged as [k][col] (rows of k, cols
  /// contiguous, `ld` elements apart), which lets the strategy copy a B
  /// whose n is contiguous in memory (a row-major matmul's) straight into
  /// workgroup memory.
  virtual bool loadsBKMajor() const { return false; }
  /// Lane `lane`'s fragment of B, cols [col0, col0 + n), k [k0, k0 + k),
  /// from a [k][col] tile.
  virtual Value loadBKMajor(OpBuilder &b, Location loc, Value tile,
                            unsigned ld, Value lane, Value col0,
                            Value k0) const;
  /// An accumulator of zeros.
  virtual Value zero(OpBuilder &b, Location loc) const = 0;
  /// a * b + c on fragments.
  virtual Value multiplyAccumulate(OpBuilder &b, Location loc, Value a,
                                   Value bFragment, Value c) const = 0;
  /// The number of D's elements each lane holds.
  virtual unsigned accumulatorElements() const = 0;
  /// Element `i` of lane `lane`'s accumulator `acc`, and its row and col in
  /// the m x n tile.
  virtual Value accumulatorElement(OpBuilder &b, Location loc, Value acc,
                                   Value lane, unsigned i, Value &row,
                                   Value &col) const = 0;

  /// Asynchronous copies from global to workgroup memory (cp.async), which
  /// let the strategy stage the next step's tiles while this step's
  /// multiply. A target without them keeps the defaults: the strategy
  /// then moves elements through registers.
  ///
  /// Whether one copy can move `bytes` bytes (a power of two, at most 16;
  /// the source and the destination are aligned to it).
  virtual bool hasAsyncCopy(unsigned bytes) const { return false; }
  /// Starts copying `elements` elements from `src[srcIndex]` (a 1-D buffer
  /// in global memory of the operand type) to `dst[dstIndex]` (a staged
  /// tile): the first `valid` (0 to `elements`) are read, the rest written
  /// as zeros. Returns what commitAsync groups (null when nothing needs
  /// to).
  virtual Value copyAsync(OpBuilder &b, Location loc, Value dst,
                          Value dstIndex, Value src, Value srcIndex,
                          unsigned elements, Value valid) const;
  /// Closes the group of the copies started since the last one; returns
  /// what waitAsync waits on (null when nothing needs to).
  virtual Value commitAsync(OpBuilder &b, Location loc,
                            ValueRange copies) const;
  /// Waits until at most `pending` of this invocation's groups, the last
  /// one `group`, are still copying. Other invocations' copies are
  /// visible after a barrier that follows.
  virtual void waitAsync(OpBuilder &b, Location loc, Value group,
                         unsigned pending) const;

  /// The instruction's shape and the lanes that execute it.
  const unsigned m, n, k, subgroupSize;

protected:
  MatrixOp(unsigned m, unsigned n, unsigned k, unsigned subgroupSize)
      : m(m), n(n), k(k), subgroupSize(subgroupSize) {}
};

/// Makes `op` known by its name (a second registration of a name is
/// ignored: targets register theirs each time they are created).
void registerMatrixOp(std::unique_ptr<MatrixOp> op);
/// The registered op named `name`, or null.
const MatrixOp *lookupMatrixOp(StringRef name);
/// "emulated_f16_4x4x4" (EmulatedMatrixOps.cpp): plain loads and FMAs that
/// run the matrix strategy on any device, for tests.
void registerEmulatedMatrixOps();

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_GPU_MATRIXOPS_H
