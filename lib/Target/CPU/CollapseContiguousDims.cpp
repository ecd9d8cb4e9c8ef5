//===- CollapseContiguousDims.cpp - one loop over contiguous trailing dims ===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Merges the trailing loops of a linalg op on buffers into one where every
// operand holds them contiguously (Passes.td says why).
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_COLLAPSECONTIGUOUSDIMSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// An operand as the collapse sees it: its map without the constant-0
/// results of unit dims (a [1, C, 1, 1] scale read as (n, c, 0, 0)), and
/// the view of its buffer without those dims.
struct Operand {
  AffineMap map;
  MemRefType type;                          // null: not a buffer
  SmallVector<ReassociationIndices> drop;   // groups that drop the unit
                                            // dims (empty: none to drop)
};

/// `operand` without its constant unit dims, or nullopt when its map has
/// other non-dim results.
std::optional<Operand> normalize(linalg::LinalgOp op, OpOperand &operand) {
  Operand o;
  AffineMap map = op.getMatchingIndexingMap(&operand);
  auto type = dyn_cast<MemRefType>(operand.get().getType());
  SmallVector<AffineExpr> kept;
  SmallVector<unsigned> keptPos;
  bool dropsAny = false;
  for (unsigned r = 0; r < map.getNumResults(); ++r) {
    AffineExpr e = map.getResult(r);
    if (isa<AffineDimExpr>(e)) {
      kept.push_back(e);
      keptPos.push_back(r);
      continue;
    }
    auto c = dyn_cast<AffineConstantExpr>(e);
    if (!c || c.getValue() != 0 || !type || type.getDimSize(r) != 1)
      return std::nullopt;
    dropsAny = true;
  }
  o.map = AffineMap::get(map.getNumDims(), 0, kept, op.getContext());
  if (!o.map.isProjectedPermutation())
    return std::nullopt;
  if (!type)
    return o;
  o.type = type;
  if (!dropsAny)
    return o;
  // Each dropped unit dim joins the kept dim before it (or the first one).
  if (kept.empty())
    return std::nullopt;
  for (unsigned k = 0; k < keptPos.size(); ++k) {
    unsigned from = k == 0 ? 0 : keptPos[k];
    unsigned to = k + 1 < keptPos.size() ? keptPos[k + 1]
                                         : map.getNumResults();
    ReassociationIndices g;
    for (unsigned r = from; r < to; ++r)
      g.push_back(r);
    o.drop.push_back(g);
  }
  if (!memref::CollapseShapeOp::isGuaranteedCollapsible(type, o.drop))
    return std::nullopt;
  o.type = memref::CollapseShapeOp::computeCollapsedType(type, o.drop);
  return o;
}

/// True when each buffer operand can be viewed with the loops `dims`
/// (consecutive, in order in every map) as one dim.
bool operandsCollapse(ArrayRef<Operand> operands,
                      ReassociationIndicesRef dims) {
  for (const Operand &o : operands) {
    if (!o.type)
      continue;
    // The result position that holds the first dim (none: broadcast).
    std::optional<unsigned> first;
    for (unsigned r = 0; r < o.map.getNumResults(); ++r)
      if (cast<AffineDimExpr>(o.map.getResult(r)).getPosition() ==
          dims.front())
        first = r;
    if (!first)
      continue;
    SmallVector<ReassociationIndices> groups;
    for (unsigned r = 0; r < o.map.getNumResults();) {
      unsigned len = r == *first ? dims.size() : 1;
      ReassociationIndices g;
      for (unsigned i = 0; i < len; ++i)
        g.push_back(r + i);
      groups.push_back(g);
      r += len;
    }
    if (!memref::CollapseShapeOp::isGuaranteedCollapsible(o.type, groups))
      return false;
  }
  return true;
}

/// The longest run of trailing loops, all of one iterator type and of at
/// least two loops, that every operand holds contiguously; empty if none.
ReassociationIndices trailingRun(linalg::LinalgOp op,
                                 ArrayRef<Operand> operands) {
  unsigned n = op.getNumLoops();
  SmallVector<utils::IteratorType> kinds = op.getIteratorTypesArray();
  SmallVector<AffineMap> maps;
  for (const Operand &o : operands)
    maps.push_back(o.map);
  for (unsigned k = 0; k + 1 < n; ++k) {
    ReassociationIndices dims;
    for (unsigned d = k; d < n; ++d)
      dims.push_back(d);
    if (llvm::any_of(dims, [&](int64_t d) { return kinds[d] != kinds[k]; }))
      continue;
    if (linalg::areDimSequencesPreserved(maps, {dims}) &&
        operandsCollapse(operands, dims))
      return dims;
  }
  return {};
}

struct CollapseContiguousDimsPass
    : public mlir::tangram::impl::CollapseContiguousDimsPassBase<
          CollapseContiguousDimsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      // Contractions and convolutions are the microkernels' (or
      // tg-cpu-interchange-contractions' loops): elementwise ops, copies,
      // transposes, broadcasts and plain reductions only.
      if (op.hasPureBufferSemantics() && op.getNumLoops() >= 2 &&
          (isa<linalg::GenericOp, linalg::TransposeOp, linalg::CopyOp,
               linalg::BroadcastOp, linalg::MapOp, linalg::ElementwiseOp>(
              op.getOperation())))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<Operand> operands;
      bool ok = true;
      for (OpOperand &operand : op->getOpOperands()) {
        std::optional<Operand> o = normalize(op, operand);
        if (!o || (!o->drop.empty() && op.isDpsInit(&operand))) {
          ok = false;
          break;
        }
        operands.push_back(*o);
      }
      if (!ok)
        continue;
      ReassociationIndices dims = trailingRun(op, operands);
      if (dims.empty())
        continue;
      // Named ops (a transpose, a copy, a broadcast) as generics first.
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> g =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(g))
          continue;
        generic = *g;
      }
      // Operands read through constant unit dims: views without them.
      bool dropped = false;
      for (auto [i, o] : llvm::enumerate(operands)) {
        if (o.drop.empty())
          continue;
        rewriter.setInsertionPoint(generic);
        Value view = memref::CollapseShapeOp::create(
            rewriter, generic.getLoc(), generic->getOperand(i), o.drop);
        generic->setOperand(i, view);
        dropped = true;
      }
      if (dropped) {
        SmallVector<AffineMap> maps;
        for (const Operand &o : operands)
          maps.push_back(o.map);
        generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      }
      rewriter.setInsertionPoint(generic);
      FailureOr<linalg::CollapseResult> collapsed =
          linalg::collapseOpIterationDims(generic, {dims}, rewriter);
      if (succeeded(collapsed))
        rewriter.eraseOp(generic);
    }
  }
};
} // namespace
