//===- Placement.cpp - simulating and searching placements ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "Placement.h"
#include <algorithm>
#include <chrono>
#include <map>
#include <set>

using namespace mlir;
using namespace mlir::tangram;

/// How much better than the best single device a split must be.
static constexpr double kSplitMargin = 0.02;

PlanCost mlir::tangram::evaluate(const PlaceGraph &graph,
                                 const CostModel &model,
                                 const std::vector<unsigned> &plan) {
  unsigned numDevices = model.numDevices();
  PlanCost cost;
  cost.busyMs.assign(numDevices, 0);
  std::vector<double> occupied(numDevices, 0), memory(numDevices, 0);
  std::vector<double> finish(graph.groups.size(), 0);
  std::vector<double> deviceFree(numDevices, 0);
  std::map<std::pair<unsigned, unsigned>, double> linkFree, linkBusy;
  // When each value is ready on each device (after its transfer).
  std::vector<std::vector<double>> readyOn(
      graph.values.size(), std::vector<double>(numDevices, -1));
  // Values each group reads.
  std::vector<std::vector<unsigned>> inputs(graph.groups.size());
  for (unsigned v = 0; v < graph.values.size(); ++v)
    for (unsigned c : graph.values[v].consumers)
      inputs[c].push_back(v);

  for (unsigned g = 0; g < graph.groups.size(); ++g) {
    unsigned d = plan[g];
    double start = deviceFree[d];
    for (unsigned v : inputs[g]) {
      const PlaceValue &value = graph.values[v];
      unsigned from = plan[value.producer];
      if (readyOn[v][d] < 0) {
        if (from == d) {
          readyOn[v][d] = finish[value.producer];
        } else {
          // One transfer per value and destination, in order on its link.
          double ms = model.transferMs(value.bytes, from, d);
          double &free = linkFree[{from, d}];
          double begin = std::max(free, finish[value.producer]);
          free = readyOn[v][d] = begin + ms;
          linkBusy[{from, d}] += ms;
          occupied[from] += ms;
          occupied[d] += ms;
          cost.transfers.push_back({v, from, d, ms});
        }
      }
      start = std::max(start, readyOn[v][d]);
    }
    double ms = graph.groups[g].ms[d];
    finish[g] = deviceFree[d] = start + ms;
    cost.busyMs[d] += ms;
    occupied[d] += ms;
    memory[d] += graph.groups[g].memoryBytes;
    cost.latencyMs = std::max(cost.latencyMs, finish[g]);
  }
  double bottleneck = 0;
  for (double b : cost.busyMs)
    bottleneck = std::max(bottleneck, b);
  for (auto &[link, ms] : linkBusy)
    bottleneck = std::max(bottleneck, ms);
  cost.throughputPerS = bottleneck > 0 ? 1e3 / bottleneck : kInfinity;
  for (unsigned d = 0; d < numDevices; ++d) {
    // price per hour -> per ms, times the ms occupied, per million runs.
    cost.costPerMillion += model.device(d).pricePerHour / 3.6e6 *
                           occupied[d] * 1e6;
    double capacity = model.device(d).memoryBytes;
    if (capacity > 0 && memory[d] > capacity)
      cost.fits = false;
  }
  return cost;
}

double mlir::tangram::objectiveValue(const PlanCost &cost,
                                     Objective objective) {
  switch (objective) {
  case Objective::Latency:
    return cost.latencyMs;
  case Objective::Throughput:
    return cost.throughputPerS > 0 ? 1.0 / cost.throughputPerS : kInfinity;
  case Objective::Cost:
    // Ties in money (free devices) go to the faster plan.
    return cost.costPerMillion + 1e-9 * cost.latencyMs;
  }
  return kInfinity;
}

namespace {
/// The device where group `g` runs fastest.
unsigned fastest(const PlaceGroup &g) {
  unsigned best = 0;
  for (unsigned d = 1; d < g.ms.size(); ++d)
    if (g.ms[d] < g.ms[best])
      best = d;
  return best;
}
} // namespace

std::vector<unsigned> mlir::tangram::singleDevicePlan(const PlaceGraph &graph,
                                                      unsigned device) {
  std::vector<unsigned> plan;
  for (const PlaceGroup &g : graph.groups) {
    if (g.fixed >= 0)
      plan.push_back(g.fixed);
    else if (g.allowed(device))
      plan.push_back(device);
    else if (g.ms[fastest(g)] != kInfinity)
      plan.push_back(fastest(g));
    else
      return {};
  }
  return plan;
}

std::vector<unsigned> mlir::tangram::greedyPlan(const PlaceGraph &graph) {
  std::vector<unsigned> plan;
  for (const PlaceGroup &g : graph.groups)
    plan.push_back(g.fixed >= 0 ? unsigned(g.fixed) : fastest(g));
  return plan;
}

Solution mlir::tangram::solvePlacement(const PlaceGraph &graph,
                                       const CostModel &model,
                                       Objective objective,
                                       unsigned timeLimitMs) {
  using Clock = std::chrono::steady_clock;
  auto started = Clock::now();
  Solution best;
  double bestValue = kInfinity;
  auto consider = [&](std::vector<unsigned> plan, const std::string &how) {
    if (plan.empty())
      return;
    PlanCost c = evaluate(graph, model, plan);
    double value = objectiveValue(c, objective);
    if (c.fits && value < bestValue * (1 - 1e-12)) {
      bestValue = value;
      best = {std::move(plan), how};
    }
  };
  // Single devices first: on a tie they win over split plans.
  for (unsigned d = 0; d < model.numDevices(); ++d)
    consider(singleDevicePlan(graph, d), "single device " + model.device(d).id);
  Solution single = best;
  double singleValue = bestValue;
  consider(greedyPlan(graph), "per-group greedy");
  std::string status;
  consider(solveILP(graph, model, objective, timeLimitMs, status), "ilp " + status);
  if (best.plan.empty())
    return best;
  if (!status.empty() && best.method.rfind("ilp", 0) != 0)
    best.method += " (ilp " + status + ")";

  // Local search: move one group at a time while the objective improves,
  // within the time left.
  bool improved = true, moved = false;
  auto timeLeft = [&] {
    return std::chrono::duration<double, std::milli>(Clock::now() - started)
               .count() < 2.0 * timeLimitMs;
  };
  while (improved && timeLeft()) {
    improved = false;
    for (unsigned g = 0; g < graph.groups.size() && timeLeft(); ++g) {
      if (graph.groups[g].fixed >= 0)
        continue;
      for (unsigned d = 0; d < model.numDevices(); ++d) {
        if (d == best.plan[g] || !graph.groups[g].allowed(d))
          continue;
        std::vector<unsigned> plan = best.plan;
        plan[g] = d;
        PlanCost c = evaluate(graph, model, plan);
        double value = objectiveValue(c, objective);
        if (c.fits && value < bestValue * (1 - 1e-9)) {
          bestValue = value;
          best.plan = std::move(plan);
          improved = moved = true;
        }
      }
    }
  }
  if (moved)
    best.method += " + local search";
  // A split must beat the best single device by a margin the model can
  // stand behind: a gain of a fraction of a percent is within its error,
  // and a split costs what it does not see (queues, synchronization).
  if (!single.plan.empty() && best.plan != single.plan &&
      bestValue > singleValue * (1 - kSplitMargin)) {
    single.method += " (a split gained less than " +
                     std::to_string(int(kSplitMargin * 100)) + "%)";
    return single;
  }
  return best;
}
