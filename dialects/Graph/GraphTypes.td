//===- GraphTypes.td - tg sequence and optional types -------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// ONNX's non-tensor values: sequences of tensors and optionals. Included by
// GraphOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_TYPES
#define TANGRAM_GRAPH_TYPES

include "mlir/IR/AttrTypeBase.td"

class TG_Type<string name, string typeMnemonic> : TypeDef<TG_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def TG_SequenceType : TG_Type<"Sequence", "seq"> {
  let summary = "an ONNX sequence of tensors";
  let description = [{
    A run-time list of tensors of one element type. The parameter is the
    join of the elements' types: a ranked tensor type whose dims are `?`
    where elements differ, or an unranked tensor when their ranks differ or
    are unknown (an empty sequence).

    Example: `!tg.seq<tensor<?x4xf32>>`, `!tg.seq<tensor<*xi64>>`.
  }];
  let parameters = (ins "::mlir::TensorType":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

def TG_OptionalType : TG_Type<"Optional", "optional"> {
  let summary = "an ONNX optional: a tensor or sequence, or nothing";
  let description = [{
    Example: `!tg.optional<tensor<5xf32>>`, `!tg.optional<!tg.seq<tensor<*xf32>>>`.
  }];
  let parameters = (ins "::mlir::Type":$valueType);
  let assemblyFormat = "`<` $valueType `>`";
}

#endif // TANGRAM_GRAPH_TYPES
