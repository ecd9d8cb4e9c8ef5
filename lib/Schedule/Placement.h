//===- Placement.h - the placement problem and its solvers ------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Placement as a graph of fusion groups (the ops that move together) and the
// values between them, priced by the cost model. A plan gives each group a
// device; `evaluate` simulates it, and the solvers search for the best plan
// under an objective. Nothing here knows about IR: tg-place-ops builds the
// graph from the model and writes the plan back.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_SCHEDULE_PLACEMENT_H
#define TANGRAM_LIB_SCHEDULE_PLACEMENT_H

#include "CostModel.h"
#include <string>
#include <vector>

namespace mlir::tangram {

struct PlaceGroup {
  /// Milliseconds on each device (kInfinity where it cannot run).
  std::vector<double> ms;
  /// Per device, why it cannot run the group (empty where it can).
  std::vector<std::string> why;
  /// Bytes the group keeps on its device: its results and its weights.
  double memoryBytes = 0;
  /// The device a pin (or the host, for model inputs and outputs) fixes.
  int fixed = -1;

  bool allowed(unsigned d) const { return ms[d] != kInfinity; }
};

/// A value crossing from its producer group to consumer groups.
struct PlaceValue {
  unsigned producer;
  std::vector<unsigned> consumers;
  double bytes = 0;
};

/// Groups in a topological order.
struct PlaceGraph {
  std::vector<PlaceGroup> groups;
  std::vector<PlaceValue> values;
};

enum class Objective { Latency, Throughput, Cost };

/// One value moved from one device to another.
struct PlannedTransfer {
  unsigned value, from, to;
  double ms;
};

/// What a plan costs under the model.
struct PlanCost {
  double latencyMs = 0;
  double throughputPerS = 0;
  double costPerMillion = 0;
  std::vector<double> busyMs; ///< compute per device
  std::vector<PlannedTransfer> transfers;
  bool fits = true; ///< every device's memory holds its groups
};

PlanCost evaluate(const PlaceGraph &graph, const CostModel &model,
                  const std::vector<unsigned> &plan);
/// The figure an objective minimizes.
double objectiveValue(const PlanCost &cost, Objective objective);

/// Every group on `device` where it can run and no pin says otherwise;
/// elsewhere on its fastest device. Empty when a group can run nowhere.
std::vector<unsigned> singleDevicePlan(const PlaceGraph &graph,
                                       unsigned device);
/// Each group on its fastest device, transfers ignored (what a per-op
/// greedy placer does).
std::vector<unsigned> greedyPlan(const PlaceGraph &graph);

/// The integer program (PlacementILP.cpp): the plan minimizing the
/// objective's linear form within `timeLimitMs`, or empty with `status`
/// saying why there is none.
std::vector<unsigned> solveILP(const PlaceGraph &graph, const CostModel &model,
                               Objective objective, unsigned timeLimitMs,
                               std::string &status);

struct Solution {
  std::vector<unsigned> plan;
  /// How the plan was found, e.g. "ilp optimal + local search".
  std::string method;
};
/// The best plan of the integer program, every single-device plan and the
/// greedy plan, improved by moving single groups.
Solution solvePlacement(const PlaceGraph &graph, const CostModel &model,
                        Objective objective, unsigned timeLimitMs);

} // namespace mlir::tangram

#endif // TANGRAM_LIB_SCHEDULE_PLACEMENT_H
