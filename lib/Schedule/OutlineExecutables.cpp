//===- OutlineExecutables.cpp - tg-outline-executables --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The public function becomes the schedule: launches of per-device
// executables and the transfers between them. Segments are formed by a
// topological walk that stays on the current device while it has ready
// ops, so every segment is maximal and depends only on earlier ones.
//
//===----------------------------------------------------------------------===//
#include "tangram/Schedule/Passes.h"
#include "Graph/GraphOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include <deque>
#include <set>

namespace mlir::tangram {
#define GEN_PASS_DEF_OUTLINEEXECUTABLESPASS
#include "tangram/Schedule/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Constants are copied into every executable that uses them rather than
/// computed once and transferred.
bool isCopiedConstant(Operation *op) {
  return op->getNumOperands() == 0 && op->getNumRegions() == 0 &&
         op->hasTrait<OpTrait::ConstantLike>();
}

/// Ops of one device, in an order that respects their dependences.
struct Segment {
  StringAttr device;
  SmallVector<Operation *> ops;
};

/// A device id as a symbol-name fragment ("gpu:0" -> "gpu_0").
std::string symbolFragment(StringRef id) {
  std::string s;
  for (char c : id)
    s += llvm::isAlnum(c) ? c : '_';
  return s;
}

/// The values `op` reads: operands and values its regions capture.
SmallVector<Value> valuesRead(Operation *op) {
  SmallVector<Value> read(op->getOperands());
  if (op->getNumRegions()) {
    llvm::SetVector<Value> captured;
    for (Region &r : op->getRegions())
      getUsedValuesDefinedAbove(r, captured);
    read.append(captured.begin(), captured.end());
  }
  return read;
}

/// Moves each op as late as its device and its users allow: into the last
/// segment of its device before (or at) its first user's. The greedy walk
/// takes an op as soon as it is ready, so an op that reads only weights
/// (a transposed weight for a Gemm at the end) would otherwise be computed
/// in the first segment and carried to its user; kept next to its user, it
/// is transferred never and lowered exactly as in a one-device compile.
void sinkToUsers(std::vector<Segment> &segments,
                 const std::vector<SmallVector<unsigned>> &users,
                 ArrayRef<Operation *> ops,
                 const DenseMap<Operation *, unsigned> &index) {
  unsigned n = segments.size(), end = n - 1;
  std::vector<unsigned> segmentOf(ops.size());
  std::vector<std::deque<Operation *>> lists(n);
  for (unsigned k = 0; k < n; ++k)
    for (Operation *op : segments[k].ops) {
      segmentOf[index.lookup(op)] = k;
      lists[k].push_back(op);
    }
  // Later ops first, so an op's users have already moved where they go.
  for (unsigned k = n; k-- > 0;) {
    std::vector<Operation *> current(lists[k].begin(), lists[k].end());
    for (Operation *op : llvm::reverse(current)) {
      unsigned i = index.lookup(op);
      unsigned first = end;
      for (unsigned u : users[i])
        first = std::min(first, segmentOf[u]);
      unsigned target = k;
      for (unsigned t = first; t > k; --t)
        if (segments[t].device == segments[k].device) {
          target = t;
          break;
        }
      if (target == k)
        continue;
      lists[k].erase(llvm::find(lists[k], op));
      lists[target].push_front(op);
      segmentOf[i] = target;
    }
  }
  // Drop emptied segments and join neighbours of one device.
  std::vector<Segment> joined;
  for (unsigned k = 0; k < n; ++k) {
    if (lists[k].empty())
      continue;
    if (joined.empty() || joined.back().device != segments[k].device)
      joined.push_back({segments[k].device, {}});
    joined.back().ops.append(lists[k].begin(), lists[k].end());
  }
  segments = std::move(joined);
}

struct OutlineExecutablesPass
    : public tangram::impl::OutlineExecutablesPassBase<OutlineExecutablesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    std::vector<DeviceEntry> devices = readDevices(module);
    if (devices.empty()) {
      module.emitError("no 'tg.devices' list: run tg-assign-devices first");
      return signalPassFailure();
    }
    func::FuncOp entry;
    for (auto f : module.getOps<func::FuncOp>())
      if (f.isPublic() && !f.isExternal())
        entry = f;
    if (!entry) {
      module.emitError("no entry function");
      return signalPassFailure();
    }
    StringAttr defaultDevice = StringAttr::get(ctx, devices.front().id);
    Block &body = entry.getBody().front();
    auto deviceOf = [&](Operation *op) {
      auto d = op->getAttrOfType<StringAttr>(kDeviceAttr);
      return d ? d : defaultDevice;
    };
    for (Operation &op : body.without_terminator())
      if (auto d = op.getAttrOfType<StringAttr>(kDeviceAttr);
          d && llvm::none_of(devices, [&](const DeviceEntry &e) {
            return e.id == d.getValue();
          })) {
        op.emitError("device '") << d.getValue() << "' is not in 'tg.devices'";
        return signalPassFailure();
      }

