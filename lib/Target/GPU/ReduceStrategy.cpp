//===- ReduceStrategy.cpp - one workgroup per reduced element -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Reductions, softmax and norm rows: never one invocation per row. Each
// workgroup folds one output element at a time (a grid-stride loop over
// them). Its invocations fold strided parts of the row, then the partials
// are folded across the workgroup: by gpu.subgroup_reduce and a fold of
// the subgroups' results where the target reduces the combiner exactly
// across a subgroup, by a tree in workgroup memory otherwise.
//
//===----------------------------------------------------------------------===//
#include "KernelStrategies.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::ProgramOp;

std::optional<RowReduction>
mlir::tangram::matchRowReduction(scf::ParallelOp par) {
  ParallelBody parts = splitBody(par);
  memref::StoreOp init = parts.init;
  auto loop = dyn_cast_or_null<scf::ForOp>(parts.first);
  if (!loop || loop.getNumResults())
    return std::nullopt;
  RowReduction r;
  r.loop = loop;
  unsigned varyingBuffers = 0;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (op.getNumRegions())
      return std::nullopt;
    if (auto st = dyn_cast<memref::StoreOp>(op)) {
      if (r.store)
        return std::nullopt;
      r.store = st;
    } else if (auto ld = dyn_cast<memref::LoadOp>(op)) {
      if (llvm::any_of(ld.getIndices(), [&](Value i) {
            return dependsOn(i, loop.getInductionVar(), loop.getRegion());
          }))
        ++varyingBuffers;
    } else if (!isMemoryEffectFree(&op)) {
      return std::nullopt;
    }
  }
  // Two operands that vary with the loop: a contraction (matmul, conv),
  // which the contract strategy is for.
  if (!r.store || varyingBuffers != 1)
    return std::nullopt;
  if (!matchAccumulation(r.store, r.acc, r.combine, r.kind))
    return std::nullopt;
  std::optional<Value> initValue = initialValue(init, r.store);
  if (!initValue)
    return std::nullopt;
  r.init = *initValue;
  if (llvm::any_of(r.store.getIndices(), [&](Value i) {
        return dependsOn(i, loop.getInductionVar(), loop.getRegion());
      }))
    return std::nullopt;
  if (!r.epilogue.match(par, r.store, parts.rest))
    return std::nullopt;
  return r;
}

/// The gpu.subgroup_reduce operation of a combiner.
static std::optional<gpu::AllReduceOperation>
subgroupOperation(arith::AtomicRMWKind kind) {
  using K = arith::AtomicRMWKind;
  using O = gpu::AllReduceOperation;
  switch (kind) {
  case K::addf: case K::addi: return O::ADD;
  case K::mulf: case K::muli: return O::MUL;
  case K::maxs: return O::MAXSI;
  case K::mins: return O::MINSI;
  case K::maxnumf: return O::MAXNUMF;
  case K::minnumf: return O::MINNUMF;
  case K::maximumf: return O::MAXIMUMF;
  case K::minimumf: return O::MINIMUMF;
  default: return std::nullopt;
  }
}

/// Folds the `wg` partials of workgroup memory into `partials[0]`.
static void foldPartials(KernelContext &ctx, OpBuilder &b, Location loc,
                         RowReduction row, Value partials, Value tid,
                         llvm::function_ref<Value(OpBuilder &, Value, Value)>
                             combine) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  // Up to 32 bits: what every target's subgroup operations take (the LLVM
  // targets shuffle 32-bit lanes).
  Type et = cast<MemRefType>(partials.getType()).getElementType();
  if (llvm::is_contained(ctx.subgroupReduce, row.kind) &&
      subgroupOperation(row.kind) && et.getIntOrFloatBitWidth() <= 32) {
    // Each subgroup folds its invocations' partials; its first invocation
    // writes the result to the subgroup's slot, and the first invocation
    // of the workgroup folds the slots (a few: wg / subgroup size).
    Value mine = memref::LoadOp::create(b, loc, partials, tid);
    // Not marked uniform, although every invocation is active: SPIR-V
    // lowers uniform reductions to OpGroup* ops, which need the Groups
    // capability Vulkan lacks.
    Value folded = gpu::SubgroupReduceOp::create(
        b, loc, mine, *subgroupOperation(row.kind), /*uniform=*/false);
    gpu::BarrierOp::create(b, loc);
    Value lane = gpu::LaneIdOp::create(b, loc, /*upperBound=*/nullptr);
    Value sg = gpu::SubgroupIdOp::create(b, loc, /*upperBound=*/nullptr);
    Value first =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, zero);
    auto write = scf::IfOp::create(b, loc, first, /*withElse=*/false);
    {
      OpBuilder tb = write.getThenBodyBuilder();
      memref::StoreOp::create(tb, loc, folded, partials, sg);
    }
    gpu::BarrierOp::create(b, loc);
    Value isFirst =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, zero);
    auto slots = scf::IfOp::create(b, loc, isFirst, /*withElse=*/false);
    {
      OpBuilder tb = slots.getThenBodyBuilder();
      Value one = arith::ConstantIndexOp::create(tb, loc, 1);
      Value n = gpu::NumSubgroupsOp::create(tb, loc, /*upperBound=*/nullptr);
      // Through memory, not iter_args (see buildRowReduction).
      auto loop = scf::ForOp::create(tb, loc, one, n, one);
      OpBuilder lb(loop.getBody()->getTerminator());
      Value acc = memref::LoadOp::create(lb, loc, partials, zero);
      Value x =
          memref::LoadOp::create(lb, loc, partials, loop.getInductionVar());
      memref::StoreOp::create(lb, loc, combine(lb, acc, x), partials, zero);
    }
    return;
  }
  // A tree in workgroup memory.
  gpu::BarrierOp::create(b, loc);
  for (unsigned width = ctx.wg / 2; width >= 1; width /= 2) {
    Value w = arith::ConstantIndexOp::create(b, loc, width);
    Value active =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid, w);
    auto ifOp = scf::IfOp::create(b, loc, active, /*withElse=*/false);
    OpBuilder tb = ifOp.getThenBodyBuilder();
    Value other = arith::AddIOp::create(tb, loc, tid, w);
    Value x = memref::LoadOp::create(tb, loc, partials, tid);
    Value y = memref::LoadOp::create(tb, loc, partials, other);
    memref::StoreOp::create(tb, loc, combine(tb, x, y), partials, tid);
    gpu::BarrierOp::create(b, loc);
  }
}

