//===- KernelStrategies.h - how a parallel loop becomes a kernel -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tg-gpu-build-kernels picks one strategy per top-level parallel loop:
//   - contract (ContractStrategy.cpp): sums of products of two operands
//     (matmul, batch matmul, convs as implicit GEMM), output tiles per
//     workgroup, operand tiles staged through workgroup memory; on a
//     target's matrix instruction (MatrixContractStrategy.cpp, MatrixOps.h)
//     when one takes the operands, scalar FMAs otherwise;
//   - reduce (ReduceStrategy.cpp): elements folded from rows, one
//     workgroup per row, and the phases after the fold that
//     tg-gpu-fuse-rows moved into the row (softmax's division);
//   - distribute (KernelStrategies.cpp): everything else, a grid-stride
//     loop over the flattened iteration space.
// Each builds the kernel body from a KernelContext; the caller has mapped
// the loop's captured values into the kernel and rewrites its buffer
// accesses afterwards.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_TARGET_GPU_KERNELSTRATEGIES_H
#define TANGRAM_LIB_TARGET_GPU_KERNELSTRATEGIES_H

#include "ProgramBuilder.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::tangram {

/// Part of a parallel loop's iteration space, flattened: per dim its lower
/// bound, trip count and step, and the number of points (program value
/// ids).
struct IterationSpace {
  SmallVector<unsigned> lbs, trips, steps;
  unsigned total = 0;
};

/// What a strategy builds one kernel body with.
struct KernelContext {
  ProgramBuilder &pb;
  ::tangram::KernelDispatch &dispatch;
  /// Program value `id` as a kernel value of type `t` (a constant or a
  /// param, materialized at the kernel's head).
  llvm::function_ref<Value(unsigned, Type)> value;
  /// Values of the host code -> their kernel values (captured buffers map
  /// to placeholders the caller linearizes).
  IRMapping &map;
  /// Invocations per workgroup, and the largest grid.
  unsigned wg, maxGroups;
  /// Workgroup memory a kernel may allocate, and what it may have when
  /// the launch asks for it (dynamic shared memory; >= sharedMemoryBytes).
  unsigned sharedMemoryBytes, maxSharedMemoryBytes;
  /// Reductions the target folds across a subgroup exactly
  /// (gpu.subgroup_reduce); the rest go through workgroup memory.
  ArrayRef<arith::AtomicRMWKind> subgroupReduce;
  /// For a captured buffer (a value of the host) whose last dim is
  /// contiguous: the largest power of two, in elements, that divides the
  /// linear index of every element whose last index it divides (the
  /// view's offset and other strides; 1 when nothing is known). None for
  /// other buffers and for those the kernel reads through a bitcast. What
  /// decides how many elements one copy may move.
  llvm::function_ref<std::optional<int64_t>(Value)> rowAlignment;
  /// The flat binding of captured buffer `buffer` in the kernel and the
  /// linear index of element `indices` in it (kernel values).
  llvm::function_ref<std::pair<Value, Value>(OpBuilder &, Location, Value,
                                             ValueRange)>
      flatElement;
  /// Workgroups the GPU runs at once (GPUDescription::multiprocessors).
  unsigned multiprocessors;

  /// Flattens dims `dims` of `par` (one point when there are none).
  LogicalResult flatten(scf::ParallelOp par, ArrayRef<unsigned> dims,
                        IterationSpace &space);
  /// Adds the dim [lb, ub) by step, values of the host, to `space`.
  LogicalResult addDim(Operation *user, Value lb, Value ub, Value step,
                       IterationSpace &space);
  /// The dims' induction variables at flat point `flat`.
  SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value flat,
                                 const IterationSpace &space);
};

/// 0, 1, ..., the number of dims of `par` - 1.
SmallVector<unsigned> allDims(scf::ParallelOp par);

/// Whether `store` writes `combine(acc, x)` (either operand order), `acc`
/// a load of the element it stores to, used only there, and `combine` a
/// reduction op (addf, maximumf, ...) of the store's block, used only by
/// it: the accumulation of a reduction.
bool matchAccumulation(memref::StoreOp store, memref::LoadOp &acc,
                       Operation *&combine, arith::AtomicRMWKind &kind);

/// A parallel loop's body in parts: an optional first store of a value of
/// the host (what tg-gpu-fold-fills leaves of a fill), the op after it,
/// and the ops after that one (an epilogue tg-gpu-fuse-epilogues moved
/// in).
struct ParallelBody {
  memref::StoreOp init;
  Operation *first = nullptr;
  SmallVector<Operation *> rest;
};
ParallelBody splitBody(scf::ParallelOp par);
/// The value `init` stores when it stores into the element `store`
/// accumulates into; `std::nullopt` when it stores elsewhere (the body is
/// no accumulation then); null when there is no `init`.
std::optional<Value> initialValue(memref::StoreOp init, memref::StoreOp store);

