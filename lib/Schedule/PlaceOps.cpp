//===- PlaceOps.cpp - tg-place-ops ----------------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Builds the placement graph from the model's public function (fusion
// groups, the values between them, each group's time on each device and
// the devices that cannot take it), solves it (Placement.cpp), writes each
// op's `tg.device` and leaves the decision as JSON for the reports.
//
//===----------------------------------------------------------------------===//
#include "Placement.h"
#include "tangram/Schedule/Passes.h"
#include "tangram/Target/TargetBackend.h"
#include "Graph/GraphOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include <chrono>
#include <nlohmann/json.hpp>

namespace mlir::tangram {
#define GEN_PASS_DEF_PLACEOPSPASS
#include "tangram/Schedule/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// How `op` names itself in errors: its op and ONNX node.
std::string describe(Operation *op) {
  std::string node = nodeName(op->getLoc());
  return "'" + op->getName().getStringRef().str() + "'" +
         (node.empty() ? "" : " (node '" + node + "')");
}

tg::OpWork workOf(Operation *op, int64_t dynamicDim) {
  if (auto w = dyn_cast<tg::WorkOpInterface>(op))
    return w.getWork(dynamicDim);
  return tg::estimateWork(op, dynamicDim);
}

/// Whether device `d` can run `op`; otherwise `why`.
bool canRun(Operation *op, const CostModel &model, unsigned d,
            std::string &why) {
  const DeviceEntry &e = model.device(d);
  if (const TargetBackend *target = lookupTarget(e.target))
    if (!target->supportsOp(op, e.features, why))
      return false;
  // A buffer larger than the device may bind (a weight of 150 MB against
  // lavapipe's 128 MiB storage buffers); run-time sizes are checked when
  // the buffer is made.
  if (e.maxBufferBytes > 0)
    for (TypeRange types :
         {TypeRange(op->getOperandTypes()), TypeRange(op->getResultTypes())})
      for (Type t : types) {
        auto shaped = dyn_cast<ShapedType>(t);
        if (!shaped || !shaped.hasStaticShape())
          continue;
        double bytes = tg::numBytes(t, /*dynamicDim=*/0);
        if (bytes > e.maxBufferBytes) {
          why = "a buffer of " + std::to_string((uint64_t)bytes) +
                " bytes exceeds the device's max_buffer_bytes (" +
                std::to_string((uint64_t)e.maxBufferBytes) + ")";
          return false;
        }
      }
  if (!model.priced())
    return true;
  // The catalog's rates: a floating-point type it gives no rate is absent.
  WalkResult r = op->walk([&](Operation *nested) {
    for (TypeRange types : {TypeRange(nested->getOperandTypes()),
                            TypeRange(nested->getResultTypes())})
      for (Type t : types)
        if (auto shaped = dyn_cast<ShapedType>(t))
          if (!model.supportsType(shaped.getElementType(), d, why))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !r.wasInterrupted();
}

struct PlaceOpsPass : public mlir::tangram::impl::PlaceOpsPassBase<PlaceOpsPass> {
  using Base::Base;

  void runOnOperation() override;
};

void PlaceOpsPass::runOnOperation() {
  auto started = std::chrono::steady_clock::now();
  ModuleOp module = getOperation();
  auto fail = [&](const Twine &message) {
    module.emitError(message);
    signalPassFailure();
  };
  Objective goal;
  if (objective == "latency")
    goal = Objective::Latency;
  else if (objective == "throughput")
    goal = Objective::Throughput;
  else if (objective == "cost")
    goal = Objective::Cost;
  else
    return fail("objective '" + objective +
                "': expected latency, throughput or cost");

  if (dynamicDim < 1)
    return fail("dynamic-dim " + Twine(int64_t(dynamicDim)) +
                ": a run-time dim counts as at least 1");
  CostModel model(readCatalog(module));
  if (model.numDevices() == 0)
    return fail("no devices: the module has no 'tg.devices' catalog");
  func::FuncOp entry;
  for (auto f : module.getOps<func::FuncOp>())
    if (f.isPublic() && !f.isExternal())
      entry = f;
  if (!entry)
    return fail("no entry function");
  Block &body = entry.getBody().front();
  unsigned numDevices = model.numDevices();
  auto deviceIndex = [&](StringRef id) -> int {
    for (unsigned d = 0; d < numDevices; ++d)
      if (model.device(d).id == id)
        return d;
    return -1;
  };

  // The ops that run: constants are copied into whichever executable uses
  // them and follow their first user.
  SmallVector<Operation *> ops;
  DenseMap<Operation *, unsigned> position;
  for (Operation &op : body.without_terminator())
    if (!isa<tg::ConstantOp>(op)) {
      position[&op] = ops.size();
      ops.push_back(&op);
    }

  // Per op: its time and the reason each device cannot take it.
  std::vector<std::vector<double>> ms(ops.size());
  std::vector<std::vector<std::string>> why(ops.size());
  std::vector<tg::OpWork> work(ops.size());
  std::vector<int> pin(ops.size(), -1);
  for (auto [i, op] : llvm::enumerate(ops)) {
    work[i] = workOf(op, dynamicDim);
    ms[i].assign(numDevices, 0);
    why[i].assign(numDevices, "");
    bool anywhere = false;
    SmallVector<StringRef> names;
    collectNodeNames(op->getLoc(), names);
    for (unsigned d = 0; d < numDevices; ++d) {
      bool avoided = llvm::any_of(names, [&](StringRef n) {
        return llvm::is_contained(avoid, model.device(d).id + ":" + n.str());
      });
      if (avoided) {
        ms[i][d] = kInfinity;
        why[i][d] = "its executable on '" + model.device(d).id +
                    "' needs a host step (a result size computed from data "
                    "on the device)";
      } else if (!canRun(op, model, d, why[i][d]))
        ms[i][d] = kInfinity;
      else
        ms[i][d] = model.computeMs(work[i], d), anywhere = true;
    }
    if (op->hasAttr(kPinnedAttr)) {
      auto device = op->getAttrOfType<StringAttr>(kDeviceAttr);
      pin[i] = device ? deviceIndex(device.getValue()) : -1;
      if (pin[i] >= 0 && ms[i][pin[i]] == kInfinity) {
        op->emitError("a pin puts " + describe(op) + " on '" +
                    model.device(pin[i]).id + "', which cannot run it: " +
                    why[i][pin[i]]);
        return signalPassFailure();
      }
    }
    if (!anywhere) {
      std::string reasons;
      for (unsigned d = 0; d < numDevices; ++d)
        reasons += (d ? "; " : "") + model.device(d).id + ": " + why[i][d];
      // Every target runs beside a host: its cpu takes what a GPU cannot.
      bool hasCPU = llvm::any_of(llvm::seq(0u, numDevices), [&](unsigned d) {
        return model.device(d).target == "cpu";
      });
      op->emitError(describe(op) + " cannot run on any device of the catalog (" +
                    reasons + ")" +
                    (hasCPU ? "" : "; a cpu device (--target ...,cpu, or one "
                                   "in the catalog) runs it on the host"));
      return signalPassFailure();
    }
  }

  // Fusion groups: an op that is not a contraction joins its only
  // producer when it is that producer's only user and both can run on the
  // same devices under the same pin.
  llvm::EquivalenceClasses<unsigned> classes;
  for (unsigned i = 0; i < ops.size(); ++i)
    classes.insert(i);
  // Two ops can share a group when the same devices take them under the
  // same pin.
  auto movesWith = [&](unsigned i, unsigned j) {
    return pin[i] == pin[j] &&
           llvm::all_of(llvm::seq(0u, numDevices), [&](unsigned d) {
             return (ms[i][d] == kInfinity) == (ms[j][d] == kInfinity);
           });
  };
  auto isWeight = [&](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && entry.getArgAttr(arg.getArgNumber(), "tg.weight");
  };
  for (unsigned i = 0; i < ops.size(); ++i) {
    Operation *op = ops[i];
    // Weight preparation (a transpose of a weight, say) joins its only user:
    // it depends on no input and belongs next to what consumes it.
    bool fromWeights = llvm::all_of(op->getOperands(), [&](Value v) {
      return isWeight(v) || (v.getDefiningOp() && !position.count(v.getDefiningOp()));
    });
    if (fromWeights && op->hasOneUse() &&
        position.count(*op->getUsers().begin())) {
      unsigned j = position[*op->getUsers().begin()];
      if (movesWith(i, j)) {
        classes.unionSets(i, j);
        continue;
      }
    }
    if (work[i].contraction)
      continue;
    SmallPtrSet<Operation *, 2> producers;
    for (Value v : op->getOperands())
      if (Operation *p = v.getDefiningOp(); p && position.count(p))
        producers.insert(p);
    if (producers.size() != 1)
      continue;
    Operation *p = *producers.begin();
    unsigned j = position[p];
    bool onlyUser = llvm::all_of(p->getUsers(), [&](Operation *u) { return u == op; });
    if (!onlyUser || !movesWith(i, j))
      continue;
    classes.unionSets(i, j);
    if (work[i].elementwise) {
      // Fused into its producer's kernel (an epilogue, or one loop nest):
      // the value between them never reaches memory, and there is no
      // launch of its own. What it reads from elsewhere still costs.
      tg::OpWork fused = work[i];
      fused.bytesRead = 0;
      for (Value v : op->getOperands())
        if (v.getDefiningOp() != p)
          fused.bytesRead += tg::numBytes(v.getType(), dynamicDim);
      fused.bytesWritten = 0;
      for (unsigned d = 0; d < numDevices; ++d)
        if (ms[i][d] != kInfinity)
          ms[i][d] = model.computeMs(fused, d, /*fused=*/true);
    }
  }

  // Groups in the order of their first op (topological: a group's inputs
  // from other groups all enter through its first op).
  PlaceGraph graph;
  std::vector<int> groupOf(ops.size(), -1);
  std::vector<SmallVector<unsigned>> members;
  std::optional<unsigned> host = model.host();
  if (host) { // the model's inputs arrive on the host
    graph.groups.push_back({std::vector<double>(numDevices, 0),
                            std::vector<std::string>(numDevices), 0,
                            int(*host)});
    members.emplace_back();
  }
  for (unsigned i = 0; i < ops.size(); ++i) {
    unsigned leader = classes.getLeaderValue(i);
    if (groupOf[leader] < 0) {
      groupOf[leader] = graph.groups.size();
      graph.groups.push_back({std::vector<double>(numDevices, 0),
                              std::vector<std::string>(numDevices), 0,
                              pin[i]});
      members.emplace_back();
    }
    unsigned g = groupOf[i] = groupOf[leader];
    PlaceGroup &group = graph.groups[g];
    members[g].push_back(i);
    for (unsigned d = 0; d < numDevices; ++d) {
      group.ms[d] += ms[i][d];
      if (group.why[d].empty() && !why[i][d].empty())
        group.why[d] = why[i][d];
    }
    for (Type t : ops[i]->getResultTypes())
      group.memoryBytes += tg::numBytes(t, dynamicDim);
    for (Value v : ops[i]->getOperands())
      if (auto arg = dyn_cast<BlockArgument>(v))
        if (entry.getArgAttr(arg.getArgNumber(), "tg.weight"))
          group.memoryBytes += tg::numBytes(v.getType(), dynamicDim);
  }
  int outputs = -1;
  if (host) { // and its outputs leave from there
    outputs = graph.groups.size();
    graph.groups.push_back({std::vector<double>(numDevices, 0),
                            std::vector<std::string>(numDevices), 0,
                            int(*host)});
    members.emplace_back();
  }

  // Values that cross groups: results used by other groups or returned,
  // and model inputs (not weights, which each device holds).
  auto addValue = [&](Value v, int producer) {
    PlaceValue value{unsigned(producer), {}, tg::numBytes(v.getType(), dynamicDim)};
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      int consumer = user == body.getTerminator() ? outputs
                     : position.count(user) ? groupOf[position[user]]
                                            : -1;
      if (consumer >= 0 && consumer != producer &&
          !llvm::is_contained(value.consumers, unsigned(consumer)))
        value.consumers.push_back(consumer);
    }
    if (!value.consumers.empty())
      graph.values.push_back(std::move(value));
  };
  if (host)
    for (BlockArgument arg : entry.getArguments())
      if (!entry.getArgAttr(arg.getArgNumber(), "tg.weight"))
        addValue(arg, 0);
  for (auto [i, op] : llvm::enumerate(ops))
    for (Value r : op->getResults())
      addValue(r, groupOf[i]);

  // Choose.
  Solution solution;
  if (model.priced()) {
    solution = solvePlacement(graph, model, goal, timeLimitMs);
    if (solution.plan.empty())
      return fail("no placement fits the devices' memory (memory_bytes)");
  } else {
    // No cost model: the first device that can take each group.
    for (const PlaceGroup &g : graph.groups) {
      unsigned d = g.fixed >= 0 ? g.fixed : 0;
      while (g.fixed < 0 && !g.allowed(d))
        ++d;
      solution.plan.push_back(d);
    }
    solution.method = "first capable device (the catalog has no costs)";
  }

  // Write the devices.
  MLIRContext *ctx = &getContext();
  for (auto [i, op] : llvm::enumerate(ops)) {
    op->setAttr(kDeviceAttr,
                StringAttr::get(ctx, model.device(solution.plan[groupOf[i]]).id));
    op->removeAttr(kPinnedAttr);
  }
  for (Operation &op : body.without_terminator())
    if (isa<tg::ConstantOp>(op)) {
      Operation *user = nullptr;
      for (Operation *u : op.getUsers())
        if (position.count(u) && (!user || position[u] < position[user]))
          user = u;
      op.setAttr(kDeviceAttr, user ? user->getAttr(kDeviceAttr)
                                   : StringAttr::get(ctx, model.device(0).id));
      op.removeAttr(kPinnedAttr);
    }

  // The decision, for --report and --emit=placement.
  using nlohmann::json;
  auto figures = [&](const PlanCost &c) {
    return json{{"latency_ms", c.latencyMs},
                {"throughput_per_s", c.throughputPerS},
                {"cost_per_million", c.costPerMillion}};
  };
  PlanCost cost = evaluate(graph, model, solution.plan);
  json report;
  report["objective"] = std::string(objective);
  report["method"] = solution.method;
  report["dynamic_dim"] = int64_t(dynamicDim);
  report["devices"] = json::array();
  for (unsigned d = 0; d < numDevices; ++d)
    report["devices"].push_back({{"id", model.device(d).id},
                                 {"target", model.device(d).target},
                                 {"busy_ms", cost.busyMs[d]},
                                 {"price_per_hour", model.device(d).pricePerHour}});
  report["nodes"] = json::array();
  for (auto [i, op] : llvm::enumerate(ops)) {
    unsigned g = groupOf[i], d = solution.plan[g];
    const PlaceGroup &group = graph.groups[g];
    // Why here: a pin; a faster device that cannot take it; the fastest
    // (or, for cost, cheapest) device; else transfers kept it here.
    std::string reason, detail;
    auto score = [&](unsigned e) {
      return goal == Objective::Cost && model.device(e).pricePerHour > 0
                 ? group.ms[e] * model.device(e).pricePerHour
                 : group.ms[e];
    };
    bool best = llvm::all_of(llvm::seq(0u, numDevices), [&](unsigned e) {
      return !group.allowed(e) || score(d) <= score(e) * (1 + 1e-9);
    });
    if (pin[i] >= 0) {
      reason = "pin";
    } else if (llvm::any_of(llvm::seq(0u, numDevices),
                            [&](unsigned e) { return !group.allowed(e); })) {
      reason = "capability";
      for (unsigned e = 0; e < numDevices; ++e)
        if (!group.allowed(e))
          detail += (detail.empty() ? "" : "; ") + model.device(e).id + ": " +
                    group.why[e];
    } else if (best) {
      reason = goal == Objective::Cost ? "price" : "speed";
    } else {
      // Not its fastest device: either moving it would add transfers, or
      // it runs here beside other work and shortens the critical path.
      unsigned fastestDevice = d;
      for (unsigned e = 0; e < numDevices; ++e)
        if (group.allowed(e) && score(e) < score(fastestDevice))
          fastestDevice = e;
      std::vector<unsigned> moved = solution.plan;
      moved[g] = fastestDevice;
      PlanCost there = evaluate(graph, model, moved);
      double before = 0, after = 0;
      for (const PlannedTransfer &t : cost.transfers)
        before += t.ms;
      for (const PlannedTransfer &t : there.transfers)
        after += t.ms;
      if (!there.fits) {
        reason = "memory";
        detail = model.device(fastestDevice).id + " has no memory left for it";
      } else if (after > before) {
        reason = "transfer";
        detail = "on " + model.device(fastestDevice).id +
                 " it would need transfers that cost more than it saves";
      } else {
        reason = "overlap";
        detail = "it runs beside work on other devices";
      }
    }
    json node{{"name", nodeName(ops[i]->getLoc())},
              {"op", ops[i]->getName().getStringRef().str()},
              {"device", model.device(d).id},
              {"group", g},
              {"flops", work[i].flops},
              {"bytes", work[i].bytesRead + work[i].bytesWritten},
              {"predicted_ms", ms[i][d]},
              {"reason", reason}};
    if (!detail.empty())
      node["detail"] = detail;
    json alternatives = json::object();
    for (unsigned e = 0; e < numDevices; ++e)
      if (ms[i][e] != kInfinity)
        alternatives[model.device(e).id] = ms[i][e];
    node["ms_per_device"] = alternatives;
    json inputs = json::array();
    for (Value v : ops[i]->getOperands())
      if (Operation *p = v.getDefiningOp(); p && position.count(p))
        if (!llvm::is_contained(inputs, position[p]))
          inputs.push_back(position[p]);
    node["inputs"] = inputs;
    report["nodes"].push_back(node);
  }
  report["transfers"] = json::array();
  double transferBytes = 0;
  for (const PlannedTransfer &t : cost.transfers) {
    const PlaceValue &v = graph.values[t.value];
    transferBytes += v.bytes;
    report["transfers"].push_back({{"from", model.device(t.from).id},
                                   {"to", model.device(t.to).id},
                                   {"bytes", v.bytes},
                                   {"predicted_ms", t.ms}});
  }
  report["predicted"] = figures(cost);
  report["predicted"]["transfer_bytes"] = transferBytes;
  report["single_device"] = json::object();
  for (unsigned d = 0; d < numDevices; ++d) {
    json entry;
    std::string missing;
    for (const PlaceGroup &g : graph.groups)
      if (!g.allowed(d) && missing.empty())
        missing = g.why[d];
    if (!missing.empty() || !model.priced()) {
      entry = {{"supported", false},
               {"why", missing.empty() ? "the catalog has no costs" : missing}};
    } else {
      std::vector<unsigned> plan(graph.groups.size(), d);
      for (unsigned g = 0; g < graph.groups.size(); ++g)
        if (int(g) == outputs || (host && g == 0))
          plan[g] = *host;
      PlanCost c = evaluate(graph, model, plan);
      entry = figures(c);
      entry["supported"] = true;
      entry["fits"] = c.fits;
    }
    report["single_device"][model.device(d).id] = entry;
  }
  if (model.priced())
    report["greedy"] = figures(evaluate(graph, model, greedyPlan(graph)));
  report["groups"] = graph.groups.size();
  report["ops"] = ops.size();
  report["placement_ms"] =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count();
  module->setAttr(kPlacementAttr, StringAttr::get(ctx, report.dump()));
}

} // namespace
