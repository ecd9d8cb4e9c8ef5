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
#include "LoopMatching.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::ProgramOp;

std::optional<RowReduction>
mlir::tangram::matchRowPhase(scf::ParallelOp par, memref::StoreOp init,
                             scf::ForOp loop, ArrayRef<Operation *> after) {
  if (!loop || loop.getNumResults())
    return std::nullopt;
  RowReduction r;
  // A nest: each loop holds only the next, and all their bounds are values
  // of the host (the strategy flattens the nest into one row there).
  auto ofHost = [&](scf::ForOp l) {
    return llvm::none_of(
        ValueRange{l.getLowerBound(), l.getUpperBound(), l.getStep()},
        [&](Value v) {
          return par.getRegion().isAncestor(v.getParentRegion());
        });
  };
  while (ofHost(loop) && loop.getBody()->getOperations().size() == 2) {
    auto inner = dyn_cast<scf::ForOp>(loop.getBody()->front());
    if (!inner || inner.getNumResults() || !ofHost(inner))
      break;
    r.outer.push_back(loop);
    loop = inner;
  }
  r.loop = loop;
  Region &nest = (r.outer.empty() ? loop : r.outer.front()).getRegion();
  auto varies = [&](Value v) {
    return dependsOn(v, loop.getInductionVar(), nest) ||
           llvm::any_of(r.outer, [&](scf::ForOp o) {
             return dependsOn(v, o.getInductionVar(), nest);
           });
  };
  unsigned varyingBuffers = 0;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (op.getNumRegions())
      return std::nullopt;
    if (auto st = dyn_cast<memref::StoreOp>(op)) {
      if (r.store)
        return std::nullopt;
      r.store = st;
    } else if (auto ld = dyn_cast<memref::LoadOp>(op)) {
      if (llvm::any_of(ld.getIndices(), varies))
        ++varyingBuffers;
    } else if (!isMemoryEffectFree(&op)) {
      return std::nullopt;
    }
  }
  // Any number of operands may vary with the loop (a sum of a residual
  // add's two inputs, a matrix-vector product's row and vector): the
  // contract strategies, tried first, take the contractions they tile.
  if (!r.store || !varyingBuffers)
    return std::nullopt;
  if (!matchAccumulation(r.store, r.acc, r.combine, r.kind))
    return std::nullopt;
  std::optional<Value> initValue = initialValue(init, r.store);
  if (!initValue)
    return std::nullopt;
  r.init = *initValue;
  if (llvm::any_of(r.store.getIndices(), varies))
    return std::nullopt;
  if (!r.epilogue.match(par, r.store, after))
    return std::nullopt;
  return r;
}

/// Whether the reduce strategy takes `r`: a single loop always, a nest
/// unless its points are known to be few (kMinNestedRowPoints).
static bool takesAsRow(const RowReduction &r) {
  if (r.outer.empty())
    return true;
  int64_t points = 1;
  for (scf::ForOp l : r.loops()) {
    std::optional<int64_t> lb = getConstantIntValue(l.getLowerBound()),
                           ub = getConstantIntValue(l.getUpperBound()),
                           step = getConstantIntValue(l.getStep());
    if (!lb || !ub || !step || *step <= 0)
      return true;
    points *= std::max<int64_t>(0, llvm::divideCeil(*ub - *lb, *step));
    if (points >= kMinNestedRowPoints)
      return true;
  }
  return false;
}

std::optional<RowReduction>
mlir::tangram::matchRowReduction(scf::ParallelOp par) {
  ParallelBody parts = splitBody(par);
  return matchRowPhase(par, parts.init,
                       dyn_cast_or_null<scf::ForOp>(parts.first), parts.rest);
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

/// Folds the `wg` partials of workgroup memory into `partials[0]`; true
/// when a barrier follows the last write (a tree), false when the first
/// invocation writes last.
static bool foldPartials(KernelContext &ctx, OpBuilder &b, Location loc,
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
      // Through memory, not iter_args (see RowBuilder::reduction).
      auto loop = scf::ForOp::create(tb, loc, one, n, one);
      OpBuilder lb(loop.getBody()->getTerminator());
      Value acc = memref::LoadOp::create(lb, loc, partials, zero);
      Value x =
          memref::LoadOp::create(lb, loc, partials, loop.getInductionVar());
      memref::StoreOp::create(lb, loc, combine(lb, acc, x), partials, zero);
    }
    return false;
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
  return true;
}

