//===- ParallelizeLoops.cpp - outer parallel loops on the thread pool -----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Elementwise ops, pooling, padding copies and reductions over inner dims
// all lower to loop nests whose outer loops are parallel. Running those on
// the runtime's threads is the CPU analogue of a GPU grid: the loop body over
// a chunk of the first dimension becomes a function, and the loop becomes a
// call that the backend turns into a parallel-for (ParallelLaunch.cpp).
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_PARALLELIZELOOPSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// A large stand-in for trip counts unknown at compile time.
constexpr int64_t kUnknownTrips = 1024;

int64_t saturatingMul(int64_t a, int64_t b) {
  if (a != 0 && b > INT64_MAX / a)
    return INT64_MAX;
  return a * b;
}

int64_t tripCount(Value lb, Value ub, Value step) {
  auto l = getConstantIntValue(lb), u = getConstantIntValue(ub),
       s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return kUnknownTrips;
  return *u > *l ? (*u - *l + *s - 1) / *s : 0;
}

/// Ops executed by `block`, nested loops multiplied by their trip counts.
int64_t estimateWork(Block &block) {
  int64_t work = 0;
  for (Operation &op : block) {
    int64_t w = 1;
    if (auto f = dyn_cast<scf::ForOp>(op))
      w = saturatingMul(tripCount(f.getLowerBound(), f.getUpperBound(),
                                  f.getStep()),
                        estimateWork(*f.getBody()));
    else if (auto p = dyn_cast<scf::ParallelOp>(op)) {
      w = estimateWork(*p.getBody());
      for (unsigned i = 0; i < p.getNumLoops(); ++i)
        w = saturatingMul(w, tripCount(p.getLowerBound()[i],
                                       p.getUpperBound()[i], p.getStep()[i]));
    } else {
      for (Region &r : op.getRegions())
        for (Block &b : r)
          w = std::max(w, estimateWork(b));
    }
    work = work > INT64_MAX - w ? INT64_MAX : work + w;
  }
  return work;
}

/// The dimension whose range is split over threads: the first with more
/// than one iteration (leading dims of extent 1, such as a batch of one,
/// stay in the body), or -1.
int64_t splitDim(scf::ParallelOp op) {
  for (unsigned i = 0; i < op.getNumLoops(); ++i)
    if (tripCount(op.getLowerBound()[i], op.getUpperBound()[i],
                  op.getStep()[i]) >= 2)
      return i;
  return -1;
}

/// A split dim of run-time extent (a dynamic batch) may be 1 when the model
/// runs, leaving one chunk and one busy thread: it is merged with the next
/// parallel dim into one linear dim, whose range the threads split instead.
/// Returns the loop to outline (a new one when merged).
scf::ParallelOp mergeDynamicSplit(scf::ParallelOp op) {
  int64_t d = splitDim(op);
  if (d < 0 || d + 1 >= (int64_t)op.getNumLoops() ||
      getConstantIntValue(op.getUpperBound()[d]))
    return op;
  std::vector<std::vector<unsigned>> dims;
  for (unsigned i = 0; i < op.getNumLoops(); ++i)
    if (i == (unsigned)d + 1)
      dims.back().push_back(i);
    else
      dims.push_back({i});
  Block *block = op->getBlock();
  Operation *prev = op->getPrevNode();
  IRRewriter rw(op);
  collapseParallelLoops(rw, op, dims);
  for (Operation *o = prev ? prev->getNextNode() : &block->front(); o;
       o = o->getNextNode())
    if (auto p = dyn_cast<scf::ParallelOp>(o))
      return p;
  return nullptr;
}

