//===- HoistBroadcastMath.cpp - costly math on fewer loops ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// An elementwise op often computes something costly from operands that do
// not vary along all of its loops: squeeze-and-excitation's
// x[n, c, h, w] * sigmoid(s[n, c]) evaluates the sigmoid (an exp and a
// division) once per pixel. LLVM cannot hoist it out of the pixel loops,
// since it cannot tell that the store to x leaves s alone. This pass can
// (they are different buffers), and computes such a value once per point
// of the loops it depends on, into a small buffer the op then reads.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "CPUTransforms.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallBitVector.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_HOISTBROADCASTMATHPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Ops worth computing once rather than per point: transcendental math and
/// division (tens of cycles per vector where an add takes one).
bool isCostly(Operation *op) {
  return isa<math::MathDialect>(op->getDialect()) || isa<arith::DivFOp>(op);
}

/// What the pass knows about each value of a generic's body: the loops it
/// varies along and whether computing it involves a costly op.
struct BodyInfo {
  DenseMap<Value, llvm::SmallBitVector> dims;
  DenseSet<Value> costly;
};

BodyInfo analyze(linalg::GenericOp op) {
  BodyInfo info;
  unsigned loops = op.getNumLoops();
  Block *body = op.getBody();
  for (OpOperand &operand : op->getOpOperands()) {
    llvm::SmallBitVector used(loops);
    for (AffineExpr e : op.getMatchingIndexingMap(&operand).getResults())
      e.walk([&](AffineExpr sub) {
        if (auto d = dyn_cast<AffineDimExpr>(sub))
          used.set(d.getPosition());
      });
    info.dims[body->getArgument(operand.getOperandNumber())] = used;
  }
  for (Operation &o : body->without_terminator()) {
    llvm::SmallBitVector used(loops);
    if (auto index = dyn_cast<linalg::IndexOp>(o))
      used.set(index.getDim());
    bool costly = isCostly(&o);
    for (Value v : o.getOperands()) {
      auto it = info.dims.find(v);
      if (it != info.dims.end())
        used |= it->second;
      costly |= info.costly.contains(v);
    }
    for (Value r : o.getResults()) {
      info.dims[r] = used;
      if (costly)
        info.costly.insert(r);
    }
  }
  return info;
}

SmallVector<Operation *> slice(Value v, Block *body);

/// A value of the body worth hoisting: costly, computed by ops of the body
/// from fewer loops than all (a loop of size 1 does not count), and used by
/// an op that varies along more of them.
Value findHoistable(linalg::GenericOp op, const BodyInfo &info) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  Block *body = op.getBody();
  for (Operation &o : body->without_terminator()) {
    if (o.getNumResults() != 1 || !info.costly.contains(o.getResult(0)))
      continue;
    Value v = o.getResult(0);
    const llvm::SmallBitVector &dims = info.dims.lookup(v);
    bool fewer = false;
    for (unsigned d = 0; d < ranges.size(); ++d)
      if (!dims.test(d) && ranges[d] != 1)
        fewer = true;
    bool staticDims = llvm::all_of(dims.set_bits(), [&](unsigned d) {
      return !ShapedType::isDynamic(ranges[d]);
    });
    if (!fewer || !staticDims || !v.getType().isIntOrFloat())
      continue;
    // Computed by scalar arith and math alone (not loop indices).
    if (!llvm::all_of(slice(v, body), [](Operation *s) {
          return isa<arith::ArithDialect, math::MathDialect>(s->getDialect()) &&
                 s->getNumRegions() == 0;
        }))
      continue;
    for (Operation *user : v.getUsers()) {
      Value out = user->getNumResults() == 1 ? user->getResult(0) : Value();
      bool widens = isa<linalg::YieldOp>(user) ||
                    (out && (info.dims.lookup(out) | dims) != dims);
      if (widens)
        return v;
    }
  }
  return {};
}

/// The ops of the body that compute `v`, in order.
SmallVector<Operation *> slice(Value v, Block *body) {
  llvm::SetVector<Operation *> ops;
  SmallVector<Value> work{v};
  while (!work.empty()) {
    Value w = work.pop_back_val();
    Operation *def = w.getDefiningOp();
    if (!def || def->getBlock() != body || !ops.insert(def))
      continue;
    for (Value operand : def->getOperands())
      work.push_back(operand);
  }
  SmallVector<Operation *> ordered(ops.begin(), ops.end());
  llvm::sort(ordered, [](Operation *a, Operation *b) {
    return a->isBeforeInBlock(b);
  });
  return ordered;
}

