//===- PlacementILP.cpp - placement as an integer program (GLPK) ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Variables: x[g][d] = 1 when group g runs on device d (binary, fixed by
// pins and capabilities), y[v][a][b] >= x[producer][a] + x[consumer][b] - 1
// when value v moves from device a to device b (paid once per destination,
// whatever the number of consumers there). Each device's groups fit its
// memory. The objective is linear:
//   latency    sum of compute and transfer times (the simulation, which
//              overlaps devices, then judges the plan);
//   throughput T >= every device's compute and every link's transfers;
//   cost       each device's price times its compute and its transfers.
// GLPK's branch and cut runs within the time limit; the best integer
// solution found by then is used.
//
//===----------------------------------------------------------------------===//
#include "Placement.h"
#include <glpk.h>
#include <map>

using namespace mlir;
using namespace mlir::tangram;

namespace {
/// One row: sum coef * column.
struct Row {
  std::vector<int> columns{0};
  std::vector<double> coefs{0};
  void add(int column, double coef) {
    columns.push_back(column);
    coefs.push_back(coef);
  }
};
} // namespace

std::vector<unsigned> mlir::tangram::solveILP(const PlaceGraph &graph,
                                              const CostModel &model,
                                              Objective objective,
                                              unsigned timeLimitMs,
                                              std::string &status) {
  unsigned numDevices = model.numDevices();
  unsigned numGroups = graph.groups.size();
  glp_term_out(GLP_OFF);
  glp_prob *lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MIN);
  auto price = [&](unsigned d) {
    return model.device(d).pricePerHour / 3.6e6; // per ms
  };
  // A small weight on total time breaks ties between equal objectives.
  const double tie = objective == Objective::Latency ? 1.0 : 1e-6;

  // x[g][d]
  std::vector<std::vector<int>> x(numGroups, std::vector<int>(numDevices, 0));
  for (unsigned g = 0; g < numGroups; ++g)
    for (unsigned d = 0; d < numDevices; ++d) {
      const PlaceGroup &group = graph.groups[g];
      int col = glp_add_cols(lp, 1);
      x[g][d] = col;
      glp_set_col_kind(lp, col, GLP_BV);
      bool allowed = group.allowed(d) &&
                     (group.fixed < 0 || unsigned(group.fixed) == d);
      if (!allowed)
        glp_set_col_bnds(lp, col, GLP_FX, 0, 0);
      double ms = allowed ? group.ms[d] : 0;
      double coef = tie * ms;
      if (objective == Objective::Cost)
        coef += price(d) * ms * 1e6;
      glp_set_obj_coef(lp, col, coef);
    }
  int t = 0;
  if (objective == Objective::Throughput) {
    t = glp_add_cols(lp, 1);
    glp_set_col_bnds(lp, t, GLP_LO, 0, 0);
    glp_set_obj_coef(lp, t, 1);
  }

  std::vector<Row> rows;
  std::vector<std::pair<int, double>> bounds; // row kind, bound
  auto addRow = [&](Row r, int kind, double bound) {
    rows.push_back(std::move(r));
    bounds.push_back({kind, bound});
  };
  for (unsigned g = 0; g < numGroups; ++g) {
    Row r;
    for (unsigned d = 0; d < numDevices; ++d)
      r.add(x[g][d], 1);
    addRow(r, GLP_FX, 1);
  }
  // Transfers, and what each device and link carries.
  std::vector<Row> deviceLoad(numDevices);
  std::map<std::pair<unsigned, unsigned>, Row> linkLoad;
  for (const PlaceValue &v : graph.values)
    for (unsigned a = 0; a < numDevices; ++a)
      for (unsigned b = 0; b < numDevices; ++b) {
        if (a == b)
          continue;
        double ms = model.transferMs(v.bytes, a, b);
        if (ms <= 0)
          continue;
        int col = glp_add_cols(lp, 1);
        glp_set_col_bnds(lp, col, GLP_DB, 0, 1);
        double coef = tie * ms;
        if (objective == Objective::Cost)
          coef += (price(a) + price(b)) * ms * 1e6;
        glp_set_obj_coef(lp, col, coef);
        for (unsigned c : v.consumers) {
          // x[p][a] + x[c][b] - y <= 1
          Row r;
          r.add(x[v.producer][a], 1);
          r.add(x[c][b], 1);
          r.add(col, -1);
          addRow(r, GLP_UP, 1);
        }
        linkLoad[{a, b}].add(col, ms);
      }
  for (unsigned d = 0; d < numDevices; ++d) {
    double capacity = model.device(d).memoryBytes;
    Row memory;
    for (unsigned g = 0; g < numGroups; ++g) {
      deviceLoad[d].add(x[g][d], graph.groups[g].allowed(d) ? graph.groups[g].ms[d] : 0);
      memory.add(x[g][d], graph.groups[g].memoryBytes);
    }
    if (capacity > 0)
      addRow(memory, GLP_UP, capacity);
  }
  if (objective == Objective::Throughput) {
    for (unsigned d = 0; d < numDevices; ++d) {
      Row r = deviceLoad[d];
      r.add(t, -1);
      addRow(r, GLP_UP, 0);
    }
    for (auto &[link, load] : linkLoad) {
      Row r = load;
      r.add(t, -1);
      addRow(r, GLP_UP, 0);
    }
  }
  int first = glp_add_rows(lp, rows.size());
  for (unsigned i = 0; i < rows.size(); ++i) {
    auto [kind, bound] = bounds[i];
    glp_set_row_bnds(lp, first + i, kind, kind == GLP_UP ? 0 : bound, bound);
    glp_set_mat_row(lp, first + i, rows[i].columns.size() - 1,
                    rows[i].columns.data(), rows[i].coefs.data());
  }

  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.presolve = GLP_ON;
  parm.msg_lev = GLP_MSG_OFF;
  parm.tm_lim = timeLimitMs;
  int rc = glp_intopt(lp, &parm);
  int mip = glp_mip_status(lp);
  std::vector<unsigned> plan;
  if ((rc == 0 || rc == GLP_ETMLIM) && (mip == GLP_OPT || mip == GLP_FEAS)) {
    status = mip == GLP_OPT && rc == 0 ? "optimal" : "time limit, best found";
    for (unsigned g = 0; g < numGroups; ++g)
      for (unsigned d = 0; d < numDevices; ++d)
        if (glp_mip_col_val(lp, x[g][d]) > 0.5)
          plan.push_back(d);
    if (plan.size() != numGroups)
      plan.clear(), status = "gave an incomplete solution";
  } else {
    status = mip == GLP_NOFEAS ? "infeasible"
             : rc == GLP_ETMLIM ? "time limit, nothing found"
                                : "failed (" + std::to_string(rc) + ")";
  }
  glp_delete_prob(lp);
  return plan;
}