    // Dependences between the ops that are scheduled (not constants).
    SmallVector<Operation *> ops;
    DenseMap<Operation *, unsigned> index;
    for (Operation &op : body.without_terminator())
      if (!isCopiedConstant(&op)) {
        index[&op] = ops.size();
        ops.push_back(&op);
      }
    std::vector<unsigned> waiting(ops.size(), 0);
    std::vector<SmallVector<unsigned>> users(ops.size());
    for (unsigned i = 0; i < ops.size(); ++i) {
      llvm::SmallDenseSet<unsigned> producers;
      for (Value v : valuesRead(ops[i]))
        if (Operation *def = v.getDefiningOp()) {
          while (def->getBlock() != &body)
            def = def->getParentOp();
          if (auto it = index.find(def); it != index.end())
            producers.insert(it->second);
        }
      waiting[i] = producers.size();
      for (unsigned p : producers)
        users[p].push_back(i);
    }

    // Kahn's algorithm, staying on the current device while it has ready
    // ops; ties go to program order.
    std::vector<Segment> segments;
    std::set<unsigned> ready;
    for (unsigned i = 0; i < ops.size(); ++i)
      if (!waiting[i])
        ready.insert(i);
    while (!ready.empty()) {
      StringAttr device = deviceOf(ops[*ready.begin()]);
      Segment seg{device, {}};
      for (;;) {
        auto it = llvm::find_if(ready, [&](unsigned i) {
          return deviceOf(ops[i]) == device;
        });
        if (it == ready.end())
          break;
        unsigned i = *it;
        ready.erase(it);
        seg.ops.push_back(ops[i]);
        for (unsigned u : users[i])
          if (--waiting[u] == 0)
            ready.insert(u);
      }
      segments.push_back(std::move(seg));
    }

    sinkToUsers(segments, users, ops, index);

    OpBuilder b(ctx);
    SymbolTable symbols(module);
    auto returnOp = cast<func::ReturnOp>(body.getTerminator());
    // Where each original value lives in the schedule, and its copies on
    // other devices (one transfer per value and device).
    DenseMap<Value, Value> scheduled;
    DenseMap<Value, StringAttr> home;
    llvm::DenseMap<std::pair<Value, StringAttr>, Value> transferred;
    std::string baseName = entry.getSymName().str();
    unsigned counter = 0;