/// The indices of a load or store; empty for other ops.
static ValueRange indicesOf(Operation *op) {
  if (auto ld = dyn_cast<memref::LoadOp>(op))
    return ld.getIndices();
  if (auto st = dyn_cast<memref::StoreOp>(op))
    return st.getIndices();
  return {};
}

/// Whether `op` loads or stores an element of `par`'s point alone: its
/// indices are `par`'s induction variables, each once, and values of the
/// host (a unit dim's 0).
static bool atRow(Operation *op, scf::ParallelOp par) {
  if (!isa<memref::LoadOp, memref::StoreOp>(op))
    return false;
  return isRowElement(indicesOf(op), par);
}

/// The memref a load or store accesses, null for other ops.
static Value accessed(Operation *op) {
  if (auto ld = dyn_cast<memref::LoadOp>(op))
    return ld.getMemRef();
  if (auto st = dyn_cast<memref::StoreOp>(op))
    return st.getMemRef();
  return nullptr;
}

std::optional<RowProgram>
mlir::tangram::matchRowProgram(scf::ParallelOp par) {
  RowProgram program;
  SmallVector<Operation *> ops = llvm::map_to_vector(
      par.getBody()->without_terminator(), [](Operation &o) { return &o; });
  auto startsPhase = [&](unsigned i) {
    if (isa<scf::ForOp, scf::ParallelOp>(ops[i]))
      return true;
    auto init = dyn_cast<memref::StoreOp>(ops[i]);
    return init && i + 1 < ops.size() && isa<scf::ForOp>(ops[i + 1]) &&
           !par.getRegion().isAncestor(
               init.getValueToStore().getParentRegion());
  };
  // Buffers earlier phases write: whether only at the row's element, and
  // through which memref.
  struct Written {
    Value memref;
    SmallVector<Value> indices;
    bool rowOnly;
  };
  DenseMap<Value, Written> written;
  llvm::SmallPtrSet<Value, 8> readFromMemory;
  for (unsigned i = 0; i < ops.size();) {
    if (!startsPhase(i))
      return std::nullopt;
    unsigned begin = i, epilogueBegin = 0;
    RowPhase phase;
    if (auto inner = dyn_cast<scf::ParallelOp>(ops[i])) {
      // Its points, split over the invocations, counted by the host.
      if (inner.getNumReductions() ||
          llvm::any_of(inner->getOperands(), [&](Value v) {
            return par.getRegion().isAncestor(v.getParentRegion());
          }))
        return std::nullopt;
      for (Operation &o : inner.getBody()->without_terminator())
        if (o.getNumRegions() ||
            (!isa<memref::LoadOp, memref::StoreOp>(o) &&
             !isMemoryEffectFree(&o)))
          return std::nullopt;
      phase.elementwise = inner;
      ++i;
    } else {
      auto init = dyn_cast<memref::StoreOp>(ops[i]);
      if (init)
        ++i;
      auto loop = cast<scf::ForOp>(ops[i++]);
      epilogueBegin = i;
      SmallVector<Operation *> after;
      while (i < ops.size() && !startsPhase(i))
        after.push_back(ops[i++]);
      phase.reduction = matchRowPhase(par, init, loop, after);
      if (!phase.reduction || !takesAsRow(*phase.reduction))
        return std::nullopt;
    }
    // What earlier phases wrote is read and written here only at the row's
    // element, through the same memref (forwarded in registers); what they
    // read from memory is not written here (another invocation of the
    // workgroup may not have read it yet).
    SmallVector<std::pair<Value, Written>> writes;
    SmallVector<Value> reads;
    for (unsigned j = begin; j < i; ++j) {
      WalkResult r = ops[j]->walk([&](Operation *o) {
        for (Value v : o->getOperands()) {
          if (!isa<BaseMemRefType>(v.getType()))
            continue;
          Value base = baseOf(v);
          auto it = written.find(base);
          if (it == written.end()) {
            if (isa<memref::StoreOp>(o) && readFromMemory.contains(base))
              return WalkResult::interrupt();
            if (isa<memref::LoadOp>(o))
              reads.push_back(base);
            continue;
          }
          if (!it->second.rowOnly || accessed(o) != it->second.memref ||
              indicesOf(o) != ValueRange(it->second.indices))
            return WalkResult::interrupt();
        }
        // An elementwise phase's store is its points' (not forwarded).
        if (auto st = dyn_cast<memref::StoreOp>(o))
          writes.push_back({baseOf(st.getMemRef()),
                            {st.getMemRef(),
                             llvm::to_vector(st.getIndices()),
                             !phase.elementwise && atRow(o, par)}});
        return WalkResult::advance();
      });
      if (r.wasInterrupted())
        return std::nullopt;
    }
    // A reduction's epilogue before other phases runs in every invocation,
    // its stores in the first: each at the row's element, forwarded, and
    // to no buffer the epilogue read from memory (the first invocation
    // could store before another has read it).
    if (phase.reduction && i < ops.size()) {
      Value acc = baseOf(phase.reduction->store.getMemRef());
      llvm::SmallPtrSet<Value, 4> loaded;
      for (Operation *o : phase.reduction->epilogue.ops) {
        if (auto ld = dyn_cast<memref::LoadOp>(o)) {
          Value base = baseOf(ld.getMemRef());
          if (base != acc && !written.count(base))
            loaded.insert(base);
        } else if (auto st = dyn_cast<memref::StoreOp>(o)) {
          if (!atRow(o, par) || loaded.contains(baseOf(st.getMemRef())))
            return std::nullopt;
        }
      }
    }
    for (auto &[base, how] : writes) {
      auto [it, inserted] = written.try_emplace(base, how);
      if (!inserted && (it->second.memref != how.memref ||
                        it->second.indices != how.indices || !how.rowOnly))
        it->second.rowOnly = false;
    }
    readFromMemory.insert(reads.begin(), reads.end());
    // A reduction with phases after it ends in a barrier that every
    // invocation reaches once its loads, and those of the phases before,
    // are done: from then on only its epilogue's loads (after the
    // barrier) may still be pending, so later phases may write what the
    // rest read (a LayerNorm writing its output over its input row).
    if (phase.reduction && i < ops.size()) {
      readFromMemory.clear();
      for (unsigned j = epilogueBegin; j < i; ++j)
        ops[j]->walk([&](memref::LoadOp ld) {
          if (!written.count(baseOf(ld.getMemRef())))
            readFromMemory.insert(baseOf(ld.getMemRef()));
        });
    }
    program.phases.push_back(std::move(phase));
  }
  if (program.phases.empty() || !program.phases.front().reduction)
    return std::nullopt;
  return program;
}

