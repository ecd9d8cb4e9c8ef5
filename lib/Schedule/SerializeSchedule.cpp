//===- SerializeSchedule.cpp - tg-serialize-schedule ----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The schedule function -> a manifest plan (JSON in `tg.manifest`). The
// compile driver parses it, adds code and weight bytes and the devices'
// target details, and writes the bundle: nothing about the schedule is
// assembled by hand.
//
//===----------------------------------------------------------------------===//
#include "tangram/Schedule/Passes.h"
#include "Graph/GraphOps.h"
#include "tangram/Bundle/Manifest.h"
#include "tangram/Schedule/ModelInterface.h"
#include "tangram/Transforms/Passes.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_SERIALIZESCHEDULEPASS
#include "tangram/Schedule/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;
namespace tb = ::tangram;

namespace {

struct SerializeSchedulePass
    : public mlir::tangram::impl::SerializeSchedulePassBase<
          SerializeSchedulePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &message) {
      module.emitError(message);
      signalPassFailure();
    };
    std::string error;
    auto mi = readModelInterface(module, error, /*withData=*/false);
    if (!mi)
      return fail(error);
    func::FuncOp entry = mi->entry;
    std::vector<DeviceEntry> catalog = readDevices(module);

    tb::Manifest m;
    m.producer = "tangram-compile";
    for (const TensorInfo &t : mi->inputs)
      m.inputs.push_back({t.name, t.dtype, t.shape, t.dimNames, t.dimMax});
    for (const TensorInfo &t : mi->outputs)
      m.outputs.push_back({t.name, t.dtype, t.shape, t.dimNames, {}});
    for (const WeightInfo &w : mi->weights) {
      tb::WeightDesc d;
      d.name = w.name;
      d.dtype = w.dtype;
      d.shape = w.shape;
      if (!tb::shapeByteSize(w.shape, w.dtype, d.size))
        return fail("weight '" + w.name + "' is too large");
      m.weights.push_back(std::move(d));
    }

    // Devices that run something, in catalog order; one code object each.
    llvm::MapVector<StringRef, unsigned> deviceIndex;
    for (const DeviceEntry &d : catalog)
      for (Operation &op : entry.getBody().front())
        if (auto attr = op.getAttrOfType<StringAttr>("device");
            attr && attr.getValue() == d.id && isa<tg::LaunchOp, tg::TransferOp>(op)) {
          deviceIndex.insert({d.id, m.devices.size()});
          m.devices.push_back({d.id, d.target, "", ""});
          m.codeObjects.push_back({});
          m.codeObjects.back().device = deviceIndex.lookup(d.id);
          break;
        }
    auto deviceOf = [&](StringRef id) -> std::optional<unsigned> {
      auto it = deviceIndex.find(id);
      if (it == deviceIndex.end())
        return std::nullopt;
      return it->second;
    };

    // Buffers: inputs and weights per device that reads them; one per
    // launch result and transfer otherwise.
    unsigned numInputs = mi->inputs.size();
    std::map<std::pair<unsigned, unsigned>, unsigned> boundArg;
    DenseMap<Value, unsigned> bufferOf;
    auto newBuffer = [&](tb::BufferDesc b) {
      m.buffers.push_back(std::move(b));
      return (unsigned)m.buffers.size() - 1;
    };
    auto argBuffer = [&](BlockArgument a, unsigned device) {
      auto [it, fresh] = boundArg.try_emplace({a.getArgNumber(), device}, 0);
      if (fresh) {
        tb::BufferDesc b;
        bool input = a.getArgNumber() < numInputs;
        b.kind = input ? tb::BufferKind::Input : tb::BufferKind::Weight;
        b.index = input ? a.getArgNumber() : a.getArgNumber() - numInputs;
        b.device = device;
        it->second = newBuffer(b);
      }
      return it->second;
    };
    // Which output a schedule value is, if any.
    DenseMap<Value, unsigned> outputOf;
    auto ret = cast<func::ReturnOp>(entry.getBody().front().getTerminator());
    for (auto [i, v] : llvm::enumerate(ret.getOperands()))
      outputOf.try_emplace(v, i);
    auto resultBuffer = [&](Value v, unsigned device) -> std::optional<unsigned> {
      tb::BufferDesc b;
      b.device = device;
      if (auto it = outputOf.find(v); it != outputOf.end()) {
        b.kind = tb::BufferKind::Output;
        b.index = it->second;
      } else {
        b.kind = tb::BufferKind::Intermediate;
        auto t = dyn_cast<RankedTensorType>(v.getType());
        auto dtype = t ? toDType(t.getElementType()) : std::nullopt;
        if (!dtype)
          return std::nullopt;
        b.dtype = *dtype;
        for (int64_t d : t.getShape())
          b.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
      }
      unsigned id = newBuffer(b);
      bufferOf[v] = id;
      return id;
    };
    auto read = [&](Value v, unsigned device) {
      if (auto a = dyn_cast<BlockArgument>(v))
        return argBuffer(a, device);
      return bufferOf.lookup(v);
    };

    std::map<std::string, std::pair<unsigned, unsigned>> exportOf;
    for (Operation &op : entry.getBody().front().without_terminator()) {
      if (auto t = dyn_cast<tg::TransferOp>(op)) {
        auto dst = deviceOf(t.getDevice());
        if (!dst)
          return fail("transfer to unknown device '" + t.getDevice() + "'");
        tb::ScheduleStep s;
        s.op = tb::StepOp::Transfer;
        s.src = read(t.getInput(), *dst);
        auto out = resultBuffer(t.getOutput(), *dst);
        if (!out)
          return fail("a transferred value's type is not supported by the bundle");
        s.dst = *out;
        m.schedule.push_back(std::move(s));
        continue;
      }
      auto launch = dyn_cast<tg::LaunchOp>(op);
      if (!launch)
        return fail("the schedule holds '" + op.getName().getStringRef() +
                    "': run tg-outline-executables first");
      unsigned device = *deviceOf(launch.getDevice());
      tb::CodeObjectDesc &code = m.codeObjects[device];
      auto [it, fresh] = exportOf.try_emplace(launch.getCallee().str(),
                                              device, code.exports.size());
      if (fresh) {
        // A result sized only at run time needs the executable's shape
        // function (tg-destination-results makes it).
        bool dynamic = llvm::any_of(launch.getResultTypes(), [](Type t) {
          return !cast<ShapedType>(t).hasStaticShape();
        });
        std::string name = launch.getCallee().str();
        tb::ExportDesc x;
        x.name = name;
        x.args = launch.getArgs().size();
        x.results = launch.getNumResults();
        x.shapes = dynamic ? shapeFunctionName(name) : "";
        code.exports.push_back(std::move(x));
      }
      tb::ScheduleStep s;
      s.op = tb::StepOp::Launch;
      s.device = device;
      s.codeObject = device;
      s.exportIndex = it->second.second;
      for (Value a : launch.getArgs())
        s.args.push_back(read(a, device));
      for (Value r : launch.getResults()) {
        auto id = resultBuffer(r, device);
        if (!id)
          return fail("a result type of '" + launch.getCallee() +
                      "' is not supported by the bundle");
        s.results.push_back(*id);
      }
      m.schedule.push_back(std::move(s));
    }
    module->setAttr(kManifestAttr,
                    StringAttr::get(&getContext(), tb::serializeManifest(m)));
  }
};

} // namespace