    // Creates the executable for `ops` on `device` and launches it; returns
    // the launch. `results` are the values of `ops` needed outside.
    auto outline = [&](StringAttr device, ArrayRef<Operation *> segOps,
                       ArrayRef<Value> results) -> tg::LaunchOp {
      llvm::SetVector<Value> inputs;
      llvm::SetVector<Operation *> constants;
      llvm::SmallPtrSet<Operation *, 16> inSegment(segOps.begin(), segOps.end());
      for (Operation *op : segOps)
        for (Value v : valuesRead(op)) {
          Operation *def = v.getDefiningOp();
          if (def && inSegment.contains(def))
            continue;
          if (def && def->getBlock() != &body)
            continue; // defined inside the op's own regions
          if (def && isCopiedConstant(def))
            constants.insert(def);
          else
            inputs.insert(v);
        }
      // A result not computed here (a copy executable) is an input too.
      for (Value v : results) {
        Operation *def = v.getDefiningOp();
        if (def && inSegment.contains(def))
          continue;
        if (def && isCopiedConstant(def))
          constants.insert(def);
        else
          inputs.insert(v);
      }

      std::string name = baseName + "_" + symbolFragment(device.getValue()) +
                         "_" + std::to_string(counter++);
      SmallVector<Type> argTypes, resultTypes;
      for (Value v : inputs)
        argTypes.push_back(v.getType());
      for (Value v : results)
        resultTypes.push_back(v.getType());
      b.setInsertionPointToEnd(module.getBody());
      auto fn = func::FuncOp::create(b, entry.getLoc(), name,
                                     b.getFunctionType(argTypes, resultTypes));
      fn.setPrivate();
      fn->setAttr(kDeviceAttr, device);
      symbols.insert(fn);
      Block *fnBody = fn.addEntryBlock();
      IRMapping map;
      for (auto [v, arg] : llvm::zip(inputs, fnBody->getArguments()))
        map.map(v, arg);
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        fn.setArgAttr(i, "bufferization.writable", b.getBoolAttr(false));
      // A model weight keeps its address and contents while the bundle is
      // loaded: a backend may keep what it derives from it (the CPU
      // microkernels keep packed weights).
      for (auto [i, v] : llvm::enumerate(inputs))
        if (auto arg = dyn_cast<BlockArgument>(v))
          if (arg.getOwner() == &entry.getBody().front() &&
              entry.getArgAttr(arg.getArgNumber(), "tg.weight"))
            fn.setArgAttr(i, "tg.is_weight", b.getUnitAttr());
      b.setInsertionPointToEnd(fnBody);
      // Constants first, in program order (segments keep program order).
      SmallVector<Operation *> consts(constants.begin(), constants.end());
      llvm::sort(consts, [](Operation *x, Operation *y) {
        return x->isBeforeInBlock(y);
      });
      for (Operation *c : consts)
        b.clone(*c, map);
      for (Operation *op : segOps) {
        Operation *copy = b.clone(*op, map);
        copy->removeAttr(kDeviceAttr);
      }
      SmallVector<Value> returned;
      for (Value v : results)
        returned.push_back(map.lookup(v));
      func::ReturnOp::create(b, entry.getLoc(), returned);

      // The launch, with transfers for inputs living elsewhere.
      b.setInsertionPoint(returnOp);
      SmallVector<Value> args;
      for (Value v : inputs) {
        if (isa<BlockArgument>(v)) {
          args.push_back(v); // inputs and weights: bound on every device
          continue;
        }
        Value s = scheduled.lookup(v);
        if (home.lookup(v) == device) {
          args.push_back(s);
          continue;
        }
        Value &t = transferred[{v, device}];
        if (!t)
          t = tg::TransferOp::create(b, v.getLoc(), s, device).getResult();
        args.push_back(t);
      }
      auto launch = tg::LaunchOp::create(b, entry.getLoc(), resultTypes,
                                         FlatSymbolRefAttr::get(fn),
                                         device, args);
      for (auto [v, r] : llvm::zip(results, launch.getResults())) {
        scheduled[v] = r;
        home[v] = device;
      }
      return launch;
    };

    // What each segment must return: values used by later segments or
    // returned by the model.
    DenseMap<Operation *, unsigned> segmentOf;
    for (auto [k, seg] : llvm::enumerate(segments))
      for (Operation *op : seg.ops)
        segmentOf[op] = k;
    std::vector<llvm::SetVector<Value>> exported(segments.size());
    for (auto [k, seg] : llvm::enumerate(segments))
      for (Operation *op : seg.ops)
        for (Value v : valuesRead(op))
          if (Operation *def = v.getDefiningOp())
            if (auto it = segmentOf.find(def); it != segmentOf.end() &&
                                               it->second != k)
              exported[it->second].insert(v);
    for (Value v : returnOp.getOperands())
      if (Operation *def = v.getDefiningOp())
        if (auto it = segmentOf.find(def); it != segmentOf.end())
          exported[it->second].insert(v);

    for (auto [k, seg] : llvm::enumerate(segments))
      outline(seg.device, seg.ops, exported[k].getArrayRef());

    // Every output is its own launch result; an input, a constant or a
    // value returned twice gets a copy made by an executable of its own.
    SmallVector<Value> outputs;
    llvm::SmallPtrSet<Value, 8> taken;
    for (Value v : returnOp.getOperands()) {
      Value s = scheduled.lookup(v);
      if (s && taken.insert(s).second) {
        outputs.push_back(s);
        continue;
      }
      StringAttr device = home.lookup(v) ? home.lookup(v) : defaultDevice;
      outputs.push_back(outline(device, {}, {v}).getResult(0));
      taken.insert(outputs.back());
    }
    returnOp->setOperands(outputs);

    // The original ops have all been copied out.
    SmallVector<Operation *> old;
    for (Operation &op : body.without_terminator())
      if (!isa<tg::LaunchOp, tg::TransferOp>(op))
        old.push_back(&op);
    for (Operation *op : llvm::reverse(old)) {
      op->dropAllUses();
      op->erase();
    }
  }
};

} // namespace