/// Computes `v` over the loops it depends on into a new buffer, and
/// rebuilds `op` to read it there. Returns the new op.
linalg::GenericOp hoist(linalg::GenericOp op, Value v, const BodyInfo &info) {
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  Block *body = op.getBody();
  const llvm::SmallBitVector &dims = info.dims.lookup(v);
  SmallVector<unsigned> kept(dims.set_bits_begin(), dims.set_bits_end());
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> shape;
  // Loop d of the op is loop position[d] of the new one (the others do
  // not occur in what the new op reads).
  SmallVector<AffineExpr> position(op.getNumLoops(),
                                   getAffineConstantExpr(0, ctx));
  for (unsigned d : kept) {
    position[d] = getAffineDimExpr(shape.size(), ctx);
    shape.push_back(ranges[d]);
  }
  OpBuilder b(op);
  Value buffer =
      memref::AllocOp::create(b, loc, MemRefType::get(shape, v.getType()));

  // The new op: the inputs `v` reads, over the kept loops.
  SmallVector<Operation *> ops = slice(v, body);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<BlockArgument> args;
  for (OpOperand *in : op.getDpsInputOperands()) {
    BlockArgument arg = body->getArgument(in->getOperandNumber());
    bool read = llvm::any_of(ops, [&](Operation *o) {
      return llvm::is_contained(o->getOperands(), arg);
    });
    if (!read)
      continue;
    AffineMap map = op.getMatchingIndexingMap(in).replaceDimsAndSymbols(
        position, {}, kept.size(), 0);
    inputs.push_back(in->get());
    maps.push_back(map);
    args.push_back(arg);
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(kept.size(), ctx));
  SmallVector<utils::IteratorType> parallel(kept.size(),
                                            utils::IteratorType::parallel);
  linalg::GenericOp::create(
      b, loc, TypeRange{}, inputs, ValueRange{buffer}, maps, parallel,
      [&](OpBuilder &nb, Location nloc, ValueRange blockArgs) {
        IRMapping mapping;
        for (auto [arg, newArg] : llvm::zip(args, blockArgs))
          mapping.map(arg, newArg);
        for (Operation *o : ops)
          nb.clone(*o, mapping);
        linalg::YieldOp::create(nb, nloc, mapping.lookup(v));
      });

  // The op, with the buffer as one more input in place of `v`.
  SmallVector<Value> newInputs(op.getDpsInputs());
  newInputs.push_back(buffer);
  SmallVector<AffineMap> newMaps;
  for (OpOperand *in : op.getDpsInputOperands())
    newMaps.push_back(op.getMatchingIndexingMap(in));
  SmallVector<AffineExpr> projection;
  for (unsigned d : kept)
    projection.push_back(getAffineDimExpr(d, ctx));
  newMaps.push_back(AffineMap::get(op.getNumLoops(), 0, projection, ctx));
  for (OpOperand &init : op.getDpsInitsMutable())
    newMaps.push_back(op.getMatchingIndexingMap(&init));
  unsigned numInputs = op.getNumDpsInputs();
  auto rebuilt = linalg::GenericOp::create(
      b, loc, TypeRange{}, newInputs, op.getDpsInits(), newMaps,
      op.getIteratorTypesArray(),
      [&](OpBuilder &nb, Location nloc, ValueRange blockArgs) {
        IRMapping mapping;
        for (unsigned i = 0; i < numInputs; ++i)
          mapping.map(body->getArgument(i), blockArgs[i]);
        for (unsigned i = 0; i < op.getNumDpsInits(); ++i)
          mapping.map(body->getArgument(numInputs + i),
                      blockArgs[numInputs + 1 + i]);
        mapping.map(v, blockArgs[numInputs]);
        for (Operation &o : body->without_terminator())
          if (&o != v.getDefiningOp())
            nb.clone(o, mapping);
        SmallVector<Value> yielded;
        for (Value y : body->getTerminator()->getOperands())
          yielded.push_back(mapping.lookupOrDefault(y));
        linalg::YieldOp::create(nb, nloc, yielded);
      });
  // The ops only `v` needed are dead now.
  SmallVector<Operation *> bodyOps;
  for (Operation &o : rebuilt.getBody()->without_terminator())
    bodyOps.push_back(&o);
  for (Operation *o : llvm::reverse(bodyOps))
    if (o->use_empty() && isPure(o))
      o->erase();
  b.setInsertionPointAfter(rebuilt);
  memref::DeallocOp::create(b, loc, buffer);
  op->erase();
  return rebuilt;
}

struct HoistBroadcastMathPass
    : public mlir::tangram::impl::HoistBroadcastMathPassBase<
          HoistBroadcastMathPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.hasPureBufferSemantics() &&
          op.getNumLoops() == op.getNumParallelLoops() &&
          op->getParentOfType<linalg::GenericOp>() == nullptr)
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops) {
      // Each round hoists one value; a body has few.
      for (int round = 0; round < 4; ++round) {
        BodyInfo info = analyze(op);
        Value v = findHoistable(op, info);
        if (!v)
          break;
        op = hoist(op, v, info);
      }
    }
  }
};

} // namespace