/// distribute: a grid-stride loop of `ctx.wg`-invocation workgroups over
/// the flattened iteration space.
LogicalResult buildDistributed(KernelContext &ctx, OpBuilder &b,
                               scf::ParallelOp par);

/// A parallel loop whose body is one reduction loop that folds values into
/// one element: `out[I] = combine(out[I], x(k))` for k in the loop, x
/// read from one or more operands varying along it (a reduction or softmax
/// row; the contract strategies, tried first, take the contractions).
/// Ops after an accumulation's loop in a parallel loop's body, run per
/// element once it is folded (tg-gpu-fuse-epilogues): pure ops, loads, and
/// stores to other buffers or to the element itself, which they read and
/// write only at the accumulating store's indices.
struct ElementEpilogue {
  SmallVector<Operation *> ops;
  /// Whether the folded element must reach memory: false when the buffer
  /// is scratch that only the loop reads and writes (its epilogue then
  /// reads the value from registers).
  bool storesElement = true;

  /// Whether `ops` (after the loops accumulating by `store` in `par`'s
  /// body) qualify; sets `ops` and `storesElement` when they do. The
  /// store's indices must be values the epilogue sees (`par`'s induction
  /// variables, values of the host) when there are ops.
  bool match(scf::ParallelOp par, memref::StoreOp store,
             ArrayRef<Operation *> after);
  /// Stores `folded` into the element as `store` does (unless it need
  /// not), then clones the ops with `m`, their reads of the element
  /// forwarded from the last value written to it.
  void build(OpBuilder &b, IRMapping &m, memref::StoreOp store,
             Value folded) const;
};

struct RowReduction {
  /// The innermost loop of the reduction, whose body folds; `outer` the
  /// loops around it, outermost first, each holding only the next (a
  /// global average pool's H x W), with bounds of the host.
  scf::ForOp loop;
  SmallVector<scf::ForOp> outer;
  /// The nest's loops, outermost first (`outer` then `loop`).
  SmallVector<scf::ForOp> loops() const {
    SmallVector<scf::ForOp> all = outer;
    all.push_back(loop);
    return all;
  }
  memref::LoadOp acc;
  /// The element's value before the loop when the body stores it first
  /// (a folded fill); null when the loop reads it (`acc`).
  Value init;
  Operation *combine = nullptr;
  memref::StoreOp store;
  arith::AtomicRMWKind kind;
  /// What runs on each element once it is folded (a mean's division).
  ElementEpilogue epilogue;
};
std::optional<RowReduction> matchRowReduction(scf::ParallelOp par);
/// A row reduction in parts of `par`'s body: the store of its initial
/// value (null when the loop reads the element), its loop (the outermost
/// of a nest), and the ops after the loop (its epilogue).
std::optional<RowReduction> matchRowPhase(scf::ParallelOp par,
                                          memref::StoreOp init,
                                          scf::ForOp loop,
                                          ArrayRef<Operation *> after);

/// One step of a row program: a row reduction with its epilogue, or an
/// elementwise loop over the row's points (a parallel loop nested in the
/// row's body).
struct RowPhase {
  std::optional<RowReduction> reduction;
  scf::ParallelOp elementwise;
};
/// A parallel loop over rows whose body runs phases in order, per row
/// (tg-gpu-fuse-rows: softmax's max, sum and division; a plain row
/// reduction is a program of one phase). A buffer an earlier phase writes
/// is written there only at the row's element (`par`'s induction
/// variables, in order), and read or written later only there too: the
/// strategy forwards such elements in registers, never through memory.
struct RowProgram {
  SmallVector<RowPhase> phases;
};
/// Points of a nest of reduction loops below which the reduce strategy
/// leaves it to one invocation per element (distribute): a conv's or
/// pool's window, whose neighbours' windows overlap it, is read best by
/// neighbouring invocations, and a workgroup per element would leave most
/// of its invocations idle.
constexpr int64_t kMinNestedRowPoints = 64;
std::optional<RowProgram> matchRowProgram(scf::ParallelOp par);
/// reduce: one workgroup per row; each reduction phase folded across the
/// workgroup and broadcast to all its invocations, each elementwise phase
/// split over them.
LogicalResult buildRowProgram(KernelContext &ctx, OpBuilder &b,
                              scf::ParallelOp par, const RowProgram &program);

