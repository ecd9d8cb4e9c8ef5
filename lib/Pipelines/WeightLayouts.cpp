//===- WeightLayouts.cpp - weights stored in their target's layout --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A target may choose, while it compiles, to read a weight in a layout of
// its own (the CPU's packed GEMM panels: tg-cpu-pack-weights). The driver
// then stores that weight so in the bundle, here, after every code object
// is compiled: the schedule says which launches read which weight.
//
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/WeightLayouts.h"
#include <map>

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::BufferDesc;
using ::tangram::BufferKind;
using ::tangram::StepOp;

namespace {

/// One read of a weight: launch argument `arg` of schedule step `step`
/// (arg is unused for a transfer), and the layout it wants, or null.
struct WeightRead {
  unsigned step, arg;
  const WeightLayout *layout;
  const TargetBackend *target;
};

bool sameLayout(const WeightLayout *a, const WeightLayout *b) {
  if (!a || !b)
    return a == b;
  return a->kind == b->kind && a->params == b->params &&
         a->numElements == b->numElements;
}

} // namespace

bool mlir::tangram::applyWeightLayouts(
    ::tangram::Manifest &plan, std::vector<llvm::ArrayRef<char>> &data,
    llvm::ArrayRef<CodeObject> codes,
    llvm::ArrayRef<const TargetBackend *> targets,
    std::deque<std::vector<char>> &storage, std::string &error) {
  // Every read of every weight, in schedule order.
  std::map<unsigned, std::vector<WeightRead>> reads;
  auto weightOf = [&](unsigned buffer) -> const BufferDesc * {
    const BufferDesc &b = plan.buffers.at(buffer);
    return b.kind == BufferKind::Weight ? &b : nullptr;
  };
  bool anyLayout = false;
  for (unsigned s = 0; s < plan.schedule.size(); ++s) {
    const ::tangram::ScheduleStep &step = plan.schedule[s];
    if (step.op == StepOp::Transfer) {
      for (unsigned b : {step.src, step.dst})
        if (const BufferDesc *w = weightOf(b))
          reads[w->index].push_back({s, 0, nullptr, nullptr});
      continue;
    }
    const WeightLayout *layouts = nullptr;
    size_t numLayouts = 0;
    if (step.codeObject < codes.size()) {
      layouts = codes[step.codeObject].weightLayouts.data();
      numLayouts = codes[step.codeObject].weightLayouts.size();
    }
    for (size_t l = 0; l < numLayouts; ++l)
      if (layouts[l].exportIndex == step.exportIndex &&
          (layouts[l].arg >= step.args.size() ||
           !weightOf(step.args[layouts[l].arg]))) {
        error = "code object " + std::to_string(step.codeObject) +
                " reads argument " + std::to_string(layouts[l].arg) +
                " of export " + std::to_string(step.exportIndex) +
                " as a laid-out weight, but the schedule binds no weight "
                "there";
        return false;
      }
    for (unsigned a = 0; a < step.args.size(); ++a) {
      const BufferDesc *w = weightOf(step.args[a]);
      if (!w)
        continue;
      const WeightLayout *wanted = nullptr;
      for (size_t l = 0; l < numLayouts; ++l)
        if (layouts[l].exportIndex == step.exportIndex && layouts[l].arg == a)
          wanted = &layouts[l];
      anyLayout |= wanted != nullptr;
      reads[w->index].push_back(
          {s, a, wanted, wanted ? targets[step.codeObject] : nullptr});
    }
  }
  if (!anyLayout)
    return true;

  for (auto &entry : reads) {
    unsigned w = entry.first;
    const std::vector<WeightRead> &uses = entry.second;
    // The distinct layouts wanted, and whether any read wants none.
    std::vector<const WeightRead *> distinct;
    bool plainRead = false;
    for (const WeightRead &r : uses) {
      if (!r.layout) {
        plainRead = true;
        continue;
      }
      if (llvm::none_of(distinct, [&](const WeightRead *d) {
            return sameLayout(d->layout, r.layout);
          }))
        distinct.push_back(&r);
    }
    for (const WeightRead *d : distinct) {
      ::tangram::WeightDesc desc = plan.weights[w];
      std::vector<char> &bytes = storage.emplace_back();
      if (!d->target->layOutWeight(*d->layout, desc.dtype, desc.shape,
                                   data[w], bytes, error)) {
        error = "weight '" + desc.name + "': " + error;
        return false;
      }
      desc.shape = {d->layout->numElements};
      desc.size = bytes.size();
      if (!plainRead && distinct.size() == 1) { // every read wants it
        plan.weights[w] = desc;
        data[w] = bytes;
        continue;
      }
      // A copy, NAME@KIND, numbered when one weight has several.
      std::string base = desc.name + "@" + d->layout->kind;
      desc.name = base;
      for (unsigned k = 2;
           llvm::any_of(plan.weights,
                        [&](const ::tangram::WeightDesc &o) {
                          return o.name == desc.name;
                        });
           ++k)
        desc.name = base + "." + std::to_string(k);
      unsigned target = plan.weights.size();
      plan.weights.push_back(desc);
      data.push_back(bytes);
      // Launches that want this layout read the laid-out weight: a buffer
      // only they read is repointed; otherwise they get a new buffer (one
      // per original buffer).
      auto onlyThisLayout = [&](unsigned buffer) {
        for (const WeightRead &r : uses) {
          const ::tangram::ScheduleStep &step = plan.schedule[r.step];
          bool reads = step.op == StepOp::Transfer
                           ? step.src == buffer || step.dst == buffer
                           : step.args[r.arg] == buffer;
          if (reads && !sameLayout(r.layout, d->layout))
            return false;
        }
        return true;
      };
      std::map<unsigned, unsigned> rebound;
      for (const WeightRead &r : uses) {
        if (!sameLayout(r.layout, d->layout))
          continue;
        unsigned &old = plan.schedule[r.step].args[r.arg];
        if (plan.buffers[old].index == target)
          continue; // repointed already
        if (onlyThisLayout(old)) {
          plan.buffers[old].index = target;
          continue;
        }
        auto [it, fresh] = rebound.try_emplace(old, plan.buffers.size());
        if (fresh) {
          BufferDesc b = plan.buffers[old];
          b.index = target;
          plan.buffers.push_back(b);
        }
        old = it->second;
      }
    }
  }
  return true;
}
