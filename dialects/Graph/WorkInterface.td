//===- WorkInterface.td - what an op costs to run --------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_WORKINTERFACE
#define TANGRAM_GRAPH_WORKINTERFACE

include "mlir/IR/OpBase.td"

def TG_WorkOpInterface : OpInterface<"WorkOpInterface"> {
  let description = [{
    The work an op does, in terms a device's roofline prices: arithmetic
    operations in one element type (a multiply-add counts two) and the
    bytes it reads and writes. Placement's cost model asks every op. A
    run-time dim counts as `dynamicDim`.

    Every tg op has it; the default is `estimateWork` (Work.cpp), which
    knows contractions, windows, reductions, elementwise math and pure data
    movement by their op class, so a new op is priced without new code and
    an op with unusual work adds a case there.
  }];
  let cppNamespace = "::mlir::tangram::tg";
  let methods = [
    InterfaceMethod<"The op's work with run-time dims taken as `dynamicDim`.",
      "::mlir::tangram::tg::OpWork", "getWork", (ins "int64_t":$dynamicDim),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return ::mlir::tangram::tg::estimateWork($_op.getOperation(),
                                                 dynamicDim);
      }]>
  ];
}

#endif // TANGRAM_GRAPH_WORKINTERFACE