/// Whether `memref` views an allocation only `par` uses (or frees):
/// scratch whose elements need not reach memory once forwarded.
static bool isScratch(Value memref, scf::ParallelOp par) {
  auto alloc = baseOf(memref).getDefiningOp<memref::AllocOp>();
  return alloc && llvm::all_of(alloc->getUsers(), [&](Operation *u) {
           return isa<memref::DeallocOp>(u) || par->isAncestor(u);
         });
}

namespace {
/// Builds one row's phases: clones their ops with the elements earlier
/// phases stored at the row forwarded from registers.
struct RowBuilder {
  RowBuilder(KernelContext &ctx, scf::ParallelOp par, Location loc, Value tid)
      : ctx(ctx), par(par), loc(loc), tid(tid) {}
  KernelContext &ctx;
  scf::ParallelOp par;
  Location loc;
  Value tid;
  /// Memref (of the host code) -> the indices of its row element and the
  /// element's value.
  DenseMap<Value, std::pair<SmallVector<Value>, Value>> forwarded;
  /// Workgroup memory for the partials, one buffer per element type.
  DenseMap<Type, Value> partials;

  /// Clones `o` with `m`: a load of a forwarded element becomes its value;
  /// a store at the row's element is forwarded (unless `forwardStores` is
  /// false: an elementwise phase's stores are its points'), and reaches
  /// memory (from the first invocation alone when `firstOnly`) unless the
  /// buffer is scratch.
  void clone(OpBuilder &b, Operation &o, IRMapping &m, bool firstOnly,
             bool forwardStores = true) {
    if (auto ld = dyn_cast<memref::LoadOp>(o)) {
      auto it = forwarded.find(ld.getMemRef());
      if (it != forwarded.end() &&
          ld.getIndices() == ValueRange(it->second.first)) {
        m.map(ld.getResult(), it->second.second);
        return;
      }
    }
    auto st = dyn_cast<memref::StoreOp>(o);
    if (!st || !forwardStores || !atRow(st, par)) {
      b.clone(o, m);
      return;
    }
    forwarded[st.getMemRef()] = {llvm::to_vector(st.getIndices()),
                                 m.lookupOrDefault(st.getValueToStore())};
    if (isScratch(st.getMemRef(), par))
      return;
    if (!firstOnly) {
      b.clone(o, m);
      return;
    }
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value isFirst =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, zero);
    auto first = scf::IfOp::create(b, loc, isFirst, /*withElse=*/false);
    OpBuilder tb = first.getThenBodyBuilder();
    tb.clone(o, m);
  }

