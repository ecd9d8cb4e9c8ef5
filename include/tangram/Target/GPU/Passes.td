//===- Passes.td - passes of the shared GPU pipeline ------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_GPU_PASSES
#define TANGRAM_TARGET_GPU_PASSES

include "mlir/Pass/PassBase.td"

def GPUResultShapesPass : Pass<"tg-gpu-result-shapes", "ModuleOp"> {
  let summary = "Turns shape functions into result-dim formulas of the "
                "executables' GPU programs";
  let description = [{
    A GPU executable runs its shape arithmetic on the host, in the runtime,
    from the launch's program (docs/BundleFormat.md, "GPU programs"). This
    pass turns each `<name>_shapes` function (tg-destination-results) into
    formulas over the executable's argument dims: `tg.gpu_values` (one
    `[op, a, b]` per value, ops as in `tangram::ProgramOp`) and
    `tg.gpu_result_dims` (the value ids of each result's dims) on the
    executable, and erases the shape function. A size read back from a
    small integer tensor built of host scalars (a Concat of Shape slices
    that a Resize takes as its sizes; constants, fills, and elementwise ops
    over such tensors, whose body is cloned per element: the
    Where(Equal(shape, -1), 1, shape) torch exports for expand(batch, -1,
    -1)) is that scalar: each `tensor.extract`
    at constant indices of such a tensor, in the executable and in its
    shape function, is replaced by the element it reads. A result size that
    depends on data (NonZero, a Reshape whose shape is an input) is an
    error naming the op: such an executable needs a host step.

    Before:
    ```mlir
    func.func @f(%x: tensor<?x4xf32>, %out: memref<?x4xf32>) attributes {tg.num_results = 1 : i64} {...}
    func.func @f_shapes(%x: tensor<?x4xf32>) -> tensor<2xi64> attributes {tg.shape_function} {
      %d = tensor.dim %x, %c0 ...
      %s = tensor.from_elements %d64, %c4 : tensor<2xi64>
      return %s : tensor<2xi64>
    }
    ```
    After:
    ```mlir
    func.func @f(...) attributes {tg.gpu_result_dims = [array<i64: 0, 1>],
        tg.gpu_values = [array<i64: 1, 0, 0>, array<i64: 0, 4, 0>], ...}
    ```
  }];
}

