//===- SequenceOps.td - tg sequence and optional ops --------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// ONNX sequence and optional ops. Positions are 0-D or one-element integer
// tensors; negative positions count from the end, out of range is a
// run-time error. Included by GraphOps.td; type inference is in
// SequenceOps.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_SEQUENCE_OPS
#define TANGRAM_GRAPH_SEQUENCE_OPS

def TG_Seq : Type<CPred<"::llvm::isa<::mlir::tangram::tg::SequenceType>($_self)">,
                  "sequence", "::mlir::tangram::tg::SequenceType">;
def TG_Opt : Type<CPred<"::llvm::isa<::mlir::tangram::tg::OptionalType>($_self)">,
                  "optional", "::mlir::tangram::tg::OptionalType">;
/// A sequence element: a tensor of any (or unknown) rank.
def TG_AnyRankTensor : TensorOf<[TG_AnyElem]>;
/// A value an If, Loop or optional may carry.
def TG_Value : AnyTypeOf<[TG_Tensor, TG_Seq, TG_Opt]>;

def TG_SequenceConstructOp : TG_Op<"sequence_construct", [Pure]> {
  let summary = "a sequence of the given tensors";
  let description = [{
    Example:
    ```mlir
    %s = tg.sequence_construct %a, %b : (tensor<2xf32>, tensor<3xf32>) -> !tg.seq<tensor<?xf32>>
    ```
  }];
  let arguments = (ins Variadic<TG_AnyRankTensor>:$inputs);
  let results = (outs TG_Seq:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
}

def TG_SequenceEmptyOp : TG_Op<"sequence_empty", [Pure]> {
  let summary = "an empty sequence of `dtype` tensors";
  let description = [{
    Example:
    ```mlir
    %s = tg.sequence_empty {dtype = f32} : !tg.seq<tensor<*xf32>>
    ```
  }];
  let arguments = (ins TypeAttr:$dtype);
  let results = (outs TG_Seq:$output);
  let assemblyFormat = "attr-dict `:` qualified(type($output))";
}

def TG_SequenceInsertOp : TG_Op<"sequence_insert", [Pure]> {
  let summary = "the sequence with a tensor inserted (at the end by default)";
  let description = [{
    Inserts `value` before `position` (0 to the length), or appends it when
    there is no position.

    Example:
    ```mlir
    %t = tg.sequence_insert %s, %x : (!tg.seq<tensor<2xf32>>, tensor<2xf32>) -> !tg.seq<tensor<2xf32>>
    ```
  }];
  let arguments = (ins TG_Seq:$sequence, TG_AnyRankTensor:$value,
                       Optional<TG_IndexTensor>:$position);
  let results = (outs TG_Seq:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_SequenceAtOp : TG_Op<"sequence_at", [Pure]> {
  let summary = "the tensor at a position of a sequence";
  let description = [{
    Example:
    ```mlir
    %x = tg.sequence_at %s, %i : (!tg.seq<tensor<2xf32>>, tensor<i64>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins TG_Seq:$sequence, TG_IndexTensor:$position);
  let results = (outs TG_AnyRankTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_SequenceEraseOp : TG_Op<"sequence_erase", [Pure]> {
  let summary = "the sequence without the tensor at a position (the last by default)";
  let description = [{
    Example:
    ```mlir
    %t = tg.sequence_erase %s : (!tg.seq<tensor<2xf32>>) -> !tg.seq<tensor<2xf32>>
    ```
  }];
  let arguments = (ins TG_Seq:$sequence, Optional<TG_IndexTensor>:$position);
  let results = (outs TG_Seq:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_SequenceLengthOp : TG_Op<"sequence_length", [Pure]> {
  let summary = "the number of tensors in a sequence, as a 0-D i64";
  let description = [{
    Example:
    ```mlir
    %n = tg.sequence_length %s : !tg.seq<tensor<2xf32>> -> tensor<i64>
    ```
  }];
  let arguments = (ins TG_Seq:$sequence);
  let results = (outs TG_I64Tensor:$output);
  let assemblyFormat = "$sequence attr-dict `:` qualified(type($sequence)) `->` type($output)";
}

def TG_SplitToSequenceOp : TG_Op<"split_to_sequence", [Pure]> {
  let summary = "splits a tensor along an axis into a sequence";
  let description = [{
    ONNX SplitToSequence: without `split`, into pieces of length 1 (the
    axis removed unless `keepdims`); with a 0-D `split`, into pieces of that
    length (the last may be shorter); with a 1-D `split`, into pieces of
    those lengths.

    Example:
    ```mlir
    %s = tg.split_to_sequence %x {axis = 0 : i64, keepdims = false}
        : (tensor<3x4xf32>) -> !tg.seq<tensor<4xf32>>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, Optional<TG_IndexTensor>:$split,
                       I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs TG_Seq:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_ConcatFromSequenceOp : TG_Op<"concat_from_sequence", [Pure]> {
  let summary = "concatenates (or stacks) the tensors of a sequence";
  let description = [{
    Along `axis`, or along a new dim at `axis` with `new_axis`. The
    elements must be ranked; `axis` is normalized.

    Example:
    ```mlir
    %y = tg.concat_from_sequence %s {axis = 0 : i64, new_axis = true}
        : (!tg.seq<tensor<4xf32>>) -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins TG_Seq:$sequence, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$new_axis);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_OptionalOp : TG_Op<"optional", [Pure]> {
  let summary = "an optional holding a value, or an empty one of a type";
  let description = [{
    With an operand, the optional holds it; without, `type` names the value
    type of the empty optional.

    Example:
    ```mlir
    %o = tg.optional %x : (tensor<2xf32>) -> !tg.optional<tensor<2xf32>>
    %e = tg.optional {type = tensor<2xf32>} : () -> !tg.optional<tensor<2xf32>>
    ```
  }];
  let arguments = (ins Optional<AnyTypeOf<[TG_AnyRankTensor, TG_Seq]>>:$input,
                       OptionalAttr<TypeAttr>:$type);
  let results = (outs TG_Opt:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_OptionalHasElementOp : TG_Op<"optional_has_element", [Pure]> {
  let summary = "whether an optional holds a value, as a 0-D i1";
  let description = [{
    Example:
    ```mlir
    %b = tg.optional_has_element %o : !tg.optional<tensor<2xf32>> -> tensor<i1>
    ```
  }];
  let arguments = (ins TG_Opt:$input);
  let results = (outs TG_BoolTensor:$output);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` type($output)";
}

def TG_OptionalGetElementOp : TG_Op<"optional_get_element", [Pure]> {
  let summary = "the value of an optional (a run-time error when empty)";
  let description = [{
    Example:
    ```mlir
    %x = tg.optional_get_element %o : !tg.optional<tensor<2xf32>> -> tensor<2xf32>
    ```
  }];
  let arguments = (ins TG_Opt:$input);
  let results = (outs AnyTypeOf<[TG_AnyRankTensor, TG_Seq]>:$output);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` type($output)";
}

#endif // TANGRAM_GRAPH_SEQUENCE_OPS