  /// A reduction phase: each invocation folds strided parts of the row
  /// into its slot, the slots are folded across the workgroup, and the
  /// element (and its epilogue) is computed by the first invocation when
  /// nothing follows, by every invocation otherwise.
  LogicalResult reduction(OpBuilder &b, RowReduction row, bool last) {
    IRMapping &map = ctx.map;
    Type et = row.acc.getType();
    Value &slots = partials[et];
    if (!slots) {
      // Memory space 3 is workgroup memory in every GPU dialect's
      // numbering (NVVM, ROCDL, and the SPIR-V storage class map).
      auto shared = MemRefType::get({(int64_t)ctx.wg}, et, AffineMap(),
                                    b.getI64IntegerAttr(3));
      OpBuilder ab(b.getInsertionBlock()->getParentOp());
      slots = memref::AllocOp::create(ab, loc, shared);
    }
    // Each invocation folds k = lb + tid*step, + wg*step, ... into its
    // slot, starting from the identity. (Not through loop iter_args:
    // MLIR's SCF-to-SPIR-V conversion leaves the result of a loop that
    // runs no iteration undefined instead of its initial value.)
    // A nest's points are flattened into one row (counted on the host):
    // k = tid, tid + wg, ... over all of them, delinearized into its loops'
    // induction variables.
    scf::ForOp red = row.loop;
    Value wgValue = arith::ConstantIndexOp::create(b, loc, ctx.wg);
    Value identity = arith::getIdentityValue(row.kind, et, b, loc);
    memref::StoreOp::create(b, loc, identity, slots, tid);
    scf::ForOp part;
    IterationSpace nest;
    if (row.outer.empty()) {
      Value step = map.lookupOrDefault(red.getStep());
      Value start = arith::AddIOp::create(
          b, loc, map.lookupOrDefault(red.getLowerBound()),
          arith::MulIOp::create(b, loc, tid, step));
      part = scf::ForOp::create(b, loc, start,
                                map.lookupOrDefault(red.getUpperBound()),
                                arith::MulIOp::create(b, loc, step, wgValue));
    } else {
      for (scf::ForOp l : row.loops())
        if (failed(ctx.addDim(l, l.getLowerBound(), l.getUpperBound(),
                              l.getStep(), nest)))
          return failure();
      part = scf::ForOp::create(
          b, loc, tid, ctx.value(nest.total, b.getIndexType()), wgValue);
    }
    {
      OpBuilder pbld(part.getBody()->getTerminator());
      IRMapping inner = map;
      if (row.outer.empty()) {
        inner.map(red.getInductionVar(), part.getInductionVar());
      } else {
        SmallVector<Value> ivs =
            ctx.delinearize(pbld, loc, part.getInductionVar(), nest);
        for (auto [l, iv] : llvm::zip(row.outer, ivs))
          inner.map(l.getInductionVar(), iv);
        inner.map(red.getInductionVar(), ivs.back());
      }
      Value mine = memref::LoadOp::create(pbld, loc, slots, tid);
      inner.map(row.acc.getResult(), mine);
      for (Operation &o : red.getBody()->without_terminator()) {
        if (&o == row.acc.getOperation() || &o == row.store.getOperation())
          continue;
        clone(pbld, o, inner, /*firstOnly=*/false);
      }
      memref::StoreOp::create(
          pbld, loc, inner.lookup(row.combine->getResult(0)), slots, tid);
    }
    auto combine = [&](OpBuilder &cb, Value x, Value y) {
      IRMapping m;
      m.map(row.combine->getOperand(0), x);
      m.map(row.combine->getOperand(1), y);
      return cb.clone(*row.combine, m)->getResult(0);
    };
    bool fenced = foldPartials(ctx, b, loc, row, slots, tid, combine);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    // The element: its value before the loop folded with the sum.
    auto fold = [&](OpBuilder &fb, IRMapping &m) {
      Value total = memref::LoadOp::create(fb, loc, slots, zero);
      Value acc = row.init ? m.lookup(row.init) : Value();
      if (!acc) {
        auto it = forwarded.find(row.acc.getMemRef());
        acc = it != forwarded.end() &&
                      row.acc.getIndices() == ValueRange(it->second.first)
                  ? it->second.second
                  : fb.clone(*row.acc, m)->getResult(0);
      }
      return row.combine->getOperand(0) == row.acc.getResult()
                 ? combine(fb, acc, total)
                 : combine(fb, total, acc);
    };
    auto epilogue = [&](OpBuilder &eb, IRMapping &m, Value folded,
                        bool firstOnly) {
      m.map(row.store.getValueToStore(), folded);
      clone(eb, *row.store, m, firstOnly);
      for (Operation *o : row.epilogue.ops)
        clone(eb, *o, m, firstOnly);
    };
    if (last) {
      // The first invocation folds the sum into the element.
      Value isFirst =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, zero);
      auto first = scf::IfOp::create(b, loc, isFirst, /*withElse=*/false);
      OpBuilder tb = first.getThenBodyBuilder();
      IRMapping m = map;
      epilogue(tb, m, fold(tb, m), /*firstOnly=*/false);
      return success();
    }
    // Every invocation reads the sum once the fold is done, before the
    // slots are written again.
    if (!fenced)
      gpu::BarrierOp::create(b, loc);
    Value folded = fold(b, map);
    gpu::BarrierOp::create(b, loc);
    epilogue(b, map, folded, /*firstOnly=*/true);
    return success();
  }

  /// An elementwise phase: its points split over the invocations.
  LogicalResult elementwise(OpBuilder &b, scf::ParallelOp inner) {
    IterationSpace space;
    if (failed(ctx.flatten(inner, allDims(inner), space)))
      return failure();
    Value wgValue = arith::ConstantIndexOp::create(b, loc, ctx.wg);
    auto points = scf::ForOp::create(
        b, loc, tid, ctx.value(space.total, b.getIndexType()), wgValue);
    OpBuilder lb = OpBuilder::atBlockBegin(points.getBody());
    IRMapping m = ctx.map;
    for (auto [iv, nv] :
         llvm::zip(inner.getInductionVars(),
                   ctx.delinearize(lb, loc, points.getInductionVar(), space)))
      m.map(iv, nv);
    for (Operation &o : inner.getBody()->without_terminator())
      clone(lb, o, m, /*firstOnly=*/false, /*forwardStores=*/false);
    return success();
  }
};
} // namespace

