//===- GraphDialect.td - the tg dialect -------------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_DIALECT
#define TANGRAM_GRAPH_DIALECT

include "mlir/IR/OpBase.td"

def TG_Dialect : Dialect {
  let name = "tg";
  let summary = "Tangram's hardware-agnostic tensor graph dialect";
  let description = [{
    The `tg` dialect holds whole models as graphs of tensor operations with
    value semantics on ranked tensors, plus ONNX's sequences
    (`!tg.seq<...>`) and optionals (`!tg.optional<...>`) and structured
    control flow (`tg.if`, `tg.loop` with regions). Dimensions may be static or dynamic
    (`?`); element types are f16, bf16, f32, f64, i1, i8..i64 (signless, read
    as signed), ui8..ui64 and i4/ui4 (unpacked), plus the 8-bit floats f8E4M3FN, f8E4M3FNUZ,
    f8E5M2 and f8E5M2FNUZ as storage (cast, quantize, data movement). Every op infers its result types from its
    operands and attributes, so a dynamic dimension stays `?` until shape
    inference (`tg-infer-shapes`) or folding makes it known.

    Ops follow ONNX semantics (numpy broadcasting, ONNX attribute defaults) so
    that the importer stays a thin translation, but they carry no opset
    history: attributes are normalized (explicit pads, non-negative sorted
    axes) when a model is imported.
  }];
  let cppNamespace = "::mlir::tangram::tg";
  let hasConstantMaterializer = 1;
  let useDefaultTypePrinterParser = 1;
}

#endif // TANGRAM_GRAPH_DIALECT
