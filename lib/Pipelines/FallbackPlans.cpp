//===- FallbackPlans.cpp - Fallback schedules in one bundle ---------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/FallbackPlans.h"

#include <algorithm>
#include <cstring>

using namespace mlir::tangram;
using ::tangram::BufferKind;
using ::tangram::Manifest;
using ::tangram::StepOp;

namespace {
bool sameTensors(const std::vector<::tangram::TensorDesc> &a,
                 const std::vector<::tangram::TensorDesc> &b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto &x, const auto &y) {
                      return x.name == y.name && x.dtype == y.dtype &&
                             x.shape == y.shape;
                    });
}
} // namespace

bool mlir::tangram::appendFallbackPlan(
    Manifest &main, std::vector<llvm::ArrayRef<char>> &weights,
    const Manifest &fallback,
    llvm::ArrayRef<llvm::ArrayRef<char>> fallbackWeights, std::string &error) {
  if (!sameTensors(main.inputs, fallback.inputs) ||
      !sameTensors(main.outputs, fallback.outputs))
    return error = "the fallback plan's inputs or outputs differ from the "
                   "main schedule's",
           false;

  // A device is one device whatever plan uses it: a fallback on cpu0 runs
  // on the same cpu0 the main schedule would.
  std::vector<unsigned> device(fallback.devices.size());
  for (unsigned d = 0; d < fallback.devices.size(); ++d) {
    const ::tangram::DeviceDesc &f = fallback.devices[d];
    auto it = std::find_if(main.devices.begin(), main.devices.end(),
                           [&](const ::tangram::DeviceDesc &m) {
                             return m.name == f.name && m.kind == f.kind &&
                                    m.target == f.target &&
                                    m.features == f.features;
                           });
    device[d] = static_cast<unsigned>(it - main.devices.begin());
    if (it == main.devices.end())
      main.devices.push_back(f);
  }

  // Code objects are the fallback's own: its executables differ from the
  // main schedule's even on a shared device.
  unsigned codeBase = static_cast<unsigned>(main.codeObjects.size());
  for (::tangram::CodeObjectDesc c : fallback.codeObjects) {
    c.device = device[c.device];
    main.codeObjects.push_back(std::move(c));
  }

  // Weights in the same layout are stored once.
  std::vector<unsigned> weight(fallback.weights.size());
  for (unsigned w = 0; w < fallback.weights.size(); ++w) {
    const ::tangram::WeightDesc &f = fallback.weights[w];
    llvm::ArrayRef<char> bytes = fallbackWeights[w];
    unsigned found = static_cast<unsigned>(main.weights.size());
    for (unsigned m = 0; m < main.weights.size() && found == main.weights.size();
         ++m) {
      const ::tangram::WeightDesc &x = main.weights[m];
      if (x.name == f.name && x.dtype == f.dtype && x.shape == f.shape &&
          weights[m].size() == bytes.size() &&
          std::memcmp(weights[m].data(), bytes.data(), bytes.size()) == 0)
        found = m;
    }
    if (found == main.weights.size()) {
      main.weights.push_back(f);
      weights.push_back(bytes);
    }
    weight[w] = found;
  }

  ::tangram::FallbackPlan plan;
  plan.buffers = fallback.buffers;
  for (::tangram::BufferDesc &b : plan.buffers) {
    b.device = device[b.device];
    if (b.kind == BufferKind::Weight)
      b.index = weight[b.index];
  }
  plan.schedule = fallback.schedule;
  for (::tangram::ScheduleStep &s : plan.schedule) {
    if (s.op != StepOp::Launch)
      continue;
    s.device = device[s.device];
    s.codeObject += codeBase;
  }
  main.fallbacks.push_back(std::move(plan));
  return true;
}