LogicalResult mlir::tangram::buildRowProgram(KernelContext &ctx,
                                             OpBuilder &b,
                                             scf::ParallelOp par,
                                             const RowProgram &program) {
  Location loc = par.getLoc();
  IterationSpace space;
  if (failed(ctx.flatten(par, allDims(par), space)))
    return failure();
  ProgramBuilder &pb = ctx.pb;
  ctx.dispatch.grid[0] =
      pb.binary(ProgramOp::MinS, space.total, pb.constant(ctx.maxGroups));
  ctx.dispatch.grid[1] = ctx.dispatch.grid[2] = pb.constant(1);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value gdim = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  RowBuilder rb(ctx, par, loc, tid);
  // Workgroup memory is allocated before the loop over rows.
  auto rows = scf::ForOp::create(
      b, loc, bid, ctx.value(space.total, b.getIndexType()), gdim);
  OpBuilder ob = OpBuilder::atBlockBegin(rows.getBody());
  for (auto [iv, nv] : llvm::zip(
           par.getInductionVars(),
           ctx.delinearize(ob, loc, rows.getInductionVar(), space)))
    ctx.map.map(iv, nv);
  for (auto [i, phase] : llvm::enumerate(program.phases)) {
    if (failed(phase.reduction
                   ? rb.reduction(ob, *phase.reduction,
                                  i + 1 == program.phases.size())
                   : rb.elementwise(ob, phase.elementwise)))
      return failure();
  }
  // The slots are reused by the next row.
  gpu::BarrierOp::create(ob, loc);
  return success();
}