struct ParallelizeLoopsPass
    : public mlir::tangram::impl::ParallelizeLoopsPassBase<
          ParallelizeLoopsPass> {
  using ParallelizeLoopsPassBase::ParallelizeLoopsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<scf::ParallelOp> loops;
    module.walk([&](scf::ParallelOp op) {
      if (!isa<func::FuncOp>(op->getParentOp()) || op.getNumResults() != 0)
        return;
      int64_t work = estimateWork(*op.getBody());
      for (unsigned i = 0; i < op.getNumLoops(); ++i)
        work = saturatingMul(work, tripCount(op.getLowerBound()[i],
                                             op.getUpperBound()[i],
                                             op.getStep()[i]));
      if (work >= minWork && splitDim(op) >= 0)
        loops.push_back(op);
    });
    unsigned next = 0;
    SymbolTable symbols(module);
    while (symbols.lookup(("tg_par_body_" + Twine(next)).str()))
      ++next;
    for (scf::ParallelOp op : loops)
      if (scf::ParallelOp merged = mergeDynamicSplit(op))
        outline(module, merged, next++);
  }

  void outline(ModuleOp module, scf::ParallelOp op, unsigned id) {
    Location loc = op.getLoc();
    OpBuilder b(op);
    // Values the loop reads from outside: constants are cloned, the rest
    // captured.
    SetVector<Value> used;
    getUsedValuesDefinedAbove(op->getRegions(), used);
    for (Value v : op->getOperands())
      used.insert(v);
    SmallVector<Value> captures;
    SmallVector<Operation *> constants;
    for (Value v : used) {
      Operation *def = v.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>())
        constants.push_back(def);
      else
        captures.push_back(v);
    }
    SmallVector<Type> captureTypes;
    for (Value v : captures)
      captureTypes.push_back(v.getType());
    Type index = b.getIndexType();

    // The body: the loop over [lb + begin * step, min(ub, lb + end * step)).
    OpBuilder mb(module.getContext());
    mb.setInsertionPointToEnd(module.getBody());
    SmallVector<Type> bodyArgs{index, index};
    llvm::append_range(bodyArgs, captureTypes);
    auto body = func::FuncOp::create(
        mb, loc, ("tg_par_body_" + Twine(id)).str(),
        mb.getFunctionType(bodyArgs, {}));
    body.setPrivate();
    Block *entry = body.addEntryBlock();
    OpBuilder bb = OpBuilder::atBlockBegin(entry);
    IRMapping map;
    for (Operation *c : constants)
      bb.clone(*c, map);
    for (auto [v, arg] : llvm::zip(captures, entry->getArguments().drop_front(2)))
      map.map(v, arg);
    auto cloned = cast<scf::ParallelOp>(bb.clone(*op, map));
    int64_t d = splitDim(op);
    Value lb = map.lookupOrDefault(op.getLowerBound()[d]);
    Value ub = map.lookupOrDefault(op.getUpperBound()[d]);
    Value step = map.lookupOrDefault(op.getStep()[d]);
    bb.setInsertionPoint(cloned);
    Value begin = arith::AddIOp::create(
        bb, loc, lb, arith::MulIOp::create(bb, loc, entry->getArgument(0), step));
    Value end = arith::MinSIOp::create(
        bb, loc, ub,
        arith::AddIOp::create(
            bb, loc, lb,
            arith::MulIOp::create(bb, loc, entry->getArgument(1), step)));
    cloned.getLowerBoundMutable()[d].set(begin);
    cloned.getUpperBoundMutable()[d].set(end);
    bb.setInsertionPointToEnd(entry);
    func::ReturnOp::create(bb, loc);

    // The launcher, defined by the backend: count = ceil((ub - lb) / step).
    SmallVector<Type> launchArgs{index};
    llvm::append_range(launchArgs, captureTypes);
    auto launch = func::FuncOp::create(
        mb, loc, ("tg_par_launch_" + Twine(id)).str(),
        mb.getFunctionType(launchArgs, {}));
    launch.setPrivate();
    Value span = arith::SubIOp::create(b, loc, op.getUpperBound()[d],
                                       op.getLowerBound()[d]);
    Value count = arith::CeilDivSIOp::create(b, loc, span, op.getStep()[d]);
    count = arith::MaxSIOp::create(
        b, loc, count, arith::ConstantIndexOp::create(b, loc, 0));
    SmallVector<Value> args{count};
    llvm::append_range(args, captures);
    func::CallOp::create(b, loc, launch, args);
    op->erase();
  }
};

} // namespace