/// A parallel loop whose body is a nest of reduction loops folding
/// products of two operands into one element: the parallel dims split
/// into rows (the dims only the first operand varies with), cols (only
/// the second) and batch (both, or neither).
struct Contraction {
  SmallVector<scf::ForOp> loops;
  memref::LoadOp acc;
  /// As RowReduction::init.
  Value init;
  /// What runs on each element once its sum is folded (a bias, an
  /// activation).
  ElementEpilogue epilogue;
  Operation *combine = nullptr;
  memref::StoreOp store;
  arith::AtomicRMWKind kind;
  SmallVector<unsigned> rowDims, colDims, batchDims;
  /// Values of the innermost body read by the ops that mix both operands:
  /// those of the row side and of the col side (staged in workgroup
  /// memory per tile).
  SmallVector<Value> rowValues, colValues;
  /// The ops that mix them, in order (the last is `combine`).
  SmallVector<Operation *> mixOps;
};
std::optional<Contraction> matchContraction(scf::ParallelOp par);
/// False (nothing built) when the tiles do not fit the workgroup size or
/// workgroup memory; the caller then distributes the loop.
FailureOr<bool> buildContraction(KernelContext &ctx, OpBuilder &b,
                                 scf::ParallelOp par, Contraction c);

/// What both contract strategies share: the contraction's dims flattened
/// into row, col, batch and reduction spaces, the grid-stride loop over
/// the tiles of all batch points, and the fold of a sum into its element.
struct ContractionTiling {
  ContractionTiling(KernelContext &ctx, scf::ParallelOp par,
                    Contraction c, unsigned tileRows,
                    unsigned tileCols)
      : ctx(ctx), par(par), c(c), tileRows(tileRows), tileCols(tileCols) {}
  KernelContext &ctx;
  scf::ParallelOp par;
  Contraction c;
  unsigned tileRows, tileCols;
  IterationSpace rows, cols, batch, red;
  bool flattened = false;

  /// One tile of the loop: the builder at the start of its body, the
  /// body's batch dims mapped, its first row and col, and (kernel values)
  /// the number of rows, cols and reduction points.
  struct Tile {
    OpBuilder b;
    IRMapping map;
    Value row0, col0, numRows, numCols, depth;
  };
  /// Flattens the row, col, batch and reduction spaces (once): what a
  /// strategy may read before it chooses the tile.
  LogicalResult flattenSpaces();
  /// Flattens the spaces, sets the dispatch's grid and opens the tile
  /// loop at `b`.
  FailureOr<Tile> openTileLoop(OpBuilder &b, Location loc);
  /// Maps the body's row (col) dims to flat point `flat`, its reduction
  /// loops to flat reduction point `k`.
  void mapRows(OpBuilder &b, Location loc, IRMapping &m, Value flat);
  void mapCols(OpBuilder &b, Location loc, IRMapping &m, Value flat);
  void mapReduction(OpBuilder &b, Location loc, IRMapping &m, Value k);
  /// Whether row (`isRow`) or col `point` and reduction point `k` are in
  /// the problem.
  Value inProblem(OpBuilder &b, Location loc, const Tile &tile, bool isRow,
                  Value point, Value k);
  /// The tile's mapping with the row (col) dims at `point` and the
  /// reduction loops at `k`: what a staged value is computed with.
  IRMapping mapPoint(OpBuilder &b, Location loc, const Tile &tile, bool isRow,
                     Value point, Value k);
  /// out[r, col] = combine(out[r, col], sum) where (r, col) is in range.
  /// `sum` may be wider than the element: a matrix op's f32 accumulator
  /// for f16 elements is folded in f32 and rounded once.
  void storeElement(OpBuilder &b, Location loc, const Tile &tile, Value r,
                    Value col, Value sum);
  /// With an empty reduction: each element of the tile in range is set to
  /// the contraction's initial value (Contraction::init, which must be
  /// set), the tile's elements split over the `groupSize` invocations.
  void storeInitial(OpBuilder &b, Location loc, const Tile &tile, Value tid,
                    unsigned groupSize);
};

/// Clones the ops of `body` that `v` is computed from (those `m` does not
/// map yet) and returns `v`'s clone.
Value cloneSlice(OpBuilder &b, Value v, IRMapping &m, Block *body);

class MatrixOp;
/// A contraction a target's matrix instruction computes: a sum of
/// products `x * y` (addf of mulf), x the row side's one value and y the
/// col side's, each staged as read before an extension from a narrower
/// float and converted to the instruction's operand type.
struct MatrixContraction {
  const MatrixOp *op = nullptr;
  Value x, y;
};
/// The first of `ops` that computes `c` exactly, or with `precision`
/// ("tf32", "f16", "bf16": f32 operands rounded to it) when it is set.
std::optional<MatrixContraction>
matchMatrixContraction(Contraction c, ArrayRef<const MatrixOp *> ops,
                       StringRef precision);
/// Output tiles per workgroup of 2 x 2 subgroups, each a block of the
/// instruction's tiles; A and B staged in workgroup memory. Sets the
/// workgroup size (`groupSize`). False when the tiles do not fit.
FailureOr<bool> buildMatrixContraction(KernelContext &ctx, OpBuilder &b,
                                       scf::ParallelOp par,
                                       Contraction c,
                                       const MatrixContraction &mc,
                                       unsigned &groupSize);

/// Whether `v` is computed (inside `region`) from `iv`.
bool dependsOn(Value v, Value iv, Region &region);

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_GPU_KERNELSTRATEGIES_H