def GPUSinkIntoBranchesPass
    : Pass<"tg-gpu-sink-into-branches", "func::FuncOp"> {
  let summary = "Moves the writes of a branch's results to their "
                "destinations into the branches";
  let description = [{
    A model whose kernels depend on input data (reduction axes or a CumSum
    axis given as an input) lowers to an `scf.index_switch` (or `scf.if`)
    whose cases compute differently shaped tensors. On a GPU the host
    program picks the case at run time and dispatches only its kernels; a
    branch result used after the branch would be a buffer chosen at run
    time, which kernels cannot bind. When every result of a branch is only
    written to a destination (`bufferization.materialize_in_destination`,
    tg-destination-results), each case writes it itself and the branch
    loses its results.

    Before:
    ```mlir
    %r = scf.index_switch %k -> tensor<?xf32>
    case 2 { ...; scf.yield %a : tensor<?xf32> }
    default { ...; scf.yield %b : tensor<?xf32> }
    bufferization.materialize_in_destination %r in restrict writable %out
    ```
    After:
    ```mlir
    scf.index_switch %k
    case 2 { ...; bufferization.materialize_in_destination %a in restrict writable %out; scf.yield }
    default { ...; bufferization.materialize_in_destination %b in restrict writable %out; scf.yield }
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def GPUWorkgroupAttributionsPass
    : Pass<"tg-gpu-workgroup-attributions", "gpu::GPUModuleOp"> {
  let summary = "Turns workgroup-memory allocations of kernels into "
                "workgroup attributions";
  let description = [{
    The kernel strategies allocate workgroup memory with `memref.alloc` in
    memory space 3 at the top of a kernel (what the SPIR-V conversion
    takes). The LLVM targets (NVVM, ROCDL) lower only workgroup
    attributions to shared memory (an `alloc` would become a `malloc`
    call): each such allocation of a static shape becomes an attribution
    of the `gpu.func` in `#gpu.address_space<workgroup>`. In a kernel
    marked `tg.dynamic_shared_memory = N` (workgroup memory given at
    launch, above the static limit), the allocations are instead views
    (`memref.view`) of `gpu.dynamic_shared_memory`, one after the other at
    16-byte aligned offsets, which must fit N bytes. An allocation in
    space 3 that is not at the top of a kernel, or of a dynamic shape, is
    an error.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def GPUExpandTruncPass : Pass<"tg-gpu-expand-trunc", "gpu::GPUModuleOp"> {
  let summary = "Expands math.trunc for the LLVM GPU targets";
  let description = [{
    The NVVM and ROCDL conversions leave `math.trunc` unconverted (and
    `math-expand-ops` has no expansion for it): `trunc(x)` becomes
    `copysign(floor(|x|), x)`, which both lower (libdevice, ocml). Exact
    for every float, infinities and NaN included.
  }];
  let dependentDialects = ["::mlir::math::MathDialect"];
}

def GPUExternDynamicSharedMemoryPass
    : Pass<"tg-gpu-extern-dynamic-shared-memory", "gpu::GPUModuleOp"> {
  let summary = "Makes the LLVM global of gpu.dynamic_shared_memory external";
  let description = [{
    The GPU-to-NVVM and -ROCDL conversions lower `gpu.dynamic_shared_memory`
    to an internal zero-size global in address space 3. The NVPTX backend
    demotes an internal global used by one kernel to a variable of that
    kernel, and prints a zero-size one as one static byte
    (`.shared .b8 __dynamic_shmem__0;`), so that the kernel's accesses
    run past it into the memory given at launch. An external zero-size
    global is what both backends read as memory given at launch
    (`.extern .shared .align 16 .b8 __dynamic_shmem__0[];` in PTX, dynamic
    LDS on AMDGPU). Runs after the conversion to LLVM.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def GPUSubgroupReduceToShufflesPass
    : Pass<"tg-gpu-subgroup-reduce-to-shuffles", "gpu::GPUModuleOp"> {
  let summary = "Lowers gpu.subgroup_reduce to butterfly shuffles for the "
                "LLVM GPU targets";
  let description = [{
    The reduce strategy folds partials with `gpu.subgroup_reduce`. SPIR-V
    has an instruction for it; NVVM and ROCDL lower `gpu.shuffle`
    instead: each reduction becomes log2(`subgroup-size`) xor shuffles
    of 32-bit values (narrower values packed, with MLIR's patterns), the
    combiner applied after each, so every combiner (NaN-propagating
    maximum included) is exact. A reduction of wider values is an error
    (the strategy only uses subgroup reductions up to 32 bits).
    `gpu.subgroup_id` and `gpu.num_subgroups`, which those conversions do
    not lower either, become `thread_id x / subgroup-size` and
    `ceildiv(block_dim x, subgroup-size)` (the kernels' workgroups are
    1-D).
  }];
  let options = [
    Option<"subgroupSize", "subgroup-size", "unsigned", "32",
           "lanes per subgroup (32 on NVIDIA, 64 on AMD CDNA)">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def GPUExpandShapeCastsPass
    : Pass<"tg-gpu-expand-shape-casts", "func::FuncOp"> {
  let summary = "Writes a memref.expand_shape with two or more run-time "
                "sizes in a group as a memref.reinterpret_cast";
  let description = [{
    MLIR 22's expand-strided-metadata crashes on a `memref.expand_shape`
    with two or more run-time sizes in one group (`[B * S, 768]` viewed as
    `[B, S, 768]`, which tg-gpu-reshape-views makes of a Reshape by a
    computed shape): it reads each size of a group but one as a constant.
    This pass, run just before it, writes each such expansion as the
    `memref.reinterpret_cast` it is, of its source's base
    (`memref.extract_strided_metadata`): the sizes are the expansion's
    output shape, the last dim of a group keeps the stride of the source
    dim it comes from, and each dim before it steps over the ones after
    it. The result type's static entries stay attributes. Other
    expansions are left to expand-strided-metadata.

    Before:
    ```mlir
    %v = memref.expand_shape %m [[0, 1], [2]] output_shape [%b, %s, 768] : memref<?x768xf32> into memref<?x?x768xf32>
    ```
    After:
    ```mlir
    %base, %offset, %sizes:2, %strides:2 = memref.extract_strided_metadata %m : memref<?x768xf32> -> ...
    %step = arith.muli %strides#0, %s : index
    %v = memref.reinterpret_cast %base to offset: [0], sizes: [%b, %s, 768], strides: [%step, 768, 1] : memref<f32> to memref<?x?x768xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def GPUCopiesToLinalgPass : Pass<"tg-gpu-copies-to-linalg", "func::FuncOp"> {
  let summary = "Turns memref.copy into linalg.copy so copies become kernels";
  let description = [{
    Bufferization copies with `memref.copy`, which a GPU kernel cannot call
    (it becomes a `memrefCopy` library call). As `linalg.copy` it lowers to
    loops like every other linalg op and is distributed into a kernel.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def GPUFuseElementwisePass : Pass<"tg-gpu-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuses elementwise generics, computing a cheap producer "
                "again in each of its consumers";
  let description = [{
    `tg-cpu-fuse-elementwise`'s fusion (a producer into its single
    consumer, views kept), except into a consumer with a reduction that
    reads the producer's elements more than once (a contraction reads its
    A operand once per output column): there only a producer that reads
    one tensor and moves, casts or scales its elements (one arith op at
    most: attention's query times 1 / sqrt(d)) fuses, so a LayerNorm's
    normalization or a softmax's division by its sum is not computed again
    per column. Plus: an elementwise `linalg.generic` (all loops
    parallel, one result, its init unread, at most 16 ops) whose every
    use is an input of a generic that can fuse it and reads each of its
    elements once (a permutation map) gets a copy per consumer, and each
    copy is fused. On a GPU every generic left is a kernel that writes its
    result to global memory and another that reads it back; a few
    arithmetic ops per element computed twice cost less. Softmax's
    `exp(x - max)`, read by its sum and by its division, is the example:
    three kernels instead of four. A producer with a use that cannot fuse
    it (a return, a matmul, a broadcast read) stays as it is.

    Before:
    ```mlir
    %e = linalg.generic {...} ins(%x, %max : ...) outs(...)     // exp(x - max)
    %s = linalg.generic {... "reduction"} ins(%e : ...) outs(...) // sum
    %y = linalg.generic {...} ins(%e, %s : ...) outs(...)       // e / s
    ```
    After:
    ```mlir
    %s = linalg.generic {... "reduction"} ins(%x, %max : ...) outs(...) // sum of exp(x - max)
    %y = linalg.generic {...} ins(%x, %max, %s : ...) outs(...)        // exp(x - max) / s
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def GPUSplitMergedLoopsPass : Pass<"tg-gpu-split-merged-loops", "func::FuncOp"> {
  let summary = "Splits a linalg op's loop over a merged dim of a transposed "
                "or computed input into loops over the dims it merged";
  let description = [{
    Attention with a run-time batch reshapes Q, K and V to
    `[B, S, H, D]`, transposes them to `[B, H, S, D]` and merges batch
    and heads into one dim, `[B * H, S, D]`, for its batch matmuls. The
    merged index is a sum, `b * H + h`, so tg-gpu-fold-transposes cannot
    read past the transpose, and each transpose stays a kernel of its
    own that writes a copy. (With a static batch of 1 the merge only
    drops a unit dim, and the transposes fold.) This pass splits the
    consumer's loop over the merged dim into loops over the dims it
    merged (`linalg::populateFoldReshapeOpsByExpansionPatterns`, named
    ops generalized first): the consumer then reads the transposed
    tensor with plain loop indices, its other operands through
    `expand_shape` views and its result through a `collapse_shape`,
    which fold with the reshapes around them (a zero fill of an empty
    tensor is made in the split shape). Only a consumer's input that is a
    `collapse_shape` merging dims that are not a static 1 is split for,
    of a transpose's result (seen through reshapes), or of a linalg op's:
    merging a computed tensor copies nothing, but its consumer would run
    over other loops than its producer and could not share its kernel
    (softmax's sum over `[B * H, S, S]` after the exp over `[B, H, S, S]`;
    a channels-last conv net's pointwise matmul over `[H * W, C]` after
    its LayerNorm over `[H, W, C]`, whose epilogue then fuses). A
    contraction or convolution is not split for a merge with run-time
    sizes: its epilogue would be read through views with run-time sizes,
    which tg-gpu-fuse-epilogues does not see through. A static `tensor.reshape` of a transposed tensor that only
    merges dims (the importer's Reshape by a constant shape: a static
    model's heads merged back to `[S, H * D]`) is first made the collapse
    it is. A loop that splits into two run-time dims views the op's other
    operands through an `expand_shape` with two dynamic sizes in a group
    (tg-gpu-expand-shape-casts writes its `memref` form as a
    `reinterpret_cast`: MLIR 22's expand-strided-metadata crashes on it).
    tg-gpu-fold-transposes, next, removes the transpose.
    An expand_shape the split leaves on a transposed operand (a Gemm's
    transposed weight, whose depth the split made two loops) moves above
    the transpose, as the transpose of an expand_shape of its input, so
    the transpose is read directly and tg-gpu-fold-transposes folds it.
    A transpose of a merging collapse (attention's heads `[S, B, H, D]`
    merged to `[S, B * H, D]` by a Reshape and transposed to
    `[B * H, S, D]`) becomes a collapse of the transpose of the
    collapse's source, each merged dim moved as its group, when that
    source is a slice: the transpose reads a view of its input (where the
    merge of a strided slice, Q out of a fused projection, is a copy), and
    its fresh result is merged as a view that its consumers split for. (A
    merge of a fresh tensor is free, and the transpose reading it folds
    into its consumer as it is.) A strided slice, like a transposed
    tensor, is what a merging collapse splits its consumer's loops for.

    Before:
    ```mlir
    %t = linalg.transpose ins(%q : tensor<?x?x4x32xf32>) outs(%e : tensor<?x4x?x32xf32>) permutation = [0, 2, 1, 3]
    %c = tensor.collapse_shape %t [[0, 1], [2], [3]] : tensor<?x4x?x32xf32> into tensor<?x?x32xf32>
    %s = linalg.batch_matmul ins(%c, %k : tensor<?x?x32xf32>, tensor<?x32x?xf32>) outs(%acc : tensor<?x?x?xf32>)
    ```
    After:
    ```mlir
    %k4 = tensor.expand_shape %k [[0, 1], [2], [3]] output_shape [%b, 4, 32, %n] : tensor<?x32x?xf32> into tensor<?x4x32x?xf32>
    %s = linalg.generic {indexing_maps = [(b, h, m, n, k) -> (b, h, m, k),
                                          (b, h, m, n, k) -> (b, h, k, n),
                                          (b, h, m, n, k) -> (b, h, m, n)], ...}
        ins(%t, %k4 : ...) outs(%acc4 : tensor<?x4x?x?xf32>)
    %r = tensor.collapse_shape %s [[0, 1], [2], [3]] : tensor<?x4x?x?xf32> into tensor<?x?x?xf32>
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GPUFoldTransposesPass : Pass<"tg-gpu-fold-transposes", "func::FuncOp"> {
  let summary = "Reads a transposed input through the consumer's indexing "
                "map instead of a transposed copy";
  let description = [{
    A `linalg.transpose` is a kernel that writes a permuted copy of its
    input: attention's Q, K^T and V, reshaped to heads and transposed
    before their batch matmuls, cost a kernel and a write and read of the
    tensor each. A linalg op can read the input itself with its operand's
    indexing map composed with the permutation. This pass rewrites each
    linalg op (named ops generalized) whose input is a transpose, possibly
    seen through `collapse_shape`/`expand_shape` that only add or drop
    unit dims (a `[1, H, S, D]` head view collapsed to `[H, S, D]`): the
    operand becomes the tensor reached past the last transpose, and its
    map the composition (a unit dim is read at index 0). A view that
    splits or merges dims of size above 1 stops the walk there: its index
    would be a sum, not a loop index (tg-gpu-split-merged-loops splits
    the consumer's loop first where it can). The op must keep every loop
    its operand's map used, so that the loops keep their sizes, but for a
    loop of one iteration that another operand sizes. Transposes nothing
    reads any more are erased.

    Before:
    ```mlir
    %t = linalg.transpose ins(%k : tensor<1x128x4x32xf32>) outs(%e : tensor<1x4x32x128xf32>) permutation = [0, 2, 3, 1]
    %c = tensor.collapse_shape %t [[0, 1], [2], [3]] : tensor<1x4x32x128xf32> into tensor<4x32x128xf32>
    %s = linalg.batch_matmul ins(%q, %c : tensor<4x128x32xf32>, tensor<4x32x128xf32>) outs(%acc : tensor<4x128x128xf32>)
    ```
    After:
    ```mlir
    %s = linalg.generic {indexing_maps = [(b, m, n, k) -> (b, m, k),
                                          (b, m, n, k) -> (0, n, b, k),
                                          (b, m, n, k) -> (b, m, n)], ...}
        ins(%q, %k : tensor<4x128x32xf32>, tensor<1x128x4x32xf32>) outs(%acc : ...)
    ```
  }];
}

def GPUFoldPadsPass : Pass<"tg-gpu-fold-pads", "func::FuncOp"> {
  let summary = "Reads a padded input through bounds checks instead of a "
                "padded copy";
  let description = [{
    A conv or pooling window reads its input through `tensor.pad`, which
    bufferizes to a new buffer, a fill of it with the padding value and a
    copy of the input into its interior: two kernels, and a write and a
    read of the whole padded tensor, per padded input. On a GPU the
    consumer can read the input where the padded element falls inside it
    and take the padding value elsewhere. This pass rewrites each linalg op
    (named ops generalized) that reads a `tensor.pad` with a padding value
    of its host: the operand goes, and the body computes the element from
    the loop indices (`linalg.index`), the operand's indexing map and the
    low padding, as `in bounds ? tensor.extract source[index - low] :
    padding` with the index clamped to 0 outside. Dims with no padding
    are not checked. The pad stays for its other users. A pad read
    through an `expand_shape` that keeps each padded dim one dim (a
    depthwise conv's `[N, C, 1, H, W]` view) is moved after it first.

    Before:
    ```mlir
    %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] { tensor.yield %zero : f32 }
    %y = linalg.conv_2d_nchw_fchw ins(%p, %w : ...) outs(%init : ...)
    ```
    After:
    ```mlir
    %y = linalg.generic ... ins(%w : ...) outs(%init : ...) {
    ^bb0(%wv: f32, %acc: f32):
      // h = index(2) + index(4) - 1 and w likewise, checked against the
      // dims of %x
      %v = tensor.extract %x[%n, %c, %hc, %wc]
      %xv = arith.select %inside, %v, %zero : f32
      ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def GPUUnshareFillsPass : Pass<"tg-gpu-unshare-fills", "func::FuncOp"> {
  let summary = "Gives each user of a filled tensor a fill of its own";
  let description = [{
    CSE merges the identical zero fills that several matmuls or convs of
    one shape start from. Each of them writes its result into its init,
    so bufferization gives all users but one a copy of the filled buffer:
    a copy kernel (a read and a write of the whole output) where a fill
    (a write, which tg-gpu-fold-fills then folds into the user) would do.
    This pass clones a `linalg.fill` on tensors before each of its users
    but the first.
  }];
}

def GPUDropDataChecksPass : Pass<"tg-gpu-drop-data-checks", "func::FuncOp"> {
  let summary = "Drops the checks inside parallel loops: checks on data, "
                "which a kernel cannot make";
  let description = [{
    A `cf.assert` inside a parallel loop checks data (a gather's index
    against its table): each such loop becomes a kernel, and a kernel
    cannot stop the launch, so tg-gpu-build-kernels drops these checks
    anyway (the gather reads index 0 for an index out of range).
    Dropped before the loop-level passes, they leave bodies of loads,
    stores and arithmetic, which the row-reduction and epilogue matchers
    take: a LayerNorm over the sum of two gathered embeddings is one row
    program. Checks on sizes, outside the loops, stay: the host program
    makes them before any launch.
  }];
}

def GPUSimplifyDimsPass : Pass<"tg-gpu-simplify-dims", "func::FuncOp"> {
  let summary = "Gives each run-time size one name, so that loops over the "
                "same points are seen to be";
  let description = [{
    With dynamic dims one size reaches the loops under several names, and
    the loop-level passes (tg-gpu-fold-fills, -fuse-epilogues, -fuse-rows)
    fuse two loops only when their sizes are the same values. This pass
    resolves the names views give:

    - `memref.dim` of a `memref.reinterpret_cast` is the size the cast
      names, and so are the offset, sizes and strides that
      `memref.extract_strided_metadata` reads of one;
    - a shape buffer (a static rank-1 allocation read as a
      `memref.reshape`'s shape, and otherwise only stored to and loaded
      from at constant indices): a load of an element on the host (not
      in a kernel's loop) is the value its one dominating store wrote,
      and a `memref.reshape` of a contiguous buffer whose shape elements
      are all known becomes a `memref.reinterpret_cast` with those sizes.

    The names size arithmetic and checks give are tg-gpu-simplify-sizes'
    work.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def GPUSimplifySizesPass : Pass<"tg-gpu-simplify-sizes", "func::FuncOp"> {
  let summary = "Puts the host's size arithmetic in one form, so that one "
                "size computed twice gets one name";
  let description = [{
    A model exported with dynamic axes computes its sizes in its graph
    (Shape, Mul, Div, and Reshape with its -1 and 0 entries). Lowered, each
    Reshape leaves selects and checks on the size it makes, so the batch a
    later loop runs over is a chain of selects that the loop-level passes
    cannot see to be the batch, and the loops stay apart. This pass
    rewrites the function body's (the host's) integer arithmetic by three
    facts, to a fixed point:

    - **Ranges.** A dim is never negative, and the one run-time dim of a
      function argument or an allocation is at most 2^62 bytes over the
      bytes of one step along it. Ranges follow the arithmetic
      (`InferIntRangeInterface`); a comparison they decide is a constant
      (a Reshape's `== -1` on a size, a floor division's `< 0`).
      `select(x == 0, y, x)` (a Reshape's 0 entry, which copies the input's
      dim) is `x` when `y` is 0 whenever `x` is, and `(a * k) / d` is
      `a * (k / d)` when `d` divides `k` and the product cannot overflow.
    - **Checks.** The host program makes every check before its first
      launch, so where a check stands among the kernels means nothing: each
      `cf.assert` moves up to just after its condition (and after the check
      before it, so a failing run still reports the first), and every use
      it dominates of a condition it asserts (or of a side of an `andi` it
      asserts) is `true`. A comparison that a select in the asserted
      condition chooses by takes one value there when its other value
      (with `x == k` putting `k` in for `x`, and 0 in for the factors of
      `x` when `k` is 0) folds the condition to false: a Reshape's check
      of its element count rules out its 0 entry that way. And after
      `cf.assert (a == b)` on sizes (a broadcast's or a matmul's check),
      each use of the later-defined one that the other dominates uses the
      other (a constant, when either is). Only checks on sizes count: a
      check on data is one no host makes. Every check is kept.
    - **Casts.** The host's index is 64 bits: `index_cast(a op b)` from
      i64 is `index_cast(a) op index_cast(b)`, so a size computed in i64
      (shape values) and in index (loop bounds) gets one name after CSE.
      Overflow flags on sizes are dropped, so that a view's `nsw` product
      and a Reshape's plain one are one value too.

    Before (a Reshape to `[B * 197, 384]`, with `%b` the batch as i64):
    ```mlir
    %n = arith.muli %b, %c197_i64 : i64
    %z = arith.cmpi eq, %n, %c0_i64 : i64
    %s = arith.select %z, %c197_i64, %n : i64
    %m = arith.cmpi eq, %s, %c-1_i64 : i64
    %r = arith.select %m, %inferred, %s : i64
    %rows = arith.index_cast %r : i64 to index
    ```
    After: `%rows` is `%bi * 197`, with `%bi` the batch's index (when the
    check that follows the Reshape rules out `B == 0`, or when `0` is not
    copied).

    The pipeline runs it twice: on tensors before bufferization (there a
    dim is a `tensor.dim`, and an allocation a `tensor.empty`), so that
    tg-gpu-reshape-views sees the sizes of a Reshape's shape as products
    of the input's dims, and on the host program's buffers, where the
    views and loops have added their own arithmetic.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def GPUReshapeViewsPass : Pass<"tg-gpu-reshape-views", "func::FuncOp"> {
  let summary = "Makes a Reshape by a computed shape the collapse and "
                "expansion it is, views of its input";
  let description = [{
    A Reshape by a shape the graph computes (a model exported with dynamic
    axes) is lowered to `tensor.reshape`, which bufferizes to a contiguous
    copy of its input (a strided slice of a fused QKV projection is copied
    out) and hides which dims it merges and splits, so a transpose around
    it is not split (tg-gpu-split-merged-loops) and stays a kernel. Run
    after tg-gpu-simplify-sizes on tensors, this pass writes each size of
    the new shape (an element of its `from_elements`) and each dim of the
    input as a monomial: a constant times a product of factors, each a dim
    of a function argument (or a scalar it cannot see into). Input dims
    are followed through the ops that size their results by their
    operands: `tensor.empty`, slices, collapse and expand shapes, casts,
    earlier reshapes, and destination-style ops by their inits. When both
    sides refine to one list of fine dims (walking both, the smaller of
    the two sizes left, the one that divides the other, is the next fine
    dim: `[197, B * 6, 64]` and `[B * 197, 384]` refine to
    `[197, B, 6, 64]`), the reshape is an `expand_shape` of the input into
    the fine dims (sized by materialized monomials) and a `collapse_shape`
    into the result: nothing is merged that the result does not merge, so
    the expansion is a view even of a strided slice, and
    tg-gpu-split-merged-loops can split the loops that read the merge.
    Otherwise, where both sides split into groups of consecutive dims with
    equal products (a side's group grows while its product divides the
    other's, both when neither divides), the reshape is a `collapse_shape`
    of the input's groups and an `expand_shape` into the result's, sized
    by the shape's elements. Equal products are equal for every value of
    the factors, so the views read the elements in the reshape's
    row-major order. Dims
    whose sizes are constants are made static by a `tensor.cast` (the ops
    verify that a group is static exactly when its dims are), and a cast
    back gives the reshape's own type. A reshape with a zero-size dim, or
    whose sizes do not factor, is left as it is.

    Before (a ViT's heads, `[S, B, 384]` to `[S, B * 6, 64]`):
    ```mlir
    %b64 = arith.index_cast %b : index to i64
    %h = arith.muli %b64, %c6_i64 : i64
    %shape = tensor.from_elements %c197_i64, %h, %c64_i64 : tensor<3xi64>
    %r = tensor.reshape %x(%shape) : (tensor<197x?x384xf32>, tensor<3xi64>) -> tensor<197x?x64xf32>
    ```
    After:
    ```mlir
    %e = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [197, %b, 6, 64] : tensor<197x?x384xf32> into tensor<197x?x6x64xf32>
    %r = tensor.collapse_shape %e [[0], [1, 2], [3]] : tensor<197x?x6x64xf32> into tensor<197x?x64xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GPUCollapseSplitViewsPass
    : Pass<"tg-gpu-collapse-split-views", "func::FuncOp"> {
  let summary = "Runs an elementwise loop that reads a view splitting a dim "
                "over the dims of the buffer it views";
  let description = [{
    A matmul over a batch of rows runs on [B * S, N], and its result is
    read back as [B, S, N]. With B and S known only at run time that view
    splits one dim into two (a `memref.reinterpret_cast`, offset 0,
    row-major strides), so the elementwise loop after the matmul (a bias,
    an activation) runs over [B, S, N] points where the matmul ran over
    [B * S, N], and tg-gpu-fuse-epilogues, which fuses loops over the same
    points only, leaves it a kernel of its own. This pass merges two
    adjacent dims of an elementwise loop (from 0 by 1, a body of loads,
    stores and pure ops) when:

    - every use of their induction variables is the pair of consecutive
      indices of a load or store, at dims of its buffer that have the
      loop's sizes and are contiguous across the pair (an allocation, or
      a view whose strides say so);
    - some load reads a view that splits one dim of its buffer into the
      pair: that load then reads the buffer itself, and the merged dim
      takes that buffer's size.

    Other accesses read and write views of their buffers with the pair
    merged.

    Before:
    ```mlir
    %v = memref.reinterpret_cast %mm to offset: [0], sizes: [%b, %s, 128],
        strides: [%s128, 128, 1] : memref<?x128xf32> to memref<?x?x128xf32>
    scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%b, %s, %c128) ... {
      %x = memref.load %v[%i, %j, %k]
      memref.store %y, %out[%i, %j, %k] : memref<?x?x128xf32>
    }
    ```
    After: the loop runs over (%bs, %c128), `%bs` the dim of `%mm`
    (`%b * %s`), loads `%mm[%r, %k]` and stores into a [%bs, 128] view of
    `%out`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def GPUDropDeadWritesPass : Pass<"tg-gpu-drop-dead-writes", "func::FuncOp"> {
  let summary = "Drops a loop whose writes the next loop over the same "
                "buffer overwrites whole";
  let description = [{
    Destination-passing style can leave a scratch buffer written twice: a
    gather of token embeddings materialized into the buffer that the sum
    with the position embeddings (which computes the gather again, fused)
    then writes whole. On a GPU each such loop is a kernel whose result no
    one reads. A top-level loop is dropped when all it does is store into
    one allocation it does not read (loads, pure ops and checks on data,
    which kernels drop, aside), and the next op that touches that
    allocation is a loop from 0 by 1 over its sizes (by the program's size
    formulas) that reads none of it and stores its element at every point
    (`x[ivs]` in the loop's body itself, not in a branch).

    Before:
    ```mlir
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      %g = memref.load %table[...]
      memref.store %g, %x[%i]
    }
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      ... memref.store %s, %x[%i]
    }
    ```
    After: the second loop only.
  }];
}

def GPUFoldFillsPass : Pass<"tg-gpu-fold-fills", "func::FuncOp"> {
  let summary = "Moves a fill into the loop that accumulates into the "
                "filled buffer";
  let description = [{
    A matmul, conv, pooling window or reduction starts from its output
    filled with the combiner's identity (`linalg.fill`). On a GPU each
    top-level parallel loop is a kernel, so the fill is a kernel of its
    own that writes the whole output once more, and the accumulating
    kernel then reads it back. When the next loop that touches the buffer
    iterates over the same points and reads and writes each point's
    element only, the fill becomes that loop's first store per point: one
    kernel fewer, and the strategies of tg-gpu-build-kernels start their
    sums from the stored value instead of loading it.

    Before:
    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
      memref.store %zero, %out[%i, %j] : memref<?x?xf32>
    }
    scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
      scf.for %k = ... { ... load %out[%i, %j] ... store ..., %out[%i, %j] }
    }
    ```
    After:
    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
      memref.store %zero, %out[%i, %j] : memref<?x?xf32>
      scf.for %k = ... { ... load %out[%i, %j] ... store ..., %out[%i, %j] }
    }
    ```
  }];
}

def GPUFuseEpiloguesPass : Pass<"tg-gpu-fuse-epilogues", "func::FuncOp"> {
  let summary = "Runs the elementwise loop after a contraction or a row "
                "reduction inside it, per element";
  let description = [{
    A conv or matmul is usually followed by an elementwise loop over its
    output: a bias, an activation, a residual add (fused into one loop by
    elementwise fusion). Each is a kernel of its own that reads the whole
    output back. When that loop runs over the contraction's points, reads
    (and writes) the contraction's output only at each point's element,
    and shares no other buffer with the contraction or the ops between
    them but ones all of them only read, its body moves to the end of each
    point of the contraction (whose points are independent, so the order
    of the points does not matter). The loop may run over the points in
    another order, which its read of the output gives: a residual add over
    `[B, S, C]` of an output projection made as `[S, B, C]` (torch's
    sequence-first attention) reads `acc[s, b, c]` at its point
    `(b, s, c)`, and its loops are renamed to the contraction's.
    tg-gpu-build-kernels's contract
    strategies then run it per element once the element's sum is folded,
    with the sum in registers, and skip storing the sum when the output is
    scratch that nothing else reads (`ElementEpilogue`, `storesElement`).
    A row reduction's loop (the reduce strategy's: a mean's sum, then its
    division) takes its epilogue the same way, run by the invocation that
    stores the folded element, and so does a reduction over a nest of
    loops (a global average pool's H x W, a depthwise conv's window: the
    distribute strategy runs the nest, then the epilogue). Only loops the
    contract or reduce strategy matches, and such nests, get an epilogue. A pure view of the output between them is
    skipped, and the loop's reads through a static view that only adds or
    drops unit dims (a matmul's [M, N] read as [1, M, N]) become reads of
    the output itself; the view, once unused, is erased.

    Before:
    ```mlir
    scf.parallel (%i, %j) = ... {
      memref.store %zero, %acc[%i, %j]
      scf.for %k = ... { ... %acc[%i, %j] += ... }
    }
    scf.parallel (%i, %j) = ... {
      %v = memref.load %acc[%i, %j]
      %b = memref.load %bias[%j]
      %r = arith.maximumf (%v + %b), %zero
      memref.store %r, %out[%i, %j]
    }
    ```
    After:
    ```mlir
    scf.parallel (%i, %j) = ... {
      memref.store %zero, %acc[%i, %j]
      scf.for %k = ... { ... %acc[%i, %j] += ... }
      %v = memref.load %acc[%i, %j]
      %b = memref.load %bias[%j]
      %r = arith.maximumf (%v + %b), %zero
      memref.store %r, %out[%i, %j]
    }
    ```
  }];
}

def GPUFuseRowsPass : Pass<"tg-gpu-fuse-rows", "func::FuncOp"> {
  let summary = "Runs the loops after a row reduction that work row by row "
                "inside its rows: one kernel per softmax or norm";
  let description = [{
    Softmax is a max over each row, a sum of exponentials over it, and a
    division of each element; LayerNorm a mean, a variance, and the
    normalization. As loops they are three kernels, each reading the rows
    again from global memory, and the two reductions' results make a round
    trip through it. When the loop after a row reduction (one the reduce
    strategy takes) runs over the same rows (its first dims: another row
    reduction, or an elementwise loop over the rows and more dims), and
    every buffer both touch and either writes is read and written by both
    only at the row's element, each row's work depends on no other row's.
    So does a loop that writes, at its points, a buffer the row program
    only reads within the row (bufferization writes a LayerNorm's output
    in place over its input): the row program's matcher then checks that a
    barrier (the end of a reduction phase) lies between the last read of
    it and the write. The loop's work moves into each row, after the reduction, as a nested
    parallel loop when it has more dims. The loop must share no written
    buffer with the ops between, and the result must be a row program that
    tg-gpu-build-kernels's reduce strategy takes whole (`RowProgram`): it
    runs one workgroup per row, folds each reduction across it, hands every
    invocation the folded element in registers, and splits each elementwise
    phase over the invocations. An elementwise loop over fewer than 64 rows
    (a static count) stays a kernel of its own, so that it spreads over the
    whole GPU.

    Before:
    ```mlir
    scf.parallel (%i) = ... {
      memref.store %ninf, %max[%i]
      scf.for %k = ... { ... %max[%i] = maximumf(%max[%i], %x[%i, %k]) }
    }
    scf.parallel (%i, %j) = ... {
      %m = memref.load %max[%i]
      ... memref.store (%x[%i, %j] - %m), %y[%i, %j]
    }
    ```
    After:
    ```mlir
    scf.parallel (%i) = ... {
      memref.store %ninf, %max[%i]
      scf.for %k = ... { ... }
      scf.parallel (%j) = ... {
        %m = memref.load %max[%i]
        ... memref.store (%x[%i, %j] - %m), %y[%i, %j]
      }
    }
    ```
  }];
}

def GPUBuildKernelsPass : Pass<"tg-gpu-build-kernels", "ModuleOp"> {
  let summary = "Splits each bufferized executable into compute kernels and "
                "the host program that dispatches them";
  let description = [{
    Input: executables after bufferization, linalg lowered to loops, views
    expanded (`expand-strided-metadata`) and affine lowered. Each op of an
    executable's body is either host work, done by the runtime from the
    program in the manifest, or device work, which becomes one kernel:

    - host work: index arithmetic, `memref.dim`, allocations (scratch
      buffers), views (`extract_strided_metadata`, `reinterpret_cast`,
      `cast`), deallocations, checks on sizes; an `scf.index_switch` or
      `scf.if` without results on a host value is host control flow: the
      kernels of each case are dispatched `when` its condition holds;
    - a top-level `scf.parallel` is *distributed*: its iteration space is
      flattened and a grid-stride loop spreads it over `workgroup-size`
      invocations per workgroup and at most `max-workgroups` workgroups;
      loops inside it stay sequential per invocation;
    - a parallel loop whose body is a nest of reduction loops folding
      products of two operands into one element (`out[p] = combine(out[p],
      f(x, y))`, x varying with some parallel dims, y with others: matmul,
      batch matmul, convs as implicit GEMM) gets the *contract* strategy
      when `contract` is set: each workgroup computes tiles of rows x cols
      (a grid-stride loop over the tiles of all batch points), each
      invocation a 4x4 block of it accumulated in registers; per step of
      16 along the flattened reduction nest, the workgroup stages the
      tile's x and y values (with the ops that compute them) in workgroup
      memory, and every invocation reads its rows and cols from there.
      Loops whose tiles do not fit `shared-memory` are distributed.
      A sum of products `x * y` whose operands one of `matrix-ops` takes
      (f16 or bf16, or f32 rounded as `precision` allows; f32
      accumulators) runs on that instruction instead: 2 x 2 subgroups per
      workgroup, each a 32 x 32 block of a 64 x 64 tile (a 64 x 64 block
      of a 128 x 128 tile for a static problem of at least twice
      `multiprocessors` such tiles whose sides both stage by asynchronous
      copies), x and y staged
      per step of 32 as A [row][k] and B [col][k] in workgroup memory
      (zeros outside the problem), fragments loaded and multiplied by the
      target's hook;
    - a parallel loop whose body folds one reduction loop into one element
      (`out[i] = combine(out[i], x(i, k))` with one operand varying with
      `k`: reduction, softmax and norm rows; or over a nest of loops with
      bounds of the host, a global average pool's H x W, flattened into
      one row, unless its points are known to be fewer than 64, a window
      that stays distributed) gets the *reduce* strategy
      when `reduce` is set: one workgroup per output element (a grid-stride
      loop over them), its invocations fold strided parts of the row into
      their slots of workgroup memory, then the slots are folded: by
      `gpu.subgroup_reduce` and a fold of the subgroups' results when the
      combiner is in `subgroup-reduce`, by a tree with barriers otherwise;
    - any other op with memory effects (`scf.for` from a model loop, a
      store of a scalar) becomes a kernel of one invocation.

    Kernels take binding 0, a buffer of 32-bit params (the host values they
    read), then one flat `memref<?xT>` per buffer they touch; loads and
    stores are linearized with the view's offset and strides. Each kernel
    is a `gpu.func` in a `gpu.module` of its own; the executable keeps its
    signature, gets an empty body and a `tg.gpu_program` attribute: the
    program's JSON (values, result dims, scratch sizes, dispatches).

    A kernel whose workgroup memory exceeds `shared-memory` (the static
    limit) takes it at launch: the `gpu.func` is marked
    `tg.dynamic_shared_memory = BYTES` (tg-gpu-workgroup-attributions
    lays the allocations out in `gpu.dynamic_shared_memory`) and its
    dispatch gets `shared_bytes`; more than `max-shared-memory` is an
    error ("a kernel needs N bytes of workgroup memory"), which no
    strategy's kernel reaches.

    Run-time checks (`cf.assert`) are dropped: a kernel cannot stop the
    launch, and shape checks on inputs are made by the runtime against the
    manifest before a launch.
  }];
  let options = [
    Option<"workgroupSize", "workgroup-size", "unsigned", "64",
           "invocations per workgroup of a distributed kernel">,
    Option<"maxWorkgroups", "max-workgroups", "unsigned", "65535",
           "the largest grid a distributed kernel launches">,
    Option<"reduceStrategy", "reduce", "bool", "true",
           "row reductions as one workgroup per output element">,
    Option<"contractStrategy", "contract", "bool", "true",
           "contractions as output tiles per workgroup, operands staged "
           "through workgroup memory">,
    Option<"sharedMemoryBytes", "shared-memory", "unsigned", "16384",
           "workgroup memory a kernel may allocate (bytes)">,
    Option<"maxSharedMemoryBytes", "max-shared-memory", "unsigned", "0",
           "workgroup memory a kernel may have when the launch asks for it "
           "(bytes; 0: shared-memory): a matrix contraction whose operands "
           "are all copied asynchronously stages more steps ahead with it, "
           "the kernel then takes its workgroup memory at launch "
           "(dynamic shared memory)">,
    Option<"multiprocessors", "multiprocessors", "unsigned", "16",
           "workgroups the GPU runs at once (SMs, CUs): a matrix "
           "contraction takes 128 x 128 tiles when it has at least twice "
           "as many of them">,
    ListOption<"subgroupReduce", "subgroup-reduce", "std::string",
               "combiners the target folds exactly across a subgroup "
               "(arith atomic kinds: addf, mulf, addi, muli, maxs, mins, "
               "...); the reduce strategy uses gpu.subgroup_reduce for them">,
    ListOption<"matrixOps", "matrix-ops", "std::string",
               "the target's matrix instructions (registered hooks, "
               "MatrixOps.h) the contract strategy may use">,
    Option<"precision", "precision", "std::string", "\"\"",
           "what f32 operands of a contraction may be rounded to for a "
           "matrix instruction: tf32, f16, bf16 (default: none, exact f32)">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // TANGRAM_TARGET_GPU_PASSES
