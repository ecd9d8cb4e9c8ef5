//===- TargetBackend.cpp - the target registry ----------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/TargetBackend.h"
#include <mutex>

using namespace mlir;
using namespace mlir::tangram;

TargetBackend::~TargetBackend() = default;

namespace {
std::vector<std::unique_ptr<TargetBackend>> &registry() {
  static std::vector<std::unique_ptr<TargetBackend>> targets;
  return targets;
}
std::mutex &registryMutex() {
  static std::mutex m;
  return m;
}
} // namespace

void mlir::tangram::registerTarget(std::unique_ptr<TargetBackend> target) {
  std::lock_guard<std::mutex> lock(registryMutex());
  for (auto &t : registry())
    if (t->name() == target->name())
      return;
  registry().push_back(std::move(target));
}

const TargetBackend *mlir::tangram::lookupTarget(llvm::StringRef name) {
  std::lock_guard<std::mutex> lock(registryMutex());
  for (auto &t : registry())
    if (t->name() == name)
      return t.get();
  return nullptr;
}

std::vector<std::string> mlir::tangram::targetNames() {
  std::lock_guard<std::mutex> lock(registryMutex());
  std::vector<std::string> names;
  for (auto &t : registry())
    names.push_back(t->name().str());
  return names;
}
