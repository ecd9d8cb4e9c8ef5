//===- TargetBackend.cpp - the target registry ----------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/TargetBackend.h"
#include <mutex>

using namespace mlir;
using namespace mlir::tangram;

TargetBackend::~TargetBackend() = default;

bool TargetBackend::supportsOp(Operation *op, llvm::StringRef,
                               std::string &why) const {
  auto check = [&](Type t) {
    auto shaped = dyn_cast<ShapedType>(t);
    Type e = shaped ? shaped.getElementType() : t;
    if (!shaped || supportsElementType(e))
      return true;
    llvm::raw_string_ostream os(why);
    os << "target '" << name() << "' does not compute with " << e;
    return false;
  };
  WalkResult r = op->walk([&](Operation *nested) {
    for (Type t : nested->getOperandTypes())
      if (!check(t))
        return WalkResult::interrupt();
    for (Type t : nested->getResultTypes())
      if (!check(t))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !r.wasInterrupted();
}

bool TargetBackend::layOutWeight(const WeightLayout &layout, ::tangram::DType,
                                 const std::vector<int64_t> &,
                                 llvm::ArrayRef<char>, std::vector<char> &,
                                 std::string &error) const {
  error = "target '" + name().str() + "' has no weight layout '" +
          layout.kind + "'";
  return false;
}

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
