//===- Passes.td - the schedule passes -------------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_SCHEDULE_PASSES
#define TANGRAM_SCHEDULE_PASSES

include "mlir/Pass/PassBase.td"

def AssignDevicesPass : Pass<"tg-assign-devices", "ModuleOp"> {
  let summary = "Gives every op of the model a device affinity";
  let description = [{
    Records the compile's device list on the module (`tg.devices`) and sets
    `tg.device` on each top-level op of the model's public function. An op
    goes to the device of the last pin whose pattern matches one of its
    ONNX node names (from its location; `*` and `?` are wildcards, so
    `/layer4/*` pins a whole block), and to the first device otherwise.
    A pinned op is marked `tg.pinned`: tg-place-ops, which runs next,
    chooses the devices of the others and keeps the pins.

    A pin whose device is not in the list, or whose pattern matches no
    node, is an error: a typo must not silently leave a model on one
    device.

    Example (`devices=cpu0=cpu,cpu1=cpu pins=relu=cpu1`):
    ```mlir
    %0 = tg.conv %x, %w ... loc("conv")  // gets {tg.device = "cpu0"}
    %1 = tg.relu %0 ... loc("relu")      // gets {tg.device = "cpu1"}
    ```
  }];
  let options = [
    ListOption<"devices", "devices", "std::string",
               "The devices, in order, as ID=TARGET (e.g. cpu0=cpu); the "
               "first takes every op no pin moves">,
    ListOption<"pins", "pins", "std::string",
               "NODE=DEVICE: ops of the ONNX nodes matching the glob NODE "
               "go to DEVICE">
  ];
  let dependentDialects = ["::mlir::tangram::tg::TGDialect"];
}

def PlaceOpsPass : Pass<"tg-place-ops", "ModuleOp"> {
  let summary = "Places the model's ops on the catalog's devices by a cost model";
  let description = [{
    Chooses a device for every op that no pin placed (after
    tg-assign-devices), from the module's catalog (`tg.devices`,
    `tg.links`; docs/DeviceCatalog.md), and rewrites its `tg.device`.

    - **Capabilities first.** An op goes only where the device's target
      takes it (`TargetBackend::supportsOp`: host-only ops, element types
      the device lacks) and the catalog gives a rate for its floating-point
      type. An op no device can take is an error naming the op, its ONNX
      node and each device's reason; so is a pin to a device that cannot
      take its op.
    - **Fusion groups.** An op that is not a contraction joins its
      producer's group when it is that producer's only user and its only
      producer; a group moves as one.
    - **Cost model** (CostModel.cpp): each op's work (`WorkOpInterface`)
      on a roofline of the device plus its launch; each value that crosses
      devices pays the link (latency plus bytes over bandwidth), once per
      destination device. Model inputs arrive and outputs leave on the
      first CPU device.
    - **Objectives.** `latency`: the finish time of a simulated run with
      one queue per device and per link (devices overlap). `throughput`:
      pipelined inferences per second, bounded by the busiest device or
      link. `cost`: money per inference, each device's price per second
      times the time it is occupied (its compute plus its transfers).
    - **Search.** An integer program over (group, device) choices and
      (value, link) transfers, solved by GLPK within `time-limit-ms`, with
      the memory of each device as a constraint; every single-device plan
      and the per-op greedy plan are candidates too, and a local search
      moves single groups while the objective improves. The best plan under
      the objective wins, so it is never worse than the best single device
      under the model.

    Without cost fields in the catalog, each op goes to the first device
    that can take it. The decision and its predicted figures are left on
    the module as JSON (`tg.placement`) for `--report` and
    `--emit=placement`.
  }];
  let options = [
    Option<"objective", "objective", "std::string", "\"latency\"",
           "latency, throughput or cost">,
    Option<"dynamicDim", "dynamic-dim", "int64_t", "1",
           "The size a run-time dim counts as in the cost model">,
    Option<"timeLimitMs", "time-limit-ms", "unsigned", "2000",
           "Time cap of the integer program (ms)">,
    ListOption<"avoid", "avoid", "std::string",
               "DEVICE:NODE: the ops of ONNX node NODE cannot run on DEVICE "
               "(the driver's finding when an executable there needs a host "
               "step)">
  ];
}

def OutlineExecutablesPass : Pass<"tg-outline-executables", "ModuleOp"> {
  let summary = "Outlines same-device regions into executables, with transfers";
  let description = [{
    Groups the public function's ops into maximal same-device segments
    (a topological order that stays on one device as long as it can, so a
    model split in two crosses devices once each way per split), moves each
    segment into a private function carrying `tg.device` (an executable,
    which that device's target compiles), and leaves in the public
    function only the schedule: `tg.launch` of each executable in order
    and a `tg.transfer` wherever a value crosses devices. Constants are
    copied into every executable that uses them. Model inputs and weights
    are bound directly on each device that reads them; an executable's
    argument bound to a weight carries `tg.is_weight` (its address and
    contents stay the same while the bundle is loaded, so a backend may
    keep what it derives from it, as the CPU microkernels keep packed
    weights).

    Every model output becomes the result of exactly one launch; an output
    that is an input, a constant or another output is copied by a small
    executable of its own.

    Before (ops assigned to cpu0 and cpu1):
    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
      %0 = tg.relu %x {tg.device = "cpu0"} : tensor<4xf32>
      %1 = tg.neg %0 {tg.device = "cpu1"} : tensor<4xf32>
      return %1 : tensor<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
      %0 = tg.launch @main_cpu0_0 on "cpu0"(%x) : (tensor<4xf32>) -> tensor<4xf32>
      %1 = tg.transfer %0 to "cpu1" : tensor<4xf32>
      %2 = tg.launch @main_cpu1_1 on "cpu1"(%1) : (tensor<4xf32>) -> tensor<4xf32>
      return %2 : tensor<4xf32>
    }
    func.func private @main_cpu0_0(%a: tensor<4xf32>) -> tensor<4xf32> attributes {tg.device = "cpu0"} { ... }
    func.func private @main_cpu1_1(%a: tensor<4xf32>) -> tensor<4xf32> attributes {tg.device = "cpu1"} { ... }
    ```
  }];
  let dependentDialects = ["::mlir::tangram::tg::TGDialect"];
}

def SerializeSchedulePass : Pass<"tg-serialize-schedule", "ModuleOp"> {
  let summary = "Writes the schedule as the bundle's manifest plan";
  let description = [{
    Turns the schedule function (after tg-outline-executables) into a
    manifest (docs/BundleFormat.md) and stores its JSON in the module's
    `tg.manifest` attribute: the devices that run something, one code
    object per device whose exports are its executables, the inputs,
    outputs and weights, the buffers (each input and weight bound on every
    device that reads it, one intermediate per launch result or transfer
    that is not an output) and the steps in program order. Only what a
    target produces is left to fill in: code bytes and format, weight
    bytes, the devices' target triples.
  }];
}

#endif // TANGRAM_SCHEDULE_PASSES
