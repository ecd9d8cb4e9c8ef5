//===- ControlFlowOps.td - tg If and Loop -------------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Data-dependent control flow with value semantics (ONNX If and Loop; Scan
// imports as a Loop). Regions may use values defined above them, as ONNX
// subgraphs use outer-scope names. Included by GraphOps.td; verifiers and
// type inference are in ControlFlowOps.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_CONTROL_FLOW_OPS
#define TANGRAM_GRAPH_CONTROL_FLOW_OPS

def TG_IfOp : TG_Op<"if", [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "runs one of two regions on a boolean scalar";
  let description = [{
    ONNX If: `cond` is a 0-D or one-element i1 tensor; the `then` region runs
    when it is true, the `else` region otherwise, and the op's results are
    the values the region yields. Both regions yield the same number of
    values with the same element types and ranks; a dim on which they differ
    is `?` in the result.

    Example:
    ```mlir
    %r = tg.if %c : tensor<i1> -> tensor<5xf32> {
      %a = tg.constant dense<1.0> : tensor<5xf32>
      tg.yield %a : tensor<5xf32>
    } else {
      %b = tg.constant dense<2.0> : tensor<5xf32>
      tg.yield %b : tensor<5xf32>
    }
    ```
  }];
  let arguments = (ins TG_BoolTensor:$cond);
  let results = (outs Variadic<TG_Value>:$results);
  let regions = (region SizedRegion<1>:$then_region, SizedRegion<1>:$else_region);
  let assemblyFormat = [{
    $cond attr-dict `:` type($cond) (`->` type($results)^)? $then_region `else` $else_region
  }];
}

def TG_LoopOp : TG_Op<"loop", [RecursiveMemoryEffects]> {
  let summary = "a loop with a trip count, a condition and carried values";
  let description = [{
    ONNX Loop: runs `body` while the iteration number is below
    `max_trip_count` (a 0-D or one-element i64) and the condition is true
    (initially `cond`). The body's arguments are the iteration number
    (tensor<i64>), the condition (tensor<i1>) and the carried values (typed
    as `inits` or more generally, e.g. a sequence whose element type widens
    as it grows); it yields the next condition, the next carried values (of
    types compatible with the arguments') and any number of scan values.
    The results are the final carried values (of the arguments' types),
    then each scan value stacked over the iterations along a new leading
    dim (`?`, the iteration count).

    Example:
    ```mlir
    %y, %s = tg.loop %n, %c, %y0 : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> (tensor<1xf32>, tensor<?x1xf32>) {
    ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %yi: tensor<1xf32>):
      %y1 = tg.add %yi, %yi : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
      tg.yield %ci, %y1, %y1 : tensor<i1>, tensor<1xf32>, tensor<1xf32>
    }
    ```
  }];
  let arguments = (ins TG_I64Tensor:$max_trip_count, TG_BoolTensor:$cond,
                       Variadic<TG_Value>:$inits);
  let results = (outs Variadic<TG_Value>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $max_trip_count `,` $cond (`,` $inits^)? attr-dict `:` functional-type(operands, results) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The number of scan results (after the carried ones).
    unsigned getNumScans() { return getNumResults() - getInits().size(); }
  }];
}

def TG_YieldOp : Op<TG_Dialect, "yield",
    [Pure, Terminator, ParentOneOf<["IfOp", "LoopOp"]>]> {
  let summary = "yields the values of a tg.if or tg.loop region";
  let description = [{
    Ends a region of `tg.if` (its results) or `tg.loop` (the next condition,
    the carried values, the scan values).

    Example:
    ```mlir
    tg.yield %a : tensor<5xf32>
    ```
  }];
  let arguments = (ins Variadic<TG_Value>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // TANGRAM_GRAPH_CONTROL_FLOW_OPS
