//===- GPUFuseRows.cpp - tg-gpu-fuse-rows ---------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "KernelStrategies.h"
#include "LoopMatching.h"
#include "tangram/Target/GPU/Passes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUFUSEROWSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Below this many rows (a static count) an elementwise loop stays a
/// kernel of its own: fused, it would run on one workgroup per row and
/// leave most of a large GPU idle, where alone it spreads over all of it.
constexpr int64_t kMinRowsForElementwise = 64;

/// The first load or store of `base` in `op`.
Operation *firstAccess(Operation *op, Value base) {
  Operation *found = nullptr;
  op->walk([&](Operation *o) {
    Value m = isa<memref::LoadOp>(o)    ? cast<memref::LoadOp>(o).getMemRef()
              : isa<memref::StoreOp>(o) ? cast<memref::StoreOp>(o).getMemRef()
                                        : Value();
    if (m && baseOf(m) == base) {
      found = o;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

/// Whether the first dims of `u` run over `rows`'s points, and the number
/// of rows is not known to be small when `u` has more dims.
bool overRows(scf::ParallelOp rows, scf::ParallelOp u, Sizes &sizes) {
  unsigned n = rows.getNumLoops();
  if (!fromZeroByOne(u) || u.getNumLoops() < n || u.getNumReductions())
    return false;
  int64_t count = 1;
  bool known = true;
  for (unsigned d = 0; d < n; ++d) {
    if (!sizes.same(rows.getUpperBound()[d], u.getUpperBound()[d]))
      return false;
    APInt c;
    if (matchPattern(rows.getUpperBound()[d], m_ConstantInt(&c)))
      count *= c.getSExtValue();
    else
      known = false;
  }
  return u.getNumLoops() == n || !known || count >= kMinRowsForElementwise;
}

/// Whether `rows` only reads `base`, each row its own: `u`, a loop over
/// the same rows and more dims, writes `base` at its points (through one
/// memref, indexed by each of its row induction variables), and every
/// load of `base` in `rows` is through that memref with `rows`'s row
/// induction variables at those indices. Such a phase writes, per row,
/// what earlier phases read of that row (a LayerNorm written over its
/// input); the row program's matcher checks that a barrier lies between.
bool readsOwnRowOnly(scf::ParallelOp rows, scf::ParallelOp u, Value base) {
  memref::StoreOp st;
  u.walk([&](memref::StoreOp s) {
    if (!st && baseOf(s.getMemRef()) == base)
      st = s;
  });
  if (!st || !pointwiseOn(u, st.getMemRef(), st.getIndices()))
    return false;
  unsigned n = rows.getNumLoops();
  SmallVector<std::pair<unsigned, unsigned>> rowAt;
  for (auto [p, idx] : llvm::enumerate(st.getIndices()))
    for (unsigned d = 0; d < n; ++d)
      if (idx == u.getInductionVars()[d])
        rowAt.push_back({p, d});
  if (rowAt.size() != n)
    return false;
  WalkResult r = rows.walk([&](Operation *o) {
    auto ld = dyn_cast<memref::LoadOp>(o);
    for (Value v : o->getOperands()) {
      if (!isa<BaseMemRefType>(v.getType()) || baseOf(v) != base)
        continue;
      if (!ld || v != st.getMemRef())
        return WalkResult::interrupt();
      for (auto [p, d] : rowAt)
        if (ld.getIndices()[p] != rows.getInductionVars()[d])
          return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return !r.wasInterrupted();
}

/// The next loop after `rows` (a row program) that can run as its next
/// phase, per row: a row reduction over the same rows, or an elementwise
/// loop over them and more dims. Each buffer both touch and either
/// writes is read and written by both only at the row's element (so each
/// row's work depends on no other row's), and the loop shares no written
/// buffer with the ops between.
scf::ParallelOp nextPhase(scf::ParallelOp rows, Sizes &sizes) {
  Access between;
  scf::ParallelOp u;
  for (Operation *o = rows->getNextNode(); o; o = o->getNextNode()) {
    if ((u = dyn_cast<scf::ParallelOp>(o)))
      break;
    addAccess(between, o);
  }
  if (!u || !overRows(rows, u, sizes))
    return nullptr;
  unsigned n = rows.getNumLoops();
  if (u.getNumLoops() == n) {
    if (!matchRowReduction(u) || matchContraction(u))
      return nullptr;
  } else {
    for (Operation &o : u.getBody()->without_terminator())
      if (o.getNumRegions() ||
          (!isa<memref::LoadOp, memref::StoreOp>(o) && !isMemoryEffectFree(&o)))
        return nullptr;
  }
  Access a = accessOf(rows), b = accessOf(u);
  if (conflict(b, between))
    return nullptr;
  SmallVector<Value> ivs = u.getInductionVars();
  ValueRange uRows = ValueRange(ivs).take_front(n);
  llvm::SmallPtrSet<Value, 8> shared(a.writes.begin(), a.writes.end());
  shared.insert(b.writes.begin(), b.writes.end());
  for (Value base : shared) {
    bool inRows = a.reads.contains(base) || a.writes.contains(base);
    bool inU = b.reads.contains(base) || b.writes.contains(base);
    if (!inRows || !inU)
      continue;
    if (!a.writes.contains(base) && readsOwnRowOnly(rows, u, base))
      continue;
    // The element of the first access, which must be one row's alone,
    // and the same element at u's point.
    Operation *first = firstAccess(rows, base);
    if (!first)
      return nullptr;
    auto ld = dyn_cast<memref::LoadOp>(first);
    Value m = ld ? ld.getMemRef() : cast<memref::StoreOp>(first).getMemRef();
    ValueRange at = ld ? ld.getIndices()
                       : cast<memref::StoreOp>(first).getIndices();
    if (!isRowElement(at, rows))
      return nullptr;
    IRMapping toU;
    toU.map(rows.getInductionVars(), uRows);
    SmallVector<Value> atU =
        llvm::map_to_vector(at, [&](Value i) { return toU.lookupOrDefault(i); });
    if (!pointwiseOn(rows, m, at) || !pointwiseOn(u, m, atU))
      return nullptr;
  }
  llvm::SetVector<Value> used;
  getUsedValuesDefinedAbove(u.getRegion(), used);
  for (Value v : u.getLowerBound().drop_front(n))
    used.insert(v);
  for (Value v : u.getUpperBound().drop_front(n))
    used.insert(v);
  for (Value v : u.getStep().drop_front(n))
    used.insert(v);
  if (!llvm::all_of(used, [&](Value v) { return hoistBefore(v, rows); }))
    return nullptr;
  return u;
}

/// Copies `u`'s work to the end of each row of `rows`: its body, or (with
/// more dims) a parallel loop over its other dims.
void appendPhase(scf::ParallelOp rows, scf::ParallelOp u) {
  unsigned n = rows.getNumLoops();
  SmallVector<Value> ivs = u.getInductionVars();
  IRMapping m;
  m.map(ValueRange(ivs).take_front(n), rows.getInductionVars());
  OpBuilder b(rows.getBody()->getTerminator());
  if (u.getNumLoops() > n) {
    auto inner = scf::ParallelOp::create(
        b, u.getLoc(), u.getLowerBound().drop_front(n),
        u.getUpperBound().drop_front(n), u.getStep().drop_front(n));
    m.map(ValueRange(ivs).drop_front(n), inner.getInductionVars());
    b.setInsertionPoint(inner.getBody()->getTerminator());
  }
  for (Operation &o : u.getBody()->without_terminator())
    b.clone(o, m);
}

struct GPUFuseRowsPass
    : public mlir::tangram::impl::GPUFuseRowsPassBase<GPUFuseRowsPass> {
  void runOnOperation() override {
    Sizes sizes(getOperation());
    SmallVector<scf::ParallelOp> loops = topLevelLoops(getOperation());
    llvm::SmallPtrSet<Operation *, 8> fused;
    for (scf::ParallelOp rows : loops) {
      // A contraction is the contract strategies' (matmuls stay apart).
      if (fused.contains(rows) || !fromZeroByOne(rows) ||
          !matchRowReduction(rows) || matchContraction(rows))
        continue;
      while (scf::ParallelOp u = nextPhase(rows, sizes)) {
        // Only what the reduce strategy takes as a whole: anything else
        // would run each row in one invocation.
        auto trial = cast<scf::ParallelOp>(OpBuilder(rows).clone(*rows));
        appendPhase(trial, u);
        bool takes = matchRowProgram(trial).has_value();
        trial.erase();
        if (!takes)
          break;
        appendPhase(rows, u);
        fused.insert(u);
        u.erase();
      }
    }
  }
};
} // namespace