LogicalResult mlir::tangram::buildRowReduction(KernelContext &ctx,
                                               OpBuilder &b,
                                               scf::ParallelOp par,
                                               RowReduction row) {
  Location loc = par.getLoc();
  IterationSpace space;
  if (failed(ctx.flatten(par, allDims(par), space)))
    return failure();
  ProgramBuilder &pb = ctx.pb;
  ctx.dispatch.grid[0] =
      pb.binary(ProgramOp::MinS, space.total, pb.constant(ctx.maxGroups));
  ctx.dispatch.grid[1] = ctx.dispatch.grid[2] = pb.constant(1);
  Type idx = b.getIndexType();
  Type et = row.acc.getType();
  // Memory space 3 is workgroup memory in every GPU dialect's numbering
  // (NVVM, ROCDL, and the SPIR-V storage class map).
  auto shared = MemRefType::get({(int64_t)ctx.wg}, et, AffineMap(),
                                b.getI64IntegerAttr(3));
  Value partials = memref::AllocOp::create(b, loc, shared);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value gdim = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  auto outputs =
      scf::ForOp::create(b, loc, bid, ctx.value(space.total, idx), gdim);
  OpBuilder ob = OpBuilder::atBlockBegin(outputs.getBody());
  IRMapping &map = ctx.map;
  for (auto [iv, nv] : llvm::zip(
           par.getInductionVars(),
           ctx.delinearize(ob, loc, outputs.getInductionVar(), space)))
    map.map(iv, nv);

  // Each invocation folds k = lb + tid*step, + wg*step, ... into its slot
  // of workgroup memory, starting from the identity. (Not through loop
  // iter_args: MLIR's SCF-to-SPIR-V conversion leaves the result of a loop
  // that runs no iteration undefined instead of its initial value.)
  scf::ForOp red = row.loop;
  Value step = map.lookupOrDefault(red.getStep());
  Value wgValue = arith::ConstantIndexOp::create(ob, loc, ctx.wg);
  Value start = arith::AddIOp::create(
      ob, loc, map.lookupOrDefault(red.getLowerBound()),
      arith::MulIOp::create(ob, loc, tid, step));
  Value identity = arith::getIdentityValue(row.kind, et, ob, loc);
  memref::StoreOp::create(ob, loc, identity, partials, tid);
  auto part = scf::ForOp::create(
      ob, loc, start, map.lookupOrDefault(red.getUpperBound()),
      arith::MulIOp::create(ob, loc, step, wgValue));
  {
    OpBuilder pbld(part.getBody()->getTerminator());
    IRMapping inner = map;
    inner.map(red.getInductionVar(), part.getInductionVar());
    Value mine = memref::LoadOp::create(pbld, loc, partials, tid);
    inner.map(row.acc.getResult(), mine);
    for (Operation &o : red.getBody()->without_terminator()) {
      if (&o == row.acc.getOperation() || &o == row.store.getOperation())
        continue;
      pbld.clone(o, inner);
    }
    memref::StoreOp::create(pbld, loc, inner.lookup(row.combine->getResult(0)),
                            partials, tid);
  }
  auto combine = [&](OpBuilder &cb, Value x, Value y) {
    IRMapping m;
    m.map(row.combine->getOperand(0), x);
    m.map(row.combine->getOperand(1), y);
    return cb.clone(*row.combine, m)->getResult(0);
  };
  foldPartials(ctx, ob, loc, row, partials, tid, combine);
  // The first invocation folds the sum into the element.
  Value zero = arith::ConstantIndexOp::create(ob, loc, 0);
  Value isFirst =
      arith::CmpIOp::create(ob, loc, arith::CmpIPredicate::eq, tid, zero);
  auto last = scf::IfOp::create(ob, loc, isFirst, /*withElse=*/false);
  {
    OpBuilder tb = last.getThenBodyBuilder();
    Value total = memref::LoadOp::create(tb, loc, partials, zero);
    IRMapping m = map;
    Value acc = row.init ? m.lookup(row.init)
                         : tb.clone(*row.acc, m)->getResult(0);
    Value folded = row.combine->getOperand(0) == row.acc.getResult()
                       ? combine(tb, acc, total)
                       : combine(tb, total, acc);
    row.epilogue.build(tb, m, row.store, folded);
  }
  // The partials are reused by the next output.
  gpu::BarrierOp::create(ob, loc);
  return success();
}
