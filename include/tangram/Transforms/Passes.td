//===- Passes.td - tg graph passes -----------------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TRANSFORMS_PASSES
#define TANGRAM_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def InferShapesPass : Pass<"tg-infer-shapes", "func::FuncOp"> {
  let summary = "Refines tg result types from operand types and constants";
  let description = [{
    Re-runs every tg op's type inference in program order and replaces a
    result type with the inferred one where the latter is more static (a `?`
    dim becomes known). Folding turns shape computations into constants;
    this pass then carries what they say into the types. The function's
    result types are updated to match its returned values.

    Before:
    ```mlir
    func.func @f(%x: tensor<2x6xf32>) -> tensor<?x?xf32> {
      %s = tg.constant dense<[3, 4]> : tensor<2xi64>
      %y = tg.reshape %x, %s : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
      return %y : tensor<?x?xf32>
    }
    ```
    After:
    ```mlir
    func.func @f(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
      %s = tg.constant dense<[3, 4]> : tensor<2xi64>
      %y = tg.reshape %x, %s : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<3x4xf32>
      return %y : tensor<3x4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::tangram::tg::TGDialect"];
}

def InferDimBoundsPass : Pass<"tg-infer-dim-bounds", "func::FuncOp"> {
  let summary = "Records upper bounds the model implies for dynamic input dims";
  let description = [{
    A dynamic input dim is bounded when the model slices a constant table
    by it: `position_ids[:, :seq]` over a table of 128 positions means the
    model has no positions past 128, so `seq <= 128`. Such slices (a constant
    input, a constant start, step 1, the end an input's dim through a
    Shape -> Gather -> Unsqueeze/Concat chain) set `tg.dim_max` on the
    function argument: one i64 per dim, -1 where no bound is known. The
    bundle's manifest records the bounds (`dim_max`) and the runtime rejects
    larger inputs with a clear error; GPU targets may size buffers by them.

    Before:
    ```mlir
    func.func @f(%ids: tensor<1x?xi64>) -> tensor<1x?xi64> {
      %table = tg.constant dense<...> : tensor<1x128xi64>
      %s = tg.shape %ids {start = 1 : i64, end = 2 : i64} : tensor<1x?xi64> -> tensor<1xi64>
      %y = tg.slice %table, %zero, %s, %one, %one : (...) -> tensor<1x?xi64>
      ...
    ```
    After:
    ```mlir
    func.func @f(%ids: tensor<1x?xi64> {tg.dim_max = [-1, 128]}) -> tensor<1x?xi64> {
    ```
  }];
  let dependentDialects = ["::mlir::tangram::tg::TGDialect"];
}

def HoistWeightsPass : Pass<"tg-hoist-weights", "ModuleOp"> {
  let summary = "Turns the model's large constants into entry arguments";
  let description = [{
    Every non-splat, non-i1 `tg.constant` of more than 64 elements in the
    module's one public function becomes a trailing argument, so its bytes
    go to the bundle's weights section (memory-mapped at run time) instead
    of the code object, which stays small and compiles fast. The argument
    carries `tg.weight` (its index among the weights), `tg.weight_name`
    (the initializer's name) and `tg.weight_value` (the constant itself,
    which the bundle writer reads). All arguments are marked
    `bufferization.writable = false`: the runtime passes inputs and
    memory-mapped weights, which the code must not write. Fails when the
    module has no or several public functions.

    Before:
    ```mlir
    func.func @main(%x: tensor<1x128xf32>) -> tensor<1x128xf32> {
      %w = tg.constant dense_resource<w> : tensor<128x128xf32> loc("fc.weight")
      %y = tg.matmul %x, %w : (...) -> tensor<1x128xf32>
    ```
    After:
    ```mlir
    func.func @main(%x: tensor<1x128xf32> {bufferization.writable = false},
        %w: tensor<128x128xf32> {bufferization.writable = false, tg.weight = 0 : i64,
            tg.weight_name = "fc.weight", tg.weight_value = dense_resource<w> : tensor<128x128xf32>})
    ```
  }];
  let dependentDialects = ["::mlir::tangram::tg::TGDialect",
                           "::mlir::bufferization::BufferizationDialect"];
}

def VerifyBackendContractPass
    : Pass<"tg-verify-backend-contract", "ModuleOp"> {
  let summary = "Checks that a module has the form docs/BackendContract.md "
                "promises later stages";
  let description = [{
    Reports, as errors on the offending op or argument, anything that breaks
    the contract the import clean-up establishes: the module holds one
    public function with one block; its ops are `tg` ops (regions only in
    `tg.if` and `tg.loop`, ended by `tg.yield`) and the final
    `func.return`; every value is a ranked tensor of a tg element type (or
    a `!tg.seq` / `!tg.optional` of one); arguments and results carry
    `tg.name`; `axis` attributes are non-negative and `axes` lists sorted,
    unique and non-negative. The pass changes nothing.

    Example of a report:
    ```mlir
    func.func @main(%x: tensor<*xf32> {tg.name = "x"}) -> ... 
    // error: backend contract: argument 0 ('x') is not a ranked tensor of a tg element type
    ```
  }];
  let dependentDialects = ["::mlir::tangram::tg::TGDialect"];
}

def DestinationResultsPass : Pass<"tg-destination-results", "ModuleOp"> {
  let summary = "Makes executables write their results into caller-allocated "
                "buffers, with a shape function for run-time result sizes";
  let description = [{
    The runtime allocates every result before a launch (a GPU kernel cannot
    allocate, and a result is then written once, in place, with no copy
    out). On linalg on tensors, each public function:

    - gets one memref argument per result, after its own arguments, and
      ends by materializing each result into it
      (`bufferization.materialize_in_destination ... restrict writable`);
      empty-tensor elimination then lets the op that computes a result
      write straight into the caller's buffer;
    - when a result has a dynamic dim, gets a companion `<name>_shapes`
      (marked `tg.shape_function`) that returns every result dim as one
      `tensor<Nxi64>`, N the sum of the result ranks. The runtime calls it
      first to size the buffers; `tensor.dim` folding
      (resolve-ranked-shaped-type-result-dims, canonicalization) leaves
      in it only the arithmetic on input sizes, unless a size depends on
      data (NonZero), when it computes what it needs. Run-time checks on
      data (`cf.assert` inside linalg bodies) are dropped from it, as the
      executable makes them; checks on sizes stay, so a bad size fails
      before anything is allocated from it.

    Before:
    ```mlir
    func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
      %y = math.exp ... : tensor<?x4xf32>
      return %y : tensor<?x4xf32>
    }
    ```
    After:
    ```mlir
    func.func @f(%x: tensor<?x4xf32>, %out: memref<?x4xf32>) {
      %y = math.exp ... : tensor<?x4xf32>
      bufferization.materialize_in_destination %y in restrict writable %out
          : (tensor<?x4xf32>, memref<?x4xf32>) -> ()
      return
    }
    func.func @f_shapes(%x: tensor<?x4xf32>) -> tensor<2xi64> attributes {tg.shape_function} {
      %d = tensor.dim %y, %c0 ... (folds to the dim of %x)
      %s = tensor.from_elements %d64, %c4 : tensor<2xi64>
      return %s : tensor<2xi64>
    }
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // TANGRAM_TRANSFORMS_PASSES
