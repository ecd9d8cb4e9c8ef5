//===- KernelStrategies.cpp - iteration spaces and the distribute strategy ===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "KernelStrategies.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::ProgramOp;

LogicalResult KernelContext::addDim(Operation *user, Value lb, Value ub,
                                    Value step, IterationSpace &space) {
  std::optional<unsigned> l = pb.lookup(lb), u = pb.lookup(ub),
                          s = pb.lookup(step);
  if (!l || !u || !s)
    return user->emitError("a kernel needs a value the GPU program cannot "
                           "compute on the host");
  if (space.lbs.empty())
    space.total = pb.constant(1);
  space.lbs.push_back(*l);
  space.steps.push_back(*s);
  space.trips.push_back(
      pb.binary(ProgramOp::CeilDiv, pb.binary(ProgramOp::Sub, *u, *l), *s));
  space.total = pb.binary(ProgramOp::Mul, space.total, space.trips.back());
  return success();
}

LogicalResult KernelContext::flatten(scf::ParallelOp par,
                                     ArrayRef<unsigned> dims,
                                     IterationSpace &space) {
  space.total = pb.constant(1);
  for (unsigned d : dims)
    if (failed(addDim(par, par.getLowerBound()[d], par.getUpperBound()[d],
                      par.getStep()[d], space)))
      return failure();
  return success();
}

SmallVector<Value> KernelContext::delinearize(OpBuilder &b, Location loc,
                                              Value flat,
                                              const IterationSpace &space) {
  Type idx = b.getIndexType();
  SmallVector<Value> ivs(space.lbs.size());
  Value rest = flat;
  for (int k = (int)space.lbs.size() - 1; k >= 0; --k) {
    Value trip = value(space.trips[k], idx);
    Value i =
        k == 0 ? rest : (Value)arith::RemSIOp::create(b, loc, rest, trip);
    if (k)
      rest = arith::DivSIOp::create(b, loc, rest, trip);
    ivs[k] = arith::AddIOp::create(
        b, loc, value(space.lbs[k], idx),
        arith::MulIOp::create(b, loc, i, value(space.steps[k], idx)));
  }
  return ivs;
}

SmallVector<unsigned> mlir::tangram::allDims(scf::ParallelOp par) {
  return llvm::to_vector(llvm::seq<unsigned>(0, par.getNumLoops()));
}

/// How a reduction op folds, if it is one.
static std::optional<arith::AtomicRMWKind> combinerKind(Operation *op) {
  using K = arith::AtomicRMWKind;
  return llvm::TypeSwitch<Operation *, std::optional<K>>(op)
      .Case<arith::AddFOp>([](auto) { return K::addf; })
      .Case<arith::MulFOp>([](auto) { return K::mulf; })
      .Case<arith::MaximumFOp>([](auto) { return K::maximumf; })
      .Case<arith::MinimumFOp>([](auto) { return K::minimumf; })
      .Case<arith::MaxNumFOp>([](auto) { return K::maxnumf; })
      .Case<arith::MinNumFOp>([](auto) { return K::minnumf; })
      .Case<arith::AddIOp>([](auto) { return K::addi; })
      .Case<arith::MulIOp>([](auto) { return K::muli; })
      .Case<arith::MaxSIOp>([](auto) { return K::maxs; })
      .Case<arith::MinSIOp>([](auto) { return K::mins; })
      .Default([](Operation *) { return std::nullopt; });
}

bool mlir::tangram::matchAccumulation(memref::StoreOp store,
                                      memref::LoadOp &acc,
                                      Operation *&combine,
                                      arith::AtomicRMWKind &kind) {
  combine = store.getValueToStore().getDefiningOp();
  if (!combine || !combine->hasOneUse() ||
      combine->getBlock() != store->getBlock())
    return false;
  std::optional<arith::AtomicRMWKind> k = combinerKind(combine);
  if (!k)
    return false;
  kind = *k;
  acc = nullptr;
  for (Value o : combine->getOperands()) {
    auto ld = o.getDefiningOp<memref::LoadOp>();
    if (ld && ld.getMemRef() == store.getMemRef() &&
        ld.getIndices() == store.getIndices() && ld->hasOneUse())
      acc = ld;
  }
  return (bool)acc;
}

ParallelBody mlir::tangram::splitBody(scf::ParallelOp par) {
  ParallelBody parts;
  Block *body = par.getBody();
  if (body->without_terminator().empty())
    return parts;
  Operation *op = &body->front();
  auto init = dyn_cast<memref::StoreOp>(op);
  if (init && op->getNextNode() != body->getTerminator() &&
      !par.getRegion().isAncestor(init.getValueToStore().getParentRegion())) {
    parts.init = init;
    op = op->getNextNode();
  }
  parts.first = op;
  for (op = op->getNextNode(); op != body->getTerminator();
       op = op->getNextNode())
    parts.rest.push_back(op);
  return parts;
}

std::optional<Value> mlir::tangram::initialValue(memref::StoreOp init,
                                                 memref::StoreOp store) {
  if (!init)
    return Value();
  if (init.getMemRef() != store.getMemRef() ||
      init.getIndices() != store.getIndices())
    return std::nullopt;
  return init.getValueToStore();
}

bool mlir::tangram::dependsOn(Value v, Value iv, Region &region) {
  SmallVector<Value> work = {v};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Value x = work.pop_back_val();
    if (x == iv)
      return true;
    Operation *d = x.getDefiningOp();
    if (!d || !region.isAncestor(d->getParentRegion()) ||
        !seen.insert(d).second)
      continue;
    work.append(d->operand_begin(), d->operand_end());
  }
  return false;
}

LogicalResult mlir::tangram::buildDistributed(KernelContext &ctx,
                                              OpBuilder &b,
                                              scf::ParallelOp par) {
  Location loc = par.getLoc();
  IterationSpace space;
  if (failed(ctx.flatten(par, allDims(par), space)))
    return failure();
  ProgramBuilder &pb = ctx.pb;
  ctx.dispatch.grid[0] = pb.binary(
      ProgramOp::MinS,
      pb.binary(ProgramOp::CeilDiv, space.total, pb.constant(ctx.wg)),
      pb.constant(ctx.maxGroups));
  ctx.dispatch.grid[1] = ctx.dispatch.grid[2] = pb.constant(1);
  Type idx = b.getIndexType();
  Value wgSize = arith::ConstantIndexOp::create(b, loc, ctx.wg);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value gdim = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  Value first = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, bid, wgSize), tid);
  Value stride = arith::MulIOp::create(b, loc, gdim, wgSize);
  auto loop = scf::ForOp::create(b, loc, first, ctx.value(space.total, idx),
                                 stride);
  OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
  for (auto [iv, nv] :
       llvm::zip(par.getInductionVars(),
                 ctx.delinearize(lb, loc, loop.getInductionVar(), space)))
    ctx.map.map(iv, nv);
  for (Operation &o : par.getBody()->without_terminator())
    lb.clone(o, ctx.map);
  return success();
}
