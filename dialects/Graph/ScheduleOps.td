//===- ScheduleOps.td - tg launch and transfer -------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The schedule as IR. After tg-outline-executables, the model's public
// function holds only these ops: it launches per-device executables
// (private functions carrying `tg.device`) and moves values between
// devices. tg-serialize-schedule turns it into the bundle's manifest.
// Included by GraphOps.td; verifiers are in ScheduleOps.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_SCHEDULE_OPS
#define TANGRAM_GRAPH_SCHEDULE_OPS

include "mlir/IR/SymbolInterfaces.td"

def TG_LaunchOp : Op<TG_Dialect, "launch",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "runs a per-device executable";
  let description = [{
    Runs the executable `callee` (a private function of this module whose
    `tg.device` attribute is `device`) on that device. Its operands must
    already live there: model inputs and weights, results of launches on
    the same device, or `tg.transfer` results to it. The results live on
    `device`.

    Example:
    ```mlir
    %y = tg.launch @main_cpu0_0 on "cpu0"(%x, %w)
        : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, StrAttr:$device,
                       Variadic<AnyType>:$args);
  let results = (outs Variadic<AnyType>:$results);
  let assemblyFormat = [{
    $callee `on` $device `(` $args `)` attr-dict `:` functional-type($args, results)
  }];
}

def TG_TransferOp : Op<TG_Dialect, "transfer",
    [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "copies a value to another device";
  let description = [{
    An explicit copy of `input` into the memory of `device`; the result is
    the same value there. tg-outline-executables inserts one wherever a
    value crosses devices, so every copy a schedule makes is visible (and
    priced, by placement).

    Example:
    ```mlir
    %b = tg.transfer %a to "cpu1" : tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins AnyType:$input, StrAttr:$device);
  let results = (outs AnyType:$output);
  let assemblyFormat = "$input `to` $device attr-dict `:` type($input)";
}

#endif // TANGRAM_GRAPH_SCHEDULE_OPS
