//===- AssignDevices.cpp - tg-assign-devices ------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Schedule/Passes.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/GlobPattern.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_ASSIGNDEVICESPASS
#include "tangram/Schedule/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

void mlir::tangram::buildSchedulePipeline(OpPassManager &pm,
                                         const std::vector<DeviceEntry> &devices,
                                         llvm::ArrayRef<std::string> pins,
                                         const PlacementOptions &placement) {
  pm.addPass(createHoistWeightsPass());
  AssignDevicesPassOptions assign;
  for (const DeviceEntry &d : devices)
    assign.devices.push_back(d.id + "=" + d.target);
  assign.pins.assign(pins.begin(), pins.end());
  pm.addPass(createAssignDevicesPass(assign));
  PlaceOpsPassOptions place;
  place.objective = placement.objective;
  place.dynamicDim = placement.dynamicDim;
  place.timeLimitMs = placement.timeLimitMs;
  place.avoid.assign(placement.avoid.begin(), placement.avoid.end());
  pm.addPass(createPlaceOpsPass(place));
  pm.addPass(createOutlineExecutablesPass());
  pm.addPass(createSerializeSchedulePass());
}

namespace {

struct Pin {
  std::string spec, device;
  /// The glob; GlobPattern refers to this text, so it lives here.
  std::string text;
  llvm::GlobPattern pattern;
  bool used = false;
};

struct AssignDevicesPass
    : public tangram::impl::AssignDevicesPassBase<AssignDevicesPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto fail = [&](const Twine &message) {
      module.emitError(message);
      signalPassFailure();
    };

    // The device list: the option, else what the module already says.
    std::vector<DeviceEntry> list;
    llvm::StringSet<> ids;
    for (const std::string &spec : devices) {
      auto [id, target] = StringRef(spec).split('=');
      if (id.empty() || target.empty())
        return fail("device '" + spec + "': expected ID=TARGET (e.g. cpu0=cpu)");
      if (!ids.insert(id).second)
        return fail("device '" + id + "' is listed twice");
      list.push_back({id.str(), target.str()});
    }
    // Devices given here replace the module's catalog; otherwise the
    // catalog the driver recorded (with its cost fields) stays.
    if (!list.empty())
      writeCatalog(module, Catalog{list, {}});
    else
      list = readDevices(module);
    if (list.empty())
      return fail("no devices: give devices=ID=TARGET,... or a module "
                  "'tg.devices' attribute");

    // Pins refer to their own text: no reallocation once filled.
    std::vector<Pin> parsed(pins.size());
    for (auto [spec, pin] : llvm::zip(pins, parsed)) {
      size_t eq = spec.rfind('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
        return fail("pin '" + spec + "': expected NODE=DEVICE");
      std::string device = spec.substr(eq + 1);
      if (llvm::none_of(list, [&](const DeviceEntry &d) { return d.id == device; })) {
        std::string known;
        for (const DeviceEntry &d : list)
          known += (known.empty() ? "" : ", ") + d.id;
        return fail("pin '" + spec + "': no device '" + device +
                    "' (devices: " + known + ")");
      }
      pin.spec = spec;
      pin.device = device;
      pin.text = spec.substr(0, eq);
      auto pattern = llvm::GlobPattern::create(pin.text);
      if (!pattern) {
        std::string message = llvm::toString(pattern.takeError());
        return fail("pin '" + spec + "': " + message);
      }
      pin.pattern = std::move(*pattern);
    }

    func::FuncOp entry;
    for (auto f : module.getOps<func::FuncOp>())
      if (f.isPublic() && !f.isExternal()) {
        if (entry)
          return fail("more than one public function");
        entry = f;
      }
    if (!entry)
      return fail("no entry function");

    StringAttr first = StringAttr::get(ctx, list.front().id);
    for (Operation &op : entry.getBody().front().without_terminator()) {
      StringAttr device = first;
      bool pinned = false;
      SmallVector<StringRef> names;
      collectNodeNames(op.getLoc(), names);
      for (Pin &p : parsed)
        if (llvm::any_of(names, [&](StringRef n) { return p.pattern.match(n); })) {
          device = StringAttr::get(ctx, p.device);
          p.used = pinned = true;
        }
      op.setAttr(kDeviceAttr, device);
      if (pinned)
        op.setAttr(kPinnedAttr, UnitAttr::get(ctx));
    }
    for (const Pin &p : parsed)
      if (!p.used)
        return fail("pin '" + p.spec + "' matches no node of the model");
  }
};

} // namespace
